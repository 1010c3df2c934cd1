package org.deepline.etl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JSON API of the flights sample ({@code data-samples/flights-2k.json}) on a loopback port, with
 * one route per pagination style and faults injected per page:
 *
 * <ul>
 *   <li>{@code /all}: every record, a top-level array;</li>
 *   <li>{@code /flights?page=&offset=&limit=}: {@code {"data": [...], "total": n}}, by page number
 *       (from 1) or offset;</li>
 *   <li>{@code /cursor?cursor=&limit=}: {@code {"result": {"items": [...]}, "meta": {"next_cursor":
 *       ...}}}, null after the last page;</li>
 *   <li>{@code /linked?start=&limit=}: a top-level array and a relative {@code Link: <...>;
 *       rel="next"} header that keeps every other query parameter of the request;</li>
 *   <li>{@code /body-linked?start=&limit=}: {@code {"results": [...], "next": "<absolute url>"}}.</li>
 * </ul>
 *
 * <p>A page is known by the offset of its first record: {@link #fail} queues faults for it, served
 * one per request before the page itself.
 */
final class FlightsApi implements AutoCloseable {
  static final int DEFAULT_LIMIT = 250;

  /** What a request for a page gets instead of the page. */
  sealed interface Fault {}

  record Status(int code, String retryAfter, String body) implements Fault {}

  record Slow(long millis) implements Fault {}

  /** The page's JSON cut short, as a dropped connection or a proxy would leave it. */
  record Truncated() implements Fault {}

  /** The page with one more record at its end, e.g. one that is not an object. */
  record Extra(String record) implements Fault {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<String> records;
  private final Map<Integer, Deque<Fault>> faults = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  private volatile String requiredBearer;
  private volatile int pageCap = Integer.MAX_VALUE;

  private FlightsApi(List<String> records) throws IOException {
    this.records = records;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The sample's records, each as compact JSON text. */
  static List<String> sample() {
    try {
      JsonNode all = new ObjectMapper().readTree(Files.readString(
          org.deepline.testing.TestRuns.project().resolve("data-samples/flights-2k.json")));
      List<String> out = new ArrayList<>();
      all.forEach(record -> out.add(record.toString()));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FlightsApi start(List<String> records) throws IOException {
    return new FlightsApi(records);
  }

  String url(String route) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + route;
  }

  /** Queues faults for the page whose first record is at {@code offset}. */
  void fail(int offset, Fault... queued) {
    faults.computeIfAbsent(offset, o -> new ArrayDeque<>()).addAll(List.of(queued));
  }

  void clearFaults() {
    faults.clear();
  }

  /** Serves at most {@code records} a page whatever the request's {@code limit}, as many APIs do. */
  void capPages(int records) {
    pageCap = records;
  }

  /** Answers 401 unless a request carries {@code Authorization: Bearer <token>}. */
  void requireBearer(String token) {
    requiredBearer = token;
  }

  /** Every request's path and query, in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** Every request's headers (lower-case names), in order. */
  List<Map<String, String>> headers() {
    return List.copyOf(headers);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = exchange.getRequestURI().getRawQuery();
      requests.add(exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
      Map<String, String> seen = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) ->
          seen.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0)));
      headers.add(seen);
      String bearer = requiredBearer;
      String authorization = seen.get("authorization");
      if (bearer != null && !("Bearer " + bearer).equals(authorization)) {
        send(exchange, 401, "{\"error\": \"not authorised: " + authorization + "\"}");
        return;
      }
      serve(exchange, parameters(query));
    } catch (IOException e) {
      // The client gave up on a slow page: nothing to answer.
    }
  }

  private void serve(HttpExchange exchange, Map<String, String> params) throws IOException {
    String route = exchange.getRequestURI().getRawPath();
    int limit = Math.min(pageCap,
        Integer.parseInt(params.getOrDefault("limit", Integer.toString(DEFAULT_LIMIT))));
    int offset = switch (route) {
      case "/flights" -> params.containsKey("page")
          ? (Integer.parseInt(params.get("page")) - 1) * limit
          : Integer.parseInt(params.getOrDefault("offset", "0"));
      case "/cursor" -> Integer.parseInt(params.getOrDefault("cursor", "c0").substring(1));
      case "/linked", "/body-linked" -> Integer.parseInt(params.getOrDefault("start", "0"));
      default -> 0;
    };
    if (route.equals("/all")) {
      limit = records.size();
    }
    int end = Math.min(records.size(), offset + limit);
    List<String> served = new ArrayList<>(records.subList(Math.min(offset, end), end));
    boolean more = end < records.size();
    Deque<Fault> queued = faults.get(offset);
    Fault fault = queued == null ? null : queued.poll();
    if (fault instanceof Extra extra) {
      served.add(extra.record());
    }
    String page = "[" + String.join(",", served) + "]";
    String body = switch (route) {
      case "/flights" -> "{\"data\": " + page + ", \"total\": " + records.size() + "}";
      case "/cursor" -> "{\"result\": {\"items\": " + page + "}, \"meta\": {\"next_cursor\": "
          + (more ? "\"c" + end + "\"" : "null") + "}}";
      case "/body-linked" -> "{\"results\": " + page + ", \"next\": "
          + (more ? "\"" + url("/body-linked?start=" + end + "&limit=" + limit) + "\"" : "null")
          + "}";
      default -> page;
    };
    if (fault instanceof Status status) {
      if (status.retryAfter() != null) {
        exchange.getResponseHeaders().add("Retry-After", status.retryAfter());
      }
      send(exchange, status.code(), status.body());
      return;
    }
    if (fault instanceof Slow slow) {
      try {
        Thread.sleep(slow.millis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (fault instanceof Truncated) {
      body = body.substring(0, body.length() / 2);
    }
    if (route.equals("/linked") && more) {
      Map<String, String> next = new LinkedHashMap<>(params);
      next.put("start", Integer.toString(end));
      StringBuilder link = new StringBuilder("linked?");
      next.forEach((name, value) -> link.append(name).append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&'));
      link.setLength(link.length() - 1);
      exchange.getResponseHeaders().add("Link",
          "<" + url("/linked") + ">; rel=\"first\", <" + link + ">; rel=\"next\"");
    }
    send(exchange, 200, body);
  }

  private static Map<String, String> parameters(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        int equals = pair.indexOf('=');
        params.put(pair.substring(0, equals),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
