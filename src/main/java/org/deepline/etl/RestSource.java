package org.deepline.etl;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deepline.core.DeeplineException;
import org.deepline.core.DeeplineException.Failure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a paginated JSON API ({@link RestConfig}): pages are fetched one after the other on the
 * driver (a cursor or next link is only known from the page before), each checked to be JSON and
 * split into its records, kept as their exact text. Nothing is written until every page has
 * arrived, so a page that never comes right fails the load with no table touched, and a re-run
 * fetches everything again.
 *
 * <p>A 5xx, a 429, a timeout, a failed connection or a body that is not JSON is retried up to
 * {@code max_retries} times, waiting what the response's {@code Retry-After} asks for (seconds or
 * an HTTP date) or else {@code backoff_initial_ms} doubled on each attempt, capped at
 * {@code backoff_max_ms}. Any other status fails at once.
 *
 * <pre>{@code
 * RestSource.Fetched fetched = new RestSource(config, System::getenv, RestSource.SLEEP).fetch();
 * Dataset<Row> rows = RestSource.rows(spark, fetched, Map.of()); // parsed like JSON lines
 * }</pre>
 */
public final class RestSource {
  private static final Logger LOG = LoggerFactory.getLogger(RestSource.class);
  /** The parsed record's struct before it is flattened into columns. */
  private static final String RECORD = "_record";
  private static final int EXCERPT_CHARS = 200;
  private static final int RECORDS_PER_PARTITION = 10_000;
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** Waits between two attempts; tests record the waits instead of sleeping. */
  @FunctionalInterface
  public interface Pause {
    void sleep(Duration wait) throws InterruptedException;
  }

  public static final Pause SLEEP = wait -> Thread.sleep(wait.toMillis());

  /**
   * One record as it arrived.
   *
   * @param page   the page number, from 1
   * @param url    the page's URL, credentials masked
   * @param json   the record's exact text in the page
   * @param object whether it is a JSON object (anything else is a malformed record)
   */
  public record Record(int page, String url, String json, boolean object) {}

  /**
   * What a load fetched: every record in page order, and how it went.
   *
   * @param maxPagesReached the load stopped at {@code max_pages} with pages left
   *                        ({@code on_max_pages: stop})
   */
  public record Fetched(List<Record> records, int pages, int requests, int retries, long waitedMs,
      boolean maxPagesReached) {
    /** The figures the run record keeps. */
    public Map<String, Double> metrics() {
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("rest_pages", (double) pages);
      metrics.put("rest_requests", (double) requests);
      metrics.put("rest_retries", (double) retries);
      metrics.put("rest_wait_seconds", waitedMs / 1000.0);
      metrics.put("rest_max_pages_reached", maxPagesReached ? 1.0 : 0.0);
      return metrics;
    }
  }

  /** A page that arrived as JSON. */
  private record Page(int number, String url, String body, JsonNode tree,
      HttpResponse<String> response) {}

  /** The redirect statuses followed when the client does not follow them itself. */
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  /** As the JDK's client: at most five redirects for one request. */
  private static final int MAX_REDIRECTS = 5;

  private final RestConfig config;
  private final UnaryOperator<String> environment;
  private final Pause pause;
  private final Clock clock;
  private final HttpClient client;
  private final Duration timeout;
  private String secret;
  private int requests;
  private int retries;
  private long waitedMs;

  /**
   * @param environment where {@code bearer_token_env} and {@code api_key_env} are looked up (the
   *                    process environment, {@code System::getenv})
   * @param pause       how to wait between attempts ({@link #SLEEP})
   */
  public RestSource(RestConfig config, UnaryOperator<String> environment, Pause pause) {
    this(config, environment, pause, Clock.systemUTC());
  }

  RestSource(RestConfig config, UnaryOperator<String> environment, Pause pause, Clock clock) {
    this.config = config;
    this.environment = environment;
    this.pause = pause;
    this.clock = clock;
    this.timeout = Duration.ofMillis(Math.max(1, Math.round(config.timeoutSeconds() * 1000)));
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        // Redirects are followed by the client only where no credential is sent (below): the
        // JDK's client keeps a request's headers on a redirect to another host.
        .followRedirects(credentialFree(config) ? HttpClient.Redirect.NORMAL
            : HttpClient.Redirect.NEVER)
        .build();
  }

  /** Whether the source sends no credential: no bearer token and no API key. */
  private static boolean credentialFree(RestConfig config) {
    return config.bearerTokenEnv() == null && config.apiKeyEnv() == null;
  }

  /** Fetches every page, following the configured pagination. */
  public Fetched fetch() {
    requests = 0;
    retries = 0;
    waitedMs = 0;
    Map<String, String> authHeaders = authHeaders();
    List<Record> records = new ArrayList<>();
    Set<String> fetched = new HashSet<>();
    String base = RestUrls.withParams(config.url(), config.params());
    String url = firstUrl(base);
    long offset = 0;
    int number = 1;
    boolean maxPagesReached = false;
    int largest = 0;
    String previousBody = null;
    while (true) {
      fetched.add(url);
      Page page = get(number, url, authHeaders);
      if (pagedBySize() && page.body().equals(previousBody)) {
        // A server that answers a page number past its end with its last page again.
        LOG.info("source {}: page {} repeats page {}; it is the end", config.describe(), number,
            number - 1);
        number--;
        break;
      }
      List<Record> pageRecords = split(number, url, page.body());
      records.addAll(pageRecords);
      offset += pageRecords.size();
      LOG.debug("source {}: page {} ({}): {} records", config.describe(), number, shown(url),
          pageRecords.size());
      if (pagedBySize() && number > 1 && !pageRecords.isEmpty() && config.pageSize() != null
          && largest < config.pageSize() && pageRecords.size() <= largest) {
        LOG.warn("source {}: the server gives at most {} records a page where page_size asks {}; "
            + "its pages are read until a shorter or empty one (set page_size to {} to spare "
            + "the last request)", config.describe(), largest, config.pageSize(), largest);
      }
      Optional<String> next = next(page, base, pageRecords.size(), largest, offset);
      largest = Math.max(largest, pageRecords.size());
      previousBody = page.body();
      if (next.isEmpty()) {
        break;
      }
      if (fetched.contains(next.get())) {
        throw failure(number, url, "points back to " + shown(next.get())
            + ", a page already read: the pagination loops");
      }
      if (number == config.maxPages()) {
        if (RestConfig.FAIL.equals(config.onMaxPages())) {
          throw failure(number, url, "reached source.rest.max_pages " + config.maxPages()
              + " with pages left (next: " + shown(next.get()) + "); raise max_pages, or set "
              + "on_max_pages: stop to load the first " + config.maxPages() + " pages only");
        }
        LOG.warn("source {}: stopped at max_pages {} with pages left (next: {}); loading the {} "
            + "records read (metric rest_max_pages_reached = 1)", config.describe(),
            config.maxPages(), shown(next.get()), records.size());
        maxPagesReached = true;
        break;
      }
      url = next.get();
      number++;
    }
    LOG.info("source {}: {} records from {} pages ({} requests, {} retries, {} ms waited)",
        config.describe(), records.size(), number, requests, retries, waitedMs);
    return new Fetched(List.copyOf(records), number, requests, retries, waitedMs,
        maxPagesReached);
  }

  /**
   * The records as rows: the fields typed by Spark's JSON reader exactly as a JSON lines file would
   * be (one pass over the records to infer the types), then {@value SourceReader#CORRUPT_RECORD} (a
   * record that is not an object), {@value SourceReader#SOURCE_FILE} (the page's URL) and
   * {@value SilverTyping#RAW_RECORD} (the record's text as it arrived).
   *
   * @param options Spark JSON reader options ({@code source.options})
   */
  public static Dataset<Row> rows(SparkSession spark, Fetched fetched, String source,
      Map<String, String> options) {
    if (fetched.records().isEmpty()) {
      throw new DeeplineException(Failure.DATA_QUALITY, "source " + source + ": no data rows ("
          + fetched.pages() + " page(s), none with a record)");
    }
    StructType carried = new StructType()
        .add(SourceReader.CORRUPT_RECORD, DataTypes.StringType, true)
        .add(SourceReader.SOURCE_FILE, DataTypes.StringType, false)
        .add(SilverTyping.RAW_RECORD, DataTypes.StringType, false);
    List<Row> raw = fetched.records().stream()
        .map(r -> RowFactory.create(r.object() ? null : r.json(), r.url(), r.json()))
        .toList();
    // An RDD rather than a local relation: the records stay out of the query plan, which every
    // action of the load would otherwise analyse and copy whole.
    Dataset<Row> records = spark.createDataFrame(JavaSparkContext.fromSparkContext(
        spark.sparkContext()).parallelize(raw, partitions(spark, raw.size())), carried);
    StructType inferred = spark.read().options(options)
        .json(records.where(functions.col(SourceReader.CORRUPT_RECORD).isNull())
            .select(SilverTyping.RAW_RECORD).as(Encoders.STRING()))
        .schema();
    for (String name : carried.fieldNames()) {
      if (List.of(inferred.fieldNames()).contains(name)) {
        throw SourceReader.clash(name);
      }
    }
    return records.select(
            functions.from_json(functions.col(SilverTyping.RAW_RECORD), inferred, options).as(RECORD),
            functions.col(SourceReader.CORRUPT_RECORD), functions.col(SourceReader.SOURCE_FILE),
            functions.col(SilverTyping.RAW_RECORD))
        .select(RECORD + ".*", carried.fieldNames());
  }

  /** About {@value #RECORDS_PER_PARTITION} records a partition, at most Spark's parallelism. */
  private static int partitions(SparkSession spark, int records) {
    return Math.max(1, Math.min(spark.sparkContext().defaultParallelism(),
        records / RECORDS_PER_PARTITION));
  }

  private String firstUrl(String base) {
    return switch (config.pagination()) {
      case RestConfig.PAGE -> pageUrl(base, config.pageParam(), config.firstPage());
      case RestConfig.OFFSET -> pageUrl(base, config.offsetParam(), 0);
      default -> sized(base, new LinkedHashMap<>());
    };
  }

  private String pageUrl(String base, String param, long value) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put(param, Long.toString(value));
    return sized(base, params);
  }

  private String sized(String base, Map<String, String> params) {
    if (config.pageSize() != null && !RestConfig.NEXT_LINK.equals(config.pagination())
        && !RestConfig.NONE.equals(config.pagination())) {
      params.put(config.sizeParam(), Integer.toString(config.pageSize()));
    }
    return RestUrls.withParams(base, params);
  }

  /** Whether the pagination finds the last page by its size: {@code page} and {@code offset}. */
  private boolean pagedBySize() {
    return RestConfig.PAGE.equals(config.pagination())
        || RestConfig.OFFSET.equals(config.pagination());
  }

  /**
   * The next page's URL; empty after the last page. A page of {@code page} or {@code offset}
   * pagination is the last when it holds no record, or fewer than {@code page_size} and fewer than
   * an earlier page ({@code largest}). A first page short of {@code page_size}, or one as long as
   * the pages before it, is not taken for the last: servers cap the page size below what a client
   * asks (GitHub at 100), and stopping there loaded the first page alone, without a word. It costs
   * one request on a data set of one short page.
   */
  private Optional<String> next(Page page, String base, int records, int largest, long offset) {
    boolean lastBySize = records == 0
        || (config.pageSize() != null && records < config.pageSize() && records < largest);
    return switch (config.pagination()) {
      case RestConfig.PAGE -> lastBySize ? Optional.empty()
          : Optional.of(pageUrl(base, config.pageParam(), config.firstPage() + page.number()));
      case RestConfig.OFFSET -> lastBySize ? Optional.empty()
          : Optional.of(pageUrl(base, config.offsetParam(), offset));
      case RestConfig.CURSOR -> field(page, config.nextPath()).map(cursor -> {
        Map<String, String> params = new LinkedHashMap<>();
        params.put(config.cursorParam(), cursor);
        return sized(base, params);
      });
      case RestConfig.NEXT_LINK -> (config.next() != null ? field(page, config.nextPath())
          : RestUrls.nextLink(page.response().headers().allValues("Link")))
          .map(link -> resolve(page, link));
      default -> Optional.empty();
    };
  }

  private String resolve(Page page, String link) {
    try {
      return RestUrls.resolve(page.url(), link);
    } catch (IllegalArgumentException e) {
      throw failure(page.number(), page.url(), "gives a next link that is not a valid URL: "
          + shown(link));
    }
  }

  /** A scalar field of the page; empty when it is missing, null or empty text. */
  private Optional<String> field(Page page, List<String> path) {
    JsonNode node = page.tree();
    for (String name : path) {
      node = node.isObject() ? node.get(name) : null;
      if (node == null) {
        return Optional.empty();
      }
    }
    if (node.isNull()) {
      return Optional.empty();
    }
    if (!node.isValueNode()) {
      throw failure(page.number(), page.url(), "field " + String.join(".", path) + " is "
          + node.getNodeType().toString().toLowerCase(Locale.ROOT) + ", expected text or a number");
    }
    return Optional.of(node.asText()).filter(text -> !text.isEmpty());
  }

  /**
   * A page's records, each as its exact text (found by a streaming pass over the body, which was
   * checked to be JSON), in order.
   */
  List<Record> split(int number, String url, String body) {
    List<String> path = config.recordsPath();
    try (JsonParser parser = STRICT.getFactory().createParser(body)) {
      JsonToken token = parser.nextToken();
      for (int depth = 0; depth < path.size(); depth++) {
        if (token != JsonToken.START_OBJECT) {
          throw failure(number, url, where(path, depth) + "is " + describe(token)
              + ", expected an object with field " + path.get(depth) + " (source.rest.records)");
        }
        token = fieldValue(parser, path.get(depth));
        if (token == null) {
          throw failure(number, url, "has no field " + String.join(".", path.subList(0, depth + 1))
              + " (source.rest.records)");
        }
      }
      if (token != JsonToken.START_ARRAY) {
        String hint = path.isEmpty() && token == JsonToken.START_OBJECT
            ? "; set source.rest.records to the field that holds them" : "";
        throw failure(number, url, where(path, path.size()) + "is " + describe(token)
            + ", expected an array of records" + hint);
      }
      List<Record> records = new ArrayList<>();
      String shown = shown(url);
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        int start = (int) parser.currentTokenLocation().getCharOffset();
        parser.skipChildren();
        parser.finishToken();
        int end = (int) parser.currentLocation().getCharOffset();
        records.add(new Record(number, shown, body.substring(start, end).strip(),
            token == JsonToken.START_OBJECT));
      }
      return records;
    } catch (IOException e) {
      // The body was parsed whole before: this cannot happen short of a Jackson defect.
      throw failure(number, url, "cannot be split into records: " + e.getMessage());
    }
  }

  /** Moves to the value of {@code name} in the object just opened; null when it has none. */
  private static JsonToken fieldValue(JsonParser parser, String name) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals(name)) {
        return value;
      }
      parser.skipChildren();
    }
    return null;
  }

  /** Nothing for the page itself, else its field at {@code path}'s first {@code depth} names. */
  private static String where(List<String> path, int depth) {
    return depth == 0 ? "" : "field " + String.join(".", path.subList(0, depth)) + " ";
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> "null";
    };
  }

  /** One page, retried as the config says. */
  private Page get(int number, String url, Map<String, String> authHeaders) {
    for (int attempt = 0; ; attempt++) {
      Attempt outcome = attempt(number, url, authHeaders);
      if (outcome.page() != null) {
        return outcome.page();
      }
      int attempts = attempt + 1;
      if (attempt == config.maxRetries()) {
        // Only what a retry may mend is retried (no answer, 429, 5xx): still so after the last.
        throw failure(Failure.INFRASTRUCTURE, number, url, outcome.problem() + " (gave up after "
            + attempts + " attempt" + (attempts == 1 ? "" : "s") + ")");
      }
      Duration wait = backoff(attempt);
      if (outcome.retryAfter() != null) {
        if (outcome.retryAfter().toMillis() > config.backoffMaxMs()) {
          throw failure(Failure.INFRASTRUCTURE, number, url, outcome.problem()
              + " asks to retry after " + outcome.retryAfter().toSeconds() + " s, longer than "
              + "source.rest.backoff_max_ms " + config.backoffMaxMs()
              + "; raise it, or run the load later");
        }
        wait = outcome.retryAfter();
      }
      LOG.warn("source {}: page {} ({}): {}; retry {} of {} in {} ms", config.describe(), number,
          shown(url), outcome.problem(), attempts, config.maxRetries(), wait.toMillis());
      try {
        pause.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure(number, url, "interrupted while waiting to retry");
      }
      retries++;
      waitedMs += wait.toMillis();
    }
  }

  /** A page, or why it did not come and how long the server asks to wait. */
  private record Attempt(Page page, String problem, Duration retryAfter) {}

  private Attempt attempt(int number, String url, Map<String, String> authHeaders) {
    HttpResponse<String> response;
    try {
      response = send(url, authHeaders);
    } catch (TimeoutException e) {
      return new Attempt(null, "gave no complete response within " + config.timeoutSeconds() + " s "
          + "(source.rest.timeout_seconds)", null);
    } catch (IOException e) {
      return new Attempt(null, "request failed: " + scrub(reason(e)), null);
    }
    int status = response.statusCode();
    if (status == 429 || status >= 500) {
      return new Attempt(null, "answered HTTP " + status, retryAfter(response));
    }
    if (status / 100 != 2) {
      throw failure(number, url, "answered HTTP " + status + excerpt(response.body()));
    }
    try {
      return new Attempt(new Page(number, url, response.body(), STRICT.readTree(response.body()),
          response), null, null);
    } catch (JsonProcessingException e) {
      String position = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      String reason = e.getOriginalMessage().lines().findFirst().orElse("");
      return new Attempt(null, "is not JSON" + position + ": " + scrub(reason), null);
    }
  }

  /** Sends one GET and waits for the whole response, at most {@code timeout_seconds}. */
  private HttpResponse<String> send(String url, Map<String, String> authHeaders)
      throws IOException, TimeoutException {
    String location = url;
    for (int hop = 0; ; hop++) {
      HttpResponse<String> response = sendOnce(location, authHeaders);
      Optional<String> redirect = REDIRECTS.contains(response.statusCode())
          ? response.headers().firstValue("Location") : Optional.empty();
      if (redirect.isEmpty() || hop == MAX_REDIRECTS || credentialFree(config)) {
        return response;
      }
      String target;
      try {
        target = RestUrls.resolve(location, redirect.get());
      } catch (IllegalArgumentException e) {
        throw new IOException("redirected to a URL that is not valid: " + shown(redirect.get()), e);
      }
      // As the client's own NORMAL policy: never from https down to http.
      if ("https".equalsIgnoreCase(URI.create(location).getScheme())
          && !"https".equalsIgnoreCase(URI.create(target).getScheme())) {
        return response;
      }
      location = target;
    }
  }

  /**
   * One GET; redirects come back as they are when the source sends credentials ({@link #send}
   * follows them, with the credentials only to {@code source.rest.url}'s host).
   */
  private HttpResponse<String> sendOnce(String url, Map<String, String> authHeaders)
      throws IOException, TimeoutException {
    // A next link or a page's next field is the server's data: credentials only to url's origin.
    boolean credentialed = RestUrls.sameOrigin(config.url(), url);
    if (!credentialed && (!authHeaders.isEmpty() || config.apiKeyParam() != null)) {
      LOG.warn("source {}: {} is on another host than source.rest.url: requested without the "
          + "credentials", config.describe(), shown(url));
    }
    String target = config.apiKeyParam() == null || !credentialed ? url
        : RestUrls.withParams(url, Map.of(config.apiKeyParam(), secret));
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(URI.create(target)).timeout(timeout).GET()
          .header("Accept", "application/json");
    } catch (IllegalArgumentException e) {
      throw new IOException("not a valid URL: " + shown(url), e);
    }
    config.headers().forEach(request::header);
    if (credentialed) {
      authHeaders.forEach(request::header);
    }
    requests++;
    CompletableFuture<HttpResponse<String>> response = client.sendAsync(request.build(),
        HttpResponse.BodyHandlers.ofString());
    try {
      return response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      response.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof java.net.http.HttpTimeoutException timedOut) {
        throw new TimeoutException(timedOut.getMessage());
      }
      throw cause instanceof IOException io ? io : new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.cancel(true);
      throw new DeeplineException("source " + config.describe() + ": interrupted while waiting for "
          + shown(url), e);
    }
  }

  /** What {@code Retry-After} asks for: delay seconds or an HTTP date; null when absent or unreadable. */
  Duration retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(this::retryAfter).orElse(null);
  }

  Duration retryAfter(String value) {
    String text = value.strip();
    if (text.matches("\\d{1,9}")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    try {
      Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(clock.instant(), at);
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code backoff_initial_ms} doubled for each attempt already made, capped. */
  Duration backoff(int attempt) {
    long wait = config.backoffInitialMs();
    for (int i = 0; i < attempt && wait < config.backoffMaxMs(); i++) {
      wait *= 2;
    }
    return Duration.ofMillis(Math.min(wait, config.backoffMaxMs()));
  }

  /** The authentication headers, the secret read from the environment now. */
  private Map<String, String> authHeaders() {
    if (config.bearerTokenEnv() != null) {
      secret = JdbcSource.fromEnvironment(environment, config.bearerTokenEnv(),
          "rest.bearer_token_env");
      return Map.of("Authorization", "Bearer " + secret);
    }
    if (config.apiKeyEnv() != null) {
      secret = JdbcSource.fromEnvironment(environment, config.apiKeyEnv(), "rest.api_key_env");
      return config.apiKeyHeader() == null ? Map.of() : Map.of(config.apiKeyHeader(), secret);
    }
    return Map.of();
  }

  private String shown(String url) {
    return scrub(RestUrls.shown(url, config.apiKeyParam()));
  }

  /** {@code text} with the secret masked wherever it appears (a server may echo it). */
  private String scrub(String text) {
    return secret == null || secret.isEmpty() ? text : text.replace(secret, RestUrls.MASK);
  }

  private String excerpt(String body) {
    String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    if (line.isEmpty()) {
      return "";
    }
    return ": " + scrub(line.length() > EXCERPT_CHARS ? line.substring(0, EXCERPT_CHARS) + "..."
        : line);
  }

  private DeeplineException failure(int page, String url, String problem) {
    return failure(Failure.INPUT, page, url, problem);
  }

  private DeeplineException failure(Failure kind, int page, String url, String problem) {
    return new DeeplineException(kind, "source " + config.describe() + ": page " + page + " ("
        + shown(url) + ") " + problem);
  }

  /**
   * What went wrong with a request, for a person: the first message in the chain of causes, else
   * what its kind says. The JDK's HTTP client throws a {@link ConnectException} without a message
   * when nothing listens on the port ("request failed: null" was all a user saw).
   */
  static String reason(IOException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        return cause.getMessage();
      }
    }
    if (e instanceof ConnectException) {
      return "connection refused (nothing answers at the URL's host and port)";
    }
    return e.getClass().getSimpleName();
  }
}
