package org.deepline.etl;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.deepline.core.ConfigErrors;
import org.deepline.core.OneOf;
import org.deepline.core.Required;

/**
 * A paginated JSON API read over HTTP ({@code source.format: rest}), fetched page by page on the
 * driver by {@link RestSource}.
 *
 * <p>The secret never appears in the config, the logs, the errors or the run records:
 * {@code bearer_token_env} or {@code api_key_env} name the environment variable that holds it, read
 * when the job runs; a URL, query parameter or header that carries one is a config error.
 *
 * @param url              the first page's URL, {@code http://} or {@code https://}
 * @param pagination       how the next page is found: {@code none}, {@code page}, {@code offset},
 *                         {@code cursor} or {@code next_link}
 * @param records          the field of each page holding the record array ({@code data},
 *                         {@code result.items}); absent: each page is a top-level array
 * @param next             the field holding the next page's cursor ({@code cursor}) or URL
 *                         ({@code next_link}, where a {@code Link: <...>; rel="next"} header also
 *                         counts)
 * @param pageParam        {@code page}: the query parameter of the page number
 * @param firstPage        {@code page}: the number of the first page
 * @param offsetParam      {@code offset}: the query parameter of the offset
 * @param cursorParam      {@code cursor}: the query parameter the cursor is sent in
 * @param sizeParam        the query parameter {@code page_size} is sent in
 * @param pageSize         records per page asked for; with {@code page} and {@code offset} a
 *                         shorter page is the last one
 * @param maxPages         the most pages one load fetches
 * @param onMaxPages       {@code fail} (the default) or {@code stop}: what a load that reaches
 *                         {@code max_pages} with pages left does
 * @param timeoutSeconds   the longest one request may take, connection to last byte
 * @param maxRetries       retries of one page after a 5xx, a 429, a timeout, a connection failure or
 *                         a body that is not JSON
 * @param backoffInitialMs the wait before the first retry, doubled for each next one
 * @param backoffMaxMs     the longest wait between two attempts; a {@code Retry-After} asking for
 *                         more fails the load at once
 * @param bearerTokenEnv   the environment variable holding a bearer token
 * @param apiKeyEnv        the environment variable holding an API key, sent as
 * @param apiKeyHeader     this header, or as
 * @param apiKeyParam      this query parameter
 * @param params           query parameters added to every request (the first one only with
 *                         {@code next_link}, whose links are followed as they are)
 * @param headers          headers added to every request
 */
public record RestConfig(
    @JsonPropertyDescription("The first page. Allowed: `http://` or `https://` with a host; no "
        + "user info and no query parameter that looks like a credential (a config error that "
        + "does not echo the URL).")
    @Required
    String url,
    @JsonPropertyDescription("How the next page is found "
        + "([requests](configuration.md#sourcerest-restconfig)).")
    @OneOf("PAGINATIONS")
    String pagination,
    @JsonPropertyDescription("The field of each page that holds the array of records. Allowed: a "
        + "field name or a dotted path (`data`, `result.items`). When unset: each page is a "
        + "top-level array.")
    String records,
    @JsonPropertyDescription("The field (or dotted path) that holds the next cursor (`cursor`) or "
        + "the next page's URL (`next_link`, where without it the `Link: <...>; rel=\"next\"` "
        + "header is followed). Allowed: required with `cursor`; with `next_link` optional; not "
        + "with the others.")
    String next,
    @JsonPropertyDescription("`page`: the query parameter of the page number. Allowed: non-blank.")
    String pageParam,
    @JsonPropertyDescription("`page`: the number of the first page. Allowed: >= 0.")
    Integer firstPage,
    @JsonPropertyDescription("`offset`: the query parameter of the offset (the records received "
        + "so far). Allowed: non-blank.")
    String offsetParam,
    @JsonPropertyDescription("`cursor`: the query parameter the cursor is sent in. Allowed: "
        + "non-blank.")
    String cursorParam,
    @JsonPropertyDescription("The query parameter `page_size` is sent in (`page`, `offset`, "
        + "`cursor`). Allowed: non-blank.")
    String sizeParam,
    @JsonPropertyDescription("Records per page asked for; with `page` and `offset`, a shorter "
        + "page is the last one. Allowed: > 0. When unset: not sent.")
    Integer pageSize,
    @JsonPropertyDescription("The most pages one load fetches. Allowed: > 0.")
    Integer maxPages,
    @JsonPropertyDescription("What a load that has fetched `max_pages` pages and is still told "
        + "there are more does ([details](configuration.md#sourcerest-restconfig)). Allowed: "
        + "`fail`, `stop`.")
    String onMaxPages,
    @JsonPropertyDescription("The longest one request may take, from connecting to the last byte "
        + "of the body. Allowed: > 0.")
    Double timeoutSeconds,
    @JsonPropertyDescription("Retries of one page "
        + "([details](configuration.md#sourcerest-restconfig)). Allowed: >= 0.")
    Integer maxRetries,
    @JsonPropertyDescription("The wait before the first retry, doubled for each next one. "
        + "Allowed: > 0.")
    Long backoffInitialMs,
    @JsonPropertyDescription("The longest wait between two attempts; a `Retry-After` asking for "
        + "longer fails the load at once instead of stalling it. Allowed: >= "
        + "`backoff_initial_ms`.")
    Long backoffMaxMs,
    @JsonPropertyDescription("Sends `Authorization: Bearer <value>`. Allowed: the name of an "
        + "environment variable; not with `api_key_env`.")
    String bearerTokenEnv,
    @JsonPropertyDescription("The API key. Allowed: the name of an environment variable; with "
        + "exactly one of `api_key_header`, `api_key_param`.")
    String apiKeyEnv,
    @JsonPropertyDescription("Sends the key in this header. Allowed: a header name, e.g. "
        + "`X-API-Key`.")
    String apiKeyHeader,
    @JsonPropertyDescription("Sends the key in this query parameter of every request, next links "
        + "included. Allowed: a query parameter name, e.g. `api_key`.")
    String apiKeyParam,
    @JsonPropertyDescription("Query parameters added to the first URL (and so to every page of "
        + "`page`, `offset` and `cursor`; `next_link` follows the server's links as they are). "
        + "Allowed: no name that looks like a credential.")
    Map<String, String> params,
    @JsonPropertyDescription("Headers sent with every request. Allowed: no name that looks like a "
        + "credential (`Authorization`, `X-Auth-Token`, `X-API-Key`, `key`, ...), none the HTTP "
        + "client sets itself (`Host`, `Connection`, `Content-Length`, `Expect`, `Upgrade`).")
    Map<String, String> headers) {
  public static final String NONE = "none";
  public static final String PAGE = "page";
  public static final String OFFSET = "offset";
  public static final String CURSOR = "cursor";
  public static final String NEXT_LINK = "next_link";
  public static final List<String> PAGINATIONS = List.of(NONE, PAGE, OFFSET, CURSOR, NEXT_LINK);
  public static final String FAIL = "fail";
  public static final String STOP = "stop";
  public static final int DEFAULT_MAX_PAGES = 10_000;
  public static final double DEFAULT_TIMEOUT_SECONDS = 30;
  public static final int DEFAULT_MAX_RETRIES = 5;
  public static final long DEFAULT_BACKOFF_INITIAL_MS = 500;
  public static final long DEFAULT_BACKOFF_MAX_MS = 60_000;
  /**
   * A query parameter or header name that carries a secret; such a parameter's value is masked
   * wherever a URL is shown (a next link may echo the key).
   */
  static final Pattern SECRET_NAME = Pattern.compile("(?i)key|(.*[._-])?(api[._-]?key|apikey"
      + "|access[._-]?key|secret[._-]?key|private[._-]?key|token|secret|password|passwd|signature"
      + "|credentials?|authorization|auth)");
  /** Headers the JDK's HTTP client sets itself and refuses to take from a caller. */
  private static final Set<String> CLIENT_HEADERS = Set.of("connection", "content-length",
      "expect", "host", "upgrade");
  /** A field path: names separated by dots. */
  private static final Pattern FIELD_PATH = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

  public RestConfig {
    pagination = pagination == null ? NONE : pagination;
    pageParam = pageParam == null ? "page" : pageParam;
    firstPage = firstPage == null ? 1 : firstPage;
    offsetParam = offsetParam == null ? "offset" : offsetParam;
    cursorParam = cursorParam == null ? "cursor" : cursorParam;
    sizeParam = sizeParam == null ? "limit" : sizeParam;
    maxPages = maxPages == null ? DEFAULT_MAX_PAGES : maxPages;
    onMaxPages = onMaxPages == null ? FAIL : onMaxPages;
    timeoutSeconds = timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
    maxRetries = maxRetries == null ? DEFAULT_MAX_RETRIES : maxRetries;
    backoffInitialMs = backoffInitialMs == null ? DEFAULT_BACKOFF_INITIAL_MS : backoffInitialMs;
    backoffMaxMs = backoffMaxMs == null ? DEFAULT_BACKOFF_MAX_MS : backoffMaxMs;
    params = params == null ? Map.of() : Map.copyOf(params);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** How errors, logs and bronze name the source: the URL, which holds no secret. */
  public String describe() {
    return url;
  }

  /** The records field as a path of names; empty for a top-level array. */
  List<String> recordsPath() {
    return records == null || records.isEmpty() ? List.of() : List.of(records.split("\\."));
  }

  /** The next field as a path of names; empty when there is none. */
  List<String> nextPath() {
    return next == null ? List.of() : List.of(next.split("\\."));
  }

  public void validate(ConfigErrors errors) {
    errors.requireNonBlank(url, "url");
    if (url != null && !url.isBlank()) {
      validateUrl(errors);
    }
    errors.requireOneOf(pagination, PAGINATIONS, "pagination");
    errors.requireOneOf(onMaxPages, List.of(FAIL, STOP), "on_max_pages");
    if (records != null && !records.isEmpty() && !FIELD_PATH.matcher(records).matches()) {
      errors.add("records", "expected a field name or a dotted path such as data.items, got '"
          + records + "'");
    }
    if (next != null && !FIELD_PATH.matcher(next).matches()) {
      errors.add("next", "expected a field name or a dotted path such as links.next, got '" + next
          + "'");
    }
    if (CURSOR.equals(pagination)) {
      errors.require(next != null, "next", "is required with pagination cursor: the field that "
          + "holds the next cursor");
    } else if (next != null && !NEXT_LINK.equals(pagination)) {
      errors.add("next", "applies to pagination cursor and next_link only, pagination is "
          + pagination);
    }
    for (String name : List.of(pageParam, offsetParam, cursorParam, sizeParam)) {
      if (name.isBlank()) {
        errors.add("page_param", "the page, offset, cursor and size parameters must not be blank");
        break;
      }
    }
    if (pageSize != null) {
      errors.requirePositive(pageSize, "page_size");
    }
    errors.require(firstPage >= 0, "first_page", "must be >= 0, got " + firstPage);
    errors.requirePositive(maxPages, "max_pages");
    errors.requirePositive(timeoutSeconds, "timeout_seconds");
    errors.require(maxRetries >= 0, "max_retries", "must be >= 0, got " + maxRetries);
    errors.requirePositive(backoffInitialMs, "backoff_initial_ms");
    errors.require(backoffMaxMs >= backoffInitialMs, "backoff_max_ms",
        "must be >= backoff_initial_ms " + backoffInitialMs + ", got " + backoffMaxMs);
    validateAuth(errors);
    params.keySet().forEach(name -> {
      if (SECRET_NAME.matcher(name).matches()) {
        // Never echo the value here: it may be the secret.
        errors.add("params." + name, "looks like a credential; keep it out of the config: name "
            + "the environment variable that holds it in api_key_env, with api_key_param " + name);
      }
    });
    headers.keySet().forEach(name -> {
      if (CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        errors.add("headers." + name, "is set by the HTTP client and cannot be configured");
      } else if (SECRET_NAME.matcher(name).matches()) {
        errors.add("headers." + name, "looks like a credential; keep it out of the config: name "
            + "the environment variable that holds it in bearer_token_env, or in api_key_env with "
            + "api_key_header " + name);
      }
    });
  }

  private void validateUrl(ConfigErrors errors) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      errors.add("url", "not a valid URL: " + e.getReason());
      return;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      errors.add("url", "expected an http:// or https:// URL with a host");
    }
    boolean secretParam = RestUrls.parameterNames(uri.getRawQuery()).stream()
        .anyMatch(name -> SECRET_NAME.matcher(name).matches());
    if (uri.getRawUserInfo() != null || secretParam) {
      // Never echo the URL here: it holds the credentials.
      errors.add("url", "credentials in the URL are not accepted (they would be written to run "
          + "records, logs and bronze); name the environment variable that holds them in "
          + "bearer_token_env or api_key_env");
    }
  }

  private void validateAuth(ConfigErrors errors) {
    if (bearerTokenEnv != null) {
      errors.requireNonBlank(bearerTokenEnv, "bearer_token_env");
      if (apiKeyEnv != null) {
        errors.add("bearer_token_env", "give bearer_token_env or api_key_env, not both");
      }
    }
    if (apiKeyEnv != null) {
      errors.requireNonBlank(apiKeyEnv, "api_key_env");
      if ((apiKeyHeader == null) == (apiKeyParam == null)) {
        errors.add("api_key_env", "needs exactly one of api_key_header (e.g. X-API-Key) and "
            + "api_key_param (a query parameter)");
      }
    } else if (apiKeyHeader != null || apiKeyParam != null) {
      errors.add("api_key_env", "is required with api_key_header or api_key_param: the "
          + "environment variable that holds the key");
    }
    if (apiKeyHeader != null) {
      errors.requireNonBlank(apiKeyHeader, "api_key_header");
    }
    if (apiKeyParam != null) {
      errors.requireNonBlank(apiKeyParam, "api_key_param");
    }
  }
}
