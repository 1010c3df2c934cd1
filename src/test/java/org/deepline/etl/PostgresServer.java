package org.deepline.etl;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: its own cluster in a temporary directory ({@code initdb}), on a
 * free loopback port ({@code pg_ctl start}), with password authentication; stopped and deleted by
 * {@link #close}. It needs Debian's {@code postgresql} package ({@code .ci/run} installs it) and fails,
 * never skips, without it. PostgreSQL refuses to run as root, so as root it runs as the
 * {@code postgres} user that the package creates.
 */
public final class PostgresServer implements AutoCloseable {
  public static final String USER = "deepline";
  static final String DATABASE = "postgres";
  private static final Path INSTALLATIONS = Path.of("/usr/lib/postgresql");
  private static final String SERVICE_USER = "postgres";
  private static final long COMMAND_TIMEOUT_SECONDS = 60;

  private final Path bin;
  private final Path root;
  private final int port;
  private final String password;
  private final boolean asServiceUser;

  private PostgresServer(Path bin, Path root, int port, String password, boolean asServiceUser) {
    this.bin = bin;
    this.root = root;
    this.port = port;
    this.password = password;
    this.asServiceUser = asServiceUser;
  }

  /** Creates a cluster and starts it; the caller closes it. */
  public static PostgresServer start(String password) throws IOException, InterruptedException {
    Path bin = installedBin();
    Path root = Files.createTempDirectory("deepline-pg");
    boolean asServiceUser = "root".equals(System.getProperty("user.name"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PostgresServer server = new PostgresServer(bin, root, port, password, asServiceUser);
    Files.writeString(root.resolve("pwfile"), password + "\n", StandardCharsets.UTF_8);
    if (asServiceUser) {
      server.run(List.of("chown", "-R", SERVICE_USER, root.toString()), false);
    }
    server.run(List.of(bin.resolve("initdb").toString(), "-D", server.data().toString(), "-U", USER,
        "--pwfile=" + root.resolve("pwfile"), "--auth=scram-sha-256", "--encoding=UTF8",
        "--locale=C.UTF-8"), true);
    server.run(List.of(bin.resolve("pg_ctl").toString(), "-D", server.data().toString(), "-w",
        "-l", root.resolve("server.log").toString(), "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -k " + root + " -c fsync=off", "start"), true);
    return server;
  }

  /** The newest {@code /usr/lib/postgresql/<version>/bin} with an {@code initdb}. */
  private static Path installedBin() throws IOException {
    if (Files.isDirectory(INSTALLATIONS)) {
      try (Stream<Path> versions = Files.list(INSTALLATIONS)) {
        List<Path> bins = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .sorted(Comparator.comparing(b -> versionOf(b.getParent())))
            .toList();
        if (!bins.isEmpty()) {
          return bins.get(bins.size() - 1);
        }
      }
    }
    throw new AssertionError("PostgreSQL is not installed (no " + INSTALLATIONS
        + "/<version>/bin/initdb): the JDBC source tests need a real server; install Debian's "
        + "package with `apt-get install -y postgresql` (.ci/run does)");
  }

  private static int versionOf(Path installation) {
    try {
      return Integer.parseInt(installation.getFileName().toString().replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private Path data() {
    return root.resolve("data");
  }

  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  String password() {
    return password;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), USER, password);
  }

  /** Runs SQL statements, in one transaction per statement. */
  public void execute(String... statements) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private void run(List<String> command, boolean serviceCommand)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (serviceCommand && asServiceUser) {
      full.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
    }
    full.addAll(command);
    Path output = root.resolve("command.log");
    Process process = new ProcessBuilder(full).directory(root.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", full) + " timed out");
    }
    if (process.exitValue() != 0) {
      String log = Files.readString(output);
      Path serverLog = root.resolve("server.log");
      if (Files.exists(serverLog)) {
        log += "\nserver log:\n" + Files.readString(serverLog);
      }
      throw new AssertionError(String.join(" ", full) + " failed with code " + process.exitValue()
          + ":\n" + log);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate",
          "stop"), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
