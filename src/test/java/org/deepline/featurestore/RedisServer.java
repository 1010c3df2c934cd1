package org.deepline.featurestore;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * A real Redis server for tests: Debian's {@code redis-server} in a temporary directory, on a free
 * loopback port, with a password and no persistence; stopped and deleted by {@link #close}. It fails,
 * never skips, when the binary is missing ({@code apt-get install -y redis-server}; {@code .ci/run}
 * installs it).
 */
public final class RedisServer implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/bin/redis-server");
  private static final long START_TIMEOUT_MILLIS = 20_000;
  private static final long POLL_MILLIS = 50;
  private static final long STOP_TIMEOUT_SECONDS = 10;

  private final Process process;
  private final Path root;
  private final int port;
  private final String password;

  private RedisServer(Process process, Path root, int port, String password) {
    this.process = process;
    this.root = root;
    this.port = port;
    this.password = password;
  }

  public static RedisServer start(String password) throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError("Redis is not installed (no " + BINARY + "): the online store tests "
          + "need a real server; install Debian's package with `apt-get install -y redis-server` "
          + "(.ci/run does)");
    }
    Path root = Files.createTempDirectory("deepline-redis");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder(List.of(BINARY.toString(), "--port", String.valueOf(port),
        "--bind", "127.0.0.1", "--dir", root.toString(), "--save", "", "--appendonly", "no",
        "--daemonize", "no", "--requirepass", password))
        .directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(root.resolve("redis.log").toFile()).start();
    RedisServer server = new RedisServer(process, root, port, password);
    server.awaitReady();
    return server;
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (true) {
      try (Jedis jedis = new Jedis("127.0.0.1", port)) {
        jedis.auth(password);
        jedis.ping();
        return;
      } catch (RuntimeException e) {
        if (!process.isAlive() || System.currentTimeMillis() > deadline) {
          // The log goes with the directory: read it before closing.
          String log = Files.readString(root.resolve("redis.log"));
          close();
          throw new AssertionError("redis-server did not start on port " + port + ": " + log, e);
        }
        Thread.sleep(POLL_MILLIS);
      }
    }
  }

  public int port() {
    return port;
  }

  /** A raw client, for a test to look at or corrupt what the store wrote. */
  public Jedis client() {
    Jedis jedis = new Jedis("127.0.0.1", port);
    jedis.auth(password);
    return jedis;
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
