package org.deepline.etl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.deepline.core.ConfigErrors;
import org.deepline.config.DeeplineConfig;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeltaTables;
import org.deepline.core.RunContext;
import org.deepline.core.StageResult;
import org.deepline.core.Warehouse.Table;
import org.deepline.testing.ClosedPort;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code source.format: rest} against a real HTTP server on loopback ({@link FlightsApi}) serving the
 * 2,000 records of {@code data-samples/flights-2k.json} in pages, with injected faults. Waits between
 * retries are recorded instead of slept.
 */
class RestSourceTest {
  private static final String TOKEN = "tok-s3cr3t-8c1f";
  private static final String TOKEN_ENV = "FLIGHTS_API_TOKEN";
  private static final UnaryOperator<String> ENVIRONMENT = Map.of(TOKEN_ENV, TOKEN)::get;
  private static final List<String> RECORDS = FlightsApi.sample();

  private static FlightsApi api;
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startApi() throws Exception {
    api = FlightsApi.start(RECORDS);
  }

  @AfterAll
  static void stopApi() {
    if (api != null) {
      api.close();
    }
  }

  @BeforeEach
  void resetApi() {
    api.clearFaults();
    api.requireBearer(null);
    api.capPages(Integer.MAX_VALUE);
  }

  private static DeeplineConfig config(String rest, String... overrides) {
    return TestRuns.configFromJson("""
        {"dataset": "flights",
         "source": {"format": "rest", "rest": {%s}},
         "schema": {"columns": [
           {"name": "date", "type": "string", "nullable": false},
           {"name": "delay", "type": "long"},
           {"name": "distance", "type": "long", "nullable": false},
           {"name": "origin", "type": "string", "nullable": false},
           {"name": "destination", "type": "string", "nullable": false}]},
         "label": {"expression": "delay > 15"},
         "ingest": {"max_quarantine_fraction": 0.0},
         "features": {"numeric": ["distance"], "categorical": ["origin"]}}
        """.formatted(rest), overrides);
  }

  /** A rest config with fast retries: 100 ms doubled, at most 5 s. */
  private static String rest(String route, String more) {
    return "\"url\": \"" + api.url(route) + "\", \"backoff_initial_ms\": 100, "
        + "\"backoff_max_ms\": 5000" + (more.isEmpty() ? "" : ", " + more);
  }

  private RestSource.Fetched fetch(String rest, UnaryOperator<String> environment) {
    return new RestSource(config(rest).source().rest(), environment, pauses::add).fetch();
  }

  private RestSource.Fetched fetch(String rest) {
    return fetch(rest, ENVIRONMENT);
  }

  private DeeplineException fetchFails(String rest, UnaryOperator<String> environment) {
    return assertThrows(DeeplineException.class, () -> fetch(rest, environment));
  }

  private StageResult ingest(RunContext context) {
    return new IngestJob(ENVIRONMENT, pauses::add).run(context);
  }

  private static Dataset<Row> table(RunContext context, Table table) {
    return DeltaTables.read(SparkTestSession.get(), context.table(table));
  }

  private RunContext context(Path dir, String rest, String... overrides) {
    return TestRuns.context(config(rest, overrides), dir.resolve("wh"), "ingest");
  }

  /**
   * Checks that bronze holds every record served plus {@code extra}, once each, with its text
   * exactly as it arrived, and silver every record served; returns the pages bronze names, sorted.
   */
  private static List<String> assertEveryRecordLoaded(RunContext context, StageResult result,
      int pages, List<String> extra) {
    assertEquals(RECORDS.size() + extra.size(), result.metric("rows_read"));
    assertEquals(RECORDS.size(), result.metric("rows_silver"));
    assertEquals(pages, result.metric("rest_pages"));
    List<Row> bronze = table(context, Table.BRONZE)
        .select(SilverTyping.RAW_RECORD, SourceReader.SOURCE_FILE).collectAsList();
    List<String> served = new ArrayList<>(RECORDS);
    served.addAll(extra);
    assertEquals(served.stream().sorted().toList(),
        bronze.stream().map(r -> r.getString(0)).sorted().toList());
    return bronze.stream().map(r -> r.getString(1)).distinct().sorted().toList();
  }

  /** Fetch only: the ingest path of fetched records is the same for every pagination style. */
  @Test
  void withoutPaginationTheOnePageIsLoaded() {
    RestSource.Fetched fetched = fetch(rest("/all", ""));

    assertEquals(RECORDS, fetched.records().stream().map(RestSource.Record::json).toList());
    assertEquals(List.of(api.url("/all")),
        fetched.records().stream().map(RestSource.Record::url).distinct().toList());
    assertEquals(Map.of("rest_pages", 1.0, "rest_requests", 1.0, "rest_retries", 0.0,
        "rest_wait_seconds", 0.0, "rest_max_pages_reached", 0.0), fetched.metrics());
  }

  @Test
  void numberedPagesAreLoadedThroughServerErrorsAndRateLimits(@TempDir Path dir) {
    api.fail(0, new FlightsApi.Status(500, null, "{}"));
    api.fail(300, new FlightsApi.Status(429, "2", "{\"error\": \"slow down\"}"));
    RunContext context = context(dir, rest("/flights", "\"pagination\": \"page\", "
        + "\"records\": \"data\", \"page_size\": 300"));

    StageResult result = ingest(context);

    // The last of 7 pages has 200 records: fewer than page_size, so no eighth is asked for.
    List<String> pages = assertEveryRecordLoaded(context, result, 7, List.of());
    assertEquals(api.url("/flights?page=1&limit=300"), pages.get(0));
    assertEquals(2, result.metric("rest_retries"));
    // The 500 waits the first backoff, the 429 what its Retry-After asks for.
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofSeconds(2)), pauses);
    assertEquals(2.1, result.metric("rest_wait_seconds"));
  }

  @Test
  void offsetPagesWithoutAPageSizeEndAtTheFirstEmptyOne() {
    RestSource.Fetched fetched = fetch(rest("/flights", "\"pagination\": \"offset\", "
        + "\"records\": \"data\""));

    // 8 pages of the server's 250 records, then an empty ninth.
    assertEquals(RECORDS, fetched.records().stream().map(RestSource.Record::json).toList());
    assertEquals(9, fetched.pages());
    List<String> pages = fetched.records().stream().map(RestSource.Record::url).distinct().toList();
    assertEquals(8, pages.size());
    assertEquals(api.url("/flights?offset=0"), pages.get(0));
  }

  @Test
  void serverErrorsAndRateLimitsAreRetriedHonouringRetryAfter() {
    api.fail(0, new FlightsApi.Status(500, null, "{}"), new FlightsApi.Status(503, null, ""));
    api.fail(500, new FlightsApi.Status(429, "2", "{\"error\": \"slow down\"}"));
    api.fail(1000, new FlightsApi.Truncated());

    RestSource.Fetched fetched = fetch(rest("/flights", "\"pagination\": \"page\", "
        + "\"records\": \"data\", \"page_size\": 500"));

    assertEquals(RECORDS, fetched.records().stream().map(RestSource.Record::json).toList());
    // Backoff 100 ms, then 200 ms; the 429's Retry-After of 2 s; backoff 100 ms for the cut page.
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(2),
        Duration.ofMillis(100)), pauses);
    assertEquals(Map.of("rest_pages", 5.0, "rest_requests", 9.0, "rest_retries", 4.0,
        "rest_wait_seconds", 2.4, "rest_max_pages_reached", 0.0), fetched.metrics());
  }

  @Test
  void aSlowResponseTimesOutAndIsRetried() {
    api.fail(250, new FlightsApi.Slow(3_000));
    int before = api.requests().size();
    long start = System.nanoTime();

    RestSource.Fetched fetched = fetch(rest("/linked", "\"pagination\": \"next_link\", "
        + "\"timeout_seconds\": 0.5"));

    assertTrue(System.nanoTime() - start < 2_500_000_000L, "the slow answer was not waited for");
    assertEquals(RECORDS.size(), fetched.records().size());
    assertEquals(1, fetched.retries());
    assertEquals(2, api.requests().subList(before, api.requests().size()).stream()
        .filter(r -> r.startsWith("/linked?start=250")).count());
  }

  @Test
  void retriesRunOutNamingThePageAndOtherClientErrorsFailAtOnce() {
    for (int i = 0; i < 3; i++) {
      api.fail(300, new FlightsApi.Status(500, null, "{}"));
    }
    DeeplineException exhausted = fetchFails(rest("/flights", "\"pagination\": \"offset\", "
        + "\"records\": \"data\", \"page_size\": 300, \"max_retries\": 2"), ENVIRONMENT);
    assertEquals("source " + api.url("/flights") + ": page 2 (" + api.url("/flights")
        + "?offset=300&limit=300) answered HTTP 500 (gave up after 3 attempts)",
        exhausted.getMessage());
    // What a retry may mend, still failing after the last: worth a retry later (exit 8).
    assertEquals(DeeplineException.Failure.INFRASTRUCTURE, exhausted.failure());

    int before = api.requests().size();
    api.fail(0, new FlightsApi.Status(404, null, "{\"error\": \"no such route\"}"));
    DeeplineException notFound = fetchFails(rest("/flights", "\"records\": \"data\""),
        ENVIRONMENT);
    assertEquals("source " + api.url("/flights") + ": page 1 (" + api.url("/flights")
        + ") answered HTTP 404: {\"error\": \"no such route\"}", notFound.getMessage());
    assertEquals(before + 1, api.requests().size(), "a 404 is not retried");
    assertEquals(DeeplineException.Failure.INPUT, notFound.failure());
  }

  @Test
  void aServerThatServesFewerRecordsAPageThanAskedIsReadToItsEnd() {
    // page_size 500 asked, 100 served a page: the first page is short but not the last.
    api.capPages(100);
    for (String pagination : List.of("page", "offset")) {
      RestSource.Fetched fetched = fetch(rest("/flights", "\"pagination\": \"" + pagination
          + "\", \"records\": \"data\", \"page_size\": 500, \"max_pages\": 100"));

      assertEquals(RECORDS.size(), fetched.records().size(), pagination);
    }
    // Uncapped, a short last page still ends the load without a further request.
    api.capPages(Integer.MAX_VALUE);
    int before = api.requests().size();
    RestSource.Fetched uncapped = fetch(rest("/flights", "\"pagination\": \"page\", "
        + "\"records\": \"data\", \"page_size\": 300"));
    assertEquals(RECORDS.size(), uncapped.records().size());
    assertEquals((RECORDS.size() + 299) / 300, api.requests().size() - before);
  }

  @Test
  void anApiWithoutARecordIsADataQualityFault() {
    RestSource.Fetched fetched = fetch(rest("/flights?page=999", "\"records\": \"data\""));

    DeeplineException empty = assertThrows(DeeplineException.class,
        () -> RestSource.rows(SparkTestSession.get(), fetched, "api", Map.of()));

    assertEquals("source api: no data rows (1 page(s), none with a record)", empty.getMessage());
    assertEquals(DeeplineException.Failure.DATA_QUALITY, empty.failure());
  }

  @Test
  void credentialsGoOnlyToTheConfiguredHost() {
    api.requireBearer(TOKEN);
    // The same server under another host name: its pages' next links name 127.0.0.1.
    String localhost = api.url("/body-linked").replace("127.0.0.1", "localhost");

    DeeplineException refused = fetchFails("\"url\": \"" + localhost + "\", "
        + "\"pagination\": \"next_link\", \"records\": \"results\", \"next\": \"next\", "
        + "\"page_size\": 500, \"bearer_token_env\": \"" + TOKEN_ENV + "\"", ENVIRONMENT);

    assertTrue(refused.getMessage().contains("page 2 (" + api.url("/body-linked?start=")),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("answered HTTP 401"), refused.getMessage());
    List<Map<String, String>> headers = api.headers();
    assertEquals("Bearer " + TOKEN, headers.get(headers.size() - 2).get("authorization"));
    assertEquals(null, headers.get(headers.size() - 1).get("authorization"),
        "the token went to another host");
  }

  @Test
  void aServerThatCannotBeReachedIsNamedAsSuch() {
    int closedPort = ClosedPort.take();
    String url = "http://127.0.0.1:" + closedPort + "/flights";

    DeeplineException refused = fetchFails("\"url\": \"" + url + "\", \"records\": \"data\", "
        + "\"backoff_initial_ms\": 100, \"max_retries\": 1", ENVIRONMENT);

    // The JDK's client says nothing of its own ("request failed: null" before).
    assertEquals("source " + url + ": page 1 (" + url + ") request failed: connection refused "
        + "(nothing answers at the URL's host and port) (gave up after 2 attempts)",
        refused.getMessage());
    assertEquals(DeeplineException.Failure.INFRASTRUCTURE, refused.failure());
  }

  @Test
  void cursorPagesLoadAfterAPageThatWasNotJsonFailedTheLoadBeforeAnythingWasWritten(
      @TempDir Path dir) {
    for (int i = 0; i < 3; i++) {
      api.fail(500, new FlightsApi.Truncated());
    }
    RunContext context = context(dir, rest("/cursor", "\"pagination\": \"cursor\", "
        + "\"records\": \"result.items\", \"next\": \"meta.next_cursor\", \"page_size\": 250, "
        + "\"max_retries\": 2"));

    DeeplineException error = assertThrows(DeeplineException.class, () -> ingest(context));

    assertTrue(error.getMessage().startsWith("source " + api.url("/cursor") + ": page 3 ("
        + api.url("/cursor") + "?cursor=c500&limit=250) is not JSON at line 1, column "),
        error.getMessage());
    assertTrue(error.getMessage().endsWith("(gave up after 3 attempts)"), error.getMessage());
    for (Table table : List.of(Table.BRONZE, Table.SILVER, Table.QUARANTINE)) {
      assertFalse(DeltaTables.exists(SparkTestSession.get(), context.table(table)),
          table + " was written");
    }

    StageResult rerun = ingest(context);

    List<String> pages = assertEveryRecordLoaded(context, rerun, 8, List.of());
    assertEquals(api.url("/cursor?cursor=c1000&limit=250"), pages.get(0));
    assertEquals(api.url("/cursor?limit=250"), pages.get(7));
  }

  @Test
  void nextLinksAreFollowedWithAnApiKeyFromTheEnvironmentThatNeverShows(@TempDir Path dir) {
    api.fail(0, new FlightsApi.Extra("[42]"));
    int before = api.requests().size();
    RunContext context = context(dir, rest("/linked", "\"pagination\": \"next_link\", "
        + "\"api_key_env\": \"" + TOKEN_ENV + "\", \"api_key_param\": \"api_key\", "
        + "\"params\": {\"airline\": \"all of them\"}, \"headers\": {\"X-Trace\": \"rest-test\"}"),
        "ingest.max_quarantine_fraction=0.01");

    StageResult result = ingest(context);

    List<String> pages = assertEveryRecordLoaded(context, result, 8, List.of("[42]"));
    Row quarantined = table(context, Table.QUARANTINE).select("reason", "raw_record").first();
    assertTrue(quarantined.getString(0).startsWith("malformed record: not a JSON object; date: "
        + "missing value"), quarantined.getString(0));
    assertEquals("[42]", quarantined.getString(1));
    // The key goes with every request; the server echoes it into its (relative) next links.
    assertEquals(List.of("/linked?airline=all%20of%20them&api_key=" + TOKEN,
        "/linked?airline=all+of+them&start=250&api_key=" + TOKEN,
        "/linked?airline=all+of+them&start=500&api_key=" + TOKEN),
        api.requests().subList(before, before + 3));
    assertEquals("rest-test", api.headers().get(before).get("x-trace"));
    // Bronze names each page with the key masked, and nothing else shows it.
    assertEquals(List.of(api.url("/linked?airline=all%20of%20them"),
            api.url("/linked?airline=all+of+them&api_key=***&start=250"),
            api.url("/linked?airline=all+of+them&start=1000&api_key=***")),
        List.of(pages.get(0), pages.get(1), pages.get(2)));
    assertFalse(pages.toString().contains(TOKEN), pages.toString());
    assertFalse(result.toString().contains(TOKEN), result.toString());
    assertFalse(org.deepline.tracking.Redaction.redactedJson(context.config()).contains(TOKEN));
  }

  @Test
  void aBearerTokenComesFromTheEnvironmentAndNeverShowsInErrors() {
    api.requireBearer(TOKEN);
    String rest = rest("/all", "\"bearer_token_env\": \"" + TOKEN_ENV + "\"");

    DeeplineException unset = fetchFails(rest, Map.<String, String>of()::get);
    assertEquals("source.rest.bearer_token_env: environment variable FLIGHTS_API_TOKEN is not set",
        unset.getMessage());

    String wrong = "wrong-" + TOKEN;
    DeeplineException refused = fetchFails(rest, Map.of(TOKEN_ENV, wrong)::get);
    // The server echoes the token it refused: the error masks it.
    assertEquals("source " + api.url("/all") + ": page 1 (" + api.url("/all") + ") answered HTTP "
        + "401: {\"error\": \"not authorised: Bearer ***\"}", refused.getMessage());

    assertEquals(RECORDS.size(), fetch(rest).records().size());
    assertEquals("Bearer " + TOKEN, api.headers().get(api.headers().size() - 1)
        .get("authorization"));
  }

  @Test
  void thePageCapFailsTheLoadByDefaultOrStopsItWithAMetric() {
    DeeplineException capped = fetchFails(rest("/body-linked", "\"pagination\": \"next_link\", "
        + "\"records\": \"results\", \"next\": \"next\", \"max_pages\": 2"), ENVIRONMENT);

    assertEquals("source " + api.url("/body-linked") + ": page 2 (" + api.url("/body-linked")
        + "?start=250&limit=250) reached source.rest.max_pages 2 with pages left (next: "
        + api.url("/body-linked") + "?start=500&limit=250); raise max_pages, or set on_max_pages: "
        + "stop to load the first 2 pages only", capped.getMessage());
    RestSource.Fetched stopped = fetch(rest("/body-linked", "\"pagination\": \"next_link\", "
        + "\"records\": \"results\", \"next\": \"next\", \"max_pages\": 2, "
        + "\"on_max_pages\": \"stop\""));
    assertEquals(500, stopped.records().size());
    assertEquals(1, stopped.metrics().get("rest_max_pages_reached"));
    // The cap is not reached by a load that ends on its last allowed page.
    assertEquals(RECORDS.size(), fetch(rest("/body-linked", "\"pagination\": \"next_link\", "
        + "\"records\": \"results\", \"next\": \"next\", \"max_pages\": 8")).records().size());
  }

  @Test
  void recordsAreSplitWithTheirExactTextAndAPageOfTheWrongShapeIsNamed() {
    String body = """
        {"next": {"x": [1]}, "data": [ {"a": 1,  "b": [1, {"c": "]"}]} , 7, "x\\"y", null,
        [true] ]}""";
    List<RestSource.Record> records = new RestSource(config(rest("/all", "\"records\": \"data\""))
        .source().rest(), ENVIRONMENT, pauses::add).split(1, "http://h/p", body);
    assertEquals(List.of("{\"a\": 1,  \"b\": [1, {\"c\": \"]\"}]}", "7", "\"x\\\"y\"", "null",
        "[true]"), records.stream().map(RestSource.Record::json).toList());
    assertEquals(List.of(true, false, false, false, false),
        records.stream().map(RestSource.Record::object).toList());

    String flights = api.url("/flights");
    DeeplineException object = fetchFails(rest("/flights", ""), ENVIRONMENT);
    assertEquals("source " + flights + ": page 1 (" + flights + ") is an object, expected an array "
        + "of records; set source.rest.records to the field that holds them", object.getMessage());
    DeeplineException noField = fetchFails(rest("/flights", "\"records\": \"items\""), ENVIRONMENT);
    assertEquals("source " + flights + ": page 1 (" + flights + ") has no field items "
        + "(source.rest.records)", noField.getMessage());
    String all = api.url("/all");
    DeeplineException array = fetchFails(rest("/all", "\"records\": \"data.items\""), ENVIRONMENT);
    assertEquals("source " + all + ": page 1 (" + all + ") is an array, expected an object with "
        + "field data (source.rest.records)", array.getMessage());
  }

  @Test
  void retryAfterTakesSecondsOrAnHttpDateAndBackoffDoublesUpToItsCap() {
    RestSource source = new RestSource(config("\"url\": \"" + api.url("/all") + "\", "
        + "\"backoff_initial_ms\": 300, \"backoff_max_ms\": 1000").source().rest(), ENVIRONMENT,
        pauses::add, Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC));
    assertEquals(Duration.ofSeconds(120), source.retryAfter(" 120 "));
    assertEquals(Duration.ofSeconds(90), source.retryAfter("Tue, 24 Nov 2026 10:01:30 GMT"));
    assertEquals(Duration.ZERO, source.retryAfter("Tue, 24 Nov 2026 09:00:00 GMT"));
    assertNull(source.retryAfter("soon"));
    assertEquals(List.of(300L, 600L, 1000L, 1000L), List.of(source.backoff(0), source.backoff(1),
        source.backoff(2), source.backoff(9)).stream().map(Duration::toMillis).toList());
  }

  @Test
  void aRetryAfterLongerThanTheBackoffCapFailsAtOnce() {
    api.fail(0, new FlightsApi.Status(429, "600", ""));
    DeeplineException error = fetchFails(rest("/all", ""), ENVIRONMENT);
    assertEquals("source " + api.url("/all") + ": page 1 (" + api.url("/all") + ") answered HTTP 429 "
        + "asks to retry after 600 s, longer than source.rest.backoff_max_ms 5000; raise it, or run "
        + "the load later", error.getMessage());
    assertEquals(List.of(), pauses);
    assertEquals(DeeplineException.Failure.INFRASTRUCTURE, error.failure());
  }

  @Test
  void anOriginIsASchemeAHostAndAPort() {
    String origin = "https://api.example.com/v1/flights?page=1";
    assertTrue(RestUrls.sameOrigin(origin, "https://API.example.com:443/v1/flights?page=2"));
    assertFalse(RestUrls.sameOrigin(origin, "http://api.example.com/v1/flights?page=2"));
    assertFalse(RestUrls.sameOrigin(origin, "https://cdn.example.com/v1/flights?page=2"));
    assertFalse(RestUrls.sameOrigin(origin, "https://api.example.com:8443/v1/flights"));
    assertFalse(RestUrls.sameOrigin(origin, "not a url"));
  }

  @Test
  void linkHeadersAndUrlsAreReadAndShownWithoutSecrets() {
    assertEquals(Optional.of("/p?page=3"), RestUrls.nextLink(List.of(
        "<https://api.example/p?page=1>; rel=\"first\", </p?page=3>; title=\"x\"; rel=\"prefetch next\"")));
    assertEquals(Optional.of("https://a/b?c=1"), RestUrls.nextLink(List.of("<https://a/b?c=0>; "
        + "rel=prev", "<https://a/b?c=1>;rel=next")));
    assertEquals(Optional.empty(), RestUrls.nextLink(List.of("<https://a/b>; rel=\"last\"")));
    assertEquals("https://a/v2/items?after=x", RestUrls.resolve("https://a/v2/list?page=1",
        "items?after=x"));
    assertEquals("https://a/p?q=1&access_token=***&sig=ok&x-api-key=***#f",
        RestUrls.shown("https://a/p?q=1&access_token=abc&sig=ok&x-api-key=k#f", null));
    assertEquals("https://a/p?k=***", RestUrls.shown("https://a/p?k=abc", "k"));
    assertEquals("https://a/p?r=2&q=new%20value#f", RestUrls.withParams("https://a/p?q=old&r=2#f",
        Map.of("q", "new value")));
  }

  @Test
  void restConfigErrorsAreNamedAndNeverEchoASecret() {
    ConfigErrors errors = new ConfigErrors().at("source");
    new SourceConfig("rest", "x.json", null, null, null, new RestConfig(
        "ftp://u:hunter2@h/p?token=hunter2", "pages", "data..items", null, null, -1, null, null,
        null, 0, 0, "truncate", -1.0, -1, 0L, -5L, "T", "K", null, null,
        Map.of("api_key", "hunter2"), Map.of("Authorization", "Bearer hunter2"))).validate(errors);

    assertEquals(List.of(
        "source.rest.url: expected an http:// or https:// URL with a host",
        "source.rest.url: credentials in the URL are not accepted (they would be written to run "
            + "records, logs and bronze); name the environment variable that holds them in "
            + "bearer_token_env or api_key_env",
        "source.rest.pagination: must be one of [none, page, offset, cursor, next_link], got pages",
        "source.rest.on_max_pages: must be one of [fail, stop], got truncate",
        "source.rest.records: expected a field name or a dotted path such as data.items, got "
            + "'data..items'",
        "source.rest.page_size: must be > 0, got 0",
        "source.rest.first_page: must be >= 0, got -1",
        "source.rest.max_pages: must be > 0, got 0",
        "source.rest.timeout_seconds: must be > 0, got -1.0",
        "source.rest.max_retries: must be >= 0, got -1",
        "source.rest.backoff_initial_ms: must be > 0, got 0",
        "source.rest.backoff_max_ms: must be >= backoff_initial_ms 0, got -5",
        "source.rest.bearer_token_env: give bearer_token_env or api_key_env, not both",
        "source.rest.api_key_env: needs exactly one of api_key_header (e.g. X-API-Key) and "
            + "api_key_param (a query parameter)",
        "source.rest.params.api_key: looks like a credential; keep it out of the config: name the "
            + "environment variable that holds it in api_key_env, with api_key_param api_key",
        "source.rest.headers.Authorization: looks like a credential; keep it out of the config: "
            + "name the environment variable that holds it in bearer_token_env, or in api_key_env "
            + "with api_key_header Authorization",
        "source.path: does not apply to format rest (the source is source.rest.url)"),
        errors.messages());
    assertFalse(errors.messages().toString().contains("hunter2"));

    ConfigErrors cursor = new ConfigErrors().at("rest");
    new RestConfig("https://h/p?sort_key=a&author=b", "cursor", null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, "X-Key", null, null,
        Map.of("Host", "elsewhere")).validate(cursor);
    assertEquals(List.of("rest.next: is required with pagination cursor: the field that holds the "
            + "next cursor",
        "rest.api_key_env: is required with api_key_header or api_key_param: the environment "
            + "variable that holds the key",
        "rest.headers.Host: is set by the HTTP client and cannot be configured"), cursor.messages());
  }
}
