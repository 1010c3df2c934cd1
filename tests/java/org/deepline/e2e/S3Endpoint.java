package org.deepline.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A local S3 endpoint for the integration tests: S3Proxy with its filesystem backend, one bucket,
 * one access key. The build itself brings it (the dependency plugin copies its self-contained jar to
 * {@code target/s3proxy/} before the integration tests), so the S3 checks run on every machine that
 * can build the project; they fail, never skip, when the endpoint does not start. S3Proxy runs in its
 * own JVM: its Jetty and jclouds would clash with Spark's on one class path. It checks request
 * signatures, so a wrong key fails as it would on S3.
 *
 * <p>Credentials reach deepline only through the environment ({@link #credentials}), as they would
 * in production; {@link #sparkArgs} are the endpoint's address and the S3A settings it needs.
 */
final class S3Endpoint implements AutoCloseable {
  static final String BUCKET = "deepline-it";
  static final String ACCESS_KEY = "deepline-it-access";
  static final String SECRET_KEY = "deepline-it-secret-8f3a1c";
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Process process;
  private final int port;
  /** The endpoint's directory: its settings, its log and the buckets' objects. */
  private final Path root;
  private final Path log;

  private S3Endpoint(Process process, int port, Path root, Path log) {
    this.process = process;
    this.port = port;
    this.root = root;
    this.log = log;
  }

  /** Starts S3Proxy on a free port with an empty {@link #BUCKET} and waits until it answers. */
  static S3Endpoint start() throws Exception {
    Path jar = Path.of(System.getProperty("s3proxy.jar",
        Submit.home().resolve("target/s3proxy/s3proxy.jar").toString()));
    assertTrue(Files.isRegularFile(jar), "S3Proxy jar " + jar + " is missing: run the integration "
        + "tests through Maven (mvn verify), whose dependency plugin copies it there");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path root = Files.createTempDirectory("deepline-s3");
    // A bucket of the filesystem backend is a directory under its base directory.
    Files.createDirectories(root.resolve("data").resolve(BUCKET));
    Properties settings = new Properties();
    settings.setProperty("s3proxy.endpoint", url(port, "").toString());
    settings.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    settings.setProperty("s3proxy.identity", ACCESS_KEY);
    settings.setProperty("s3proxy.credential", SECRET_KEY);
    // Not filesystem-nio2, which S3Proxy suggests instead: it serves S3A's directory marker
    // "_delta_log/_commits/" as a file, and Delta then cannot create its log directory.
    settings.setProperty("jclouds.provider", "filesystem");
    settings.setProperty("jclouds.filesystem.basedir", root.resolve("data").toString());
    Path properties = root.resolve("s3proxy.properties");
    try (Writer out = Files.newBufferedWriter(properties)) {
      settings.store(out, "the integration tests' local S3 endpoint");
    }
    Path log = root.resolve("s3proxy.log");
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    S3Endpoint endpoint = new S3Endpoint(process, port, root, log);
    endpoint.awaitListening();
    return endpoint;
  }

  /** Any HTTP answer (an unsigned request gets 403) means the endpoint is up. */
  private void awaitListening() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      try {
        http.send(HttpRequest.newBuilder(url(port, "/")).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYetListening) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("the local S3 endpoint (S3Proxy) did not start on port " + port
              + (process.isAlive() ? " within " + STARTUP.toSeconds() + " s"
                  : ": it exited with code " + process.exitValue())
              + "; its log: " + Submit.tail(Files.readString(log)));
        }
        Thread.sleep(POLL.toMillis());
      }
    }
  }

  private static URI url(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** An {@code s3a://} location in the bucket. */
  String location(String path) {
    return "s3a://" + BUCKET + "/" + path;
  }

  /** The environment a process needs to reach the bucket: the credentials, under AWS's names. */
  static Map<String, String> credentials(String secretKey) {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", secretKey);
  }

  /** Spark options (before the deepline command) that point S3A at this endpoint. */
  List<String> sparkArgs() {
    return List.of(
        "--conf", "spark.hadoop.fs.s3a.endpoint=" + url(port, ""),
        "--conf", "spark.hadoop.fs.s3a.path.style.access=true",
        "--conf", "spark.hadoop.fs.s3a.connection.ssl.enabled=false",
        // S3Proxy does not answer a multi-object DeleteObjects request (S3A waits for it forever):
        // one DELETE per object instead, and no deletion of the parent directories' markers after
        // every write, which is where S3A sends such requests (and what AWS recommends anyway).
        "--conf", "spark.hadoop.fs.s3a.multiobjectdelete.enable=false",
        "--conf", "spark.hadoop.fs.s3a.directory.marker.retention=keep");
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    process.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS);
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }
  }
}
