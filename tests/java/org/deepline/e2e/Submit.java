package org.deepline.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code submit/deepline-submit} (or another script of the project) in its own process, as a
 * scheduler or a user's shell would.
 */
final class Submit {
  private static final long TIMEOUT_MINUTES = 15;
  private static final int TAIL_CHARS = 4000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUBMIT = "submit/deepline-submit";

  private Submit() {}

  /** Exit code and output of one deepline-submit call. */
  record Result(int code, String out, String err) {
    String errTail() {
      return tail(err);
    }
  }

  /** The end of a long output, for assertion messages. */
  static String tail(String text) {
    return text.length() < TAIL_CHARS ? text : text.substring(text.length() - TAIL_CHARS);
  }

  static Path home() {
    return Path.of(System.getProperty("deepline.home", ".")).toAbsolutePath();
  }

  static Result run(Map<String, String> environment, List<String> args)
      throws IOException, InterruptedException {
    return start(SUBMIT, environment, args).await();
  }

  /** Runs another script of the project (e.g. {@code submit/start-cluster.sh}) to its end. */
  static Result script(String script, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return start(script, environment, List.of(args)).await();
  }

  /** Starts a script of the project without waiting for it; its output goes to temporary files. */
  static Running start(String script, Map<String, String> environment, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(home().resolve(script).toString());
    command.addAll(args);
    Path out = Files.createTempFile("deepline-submit", ".out");
    Path err = Files.createTempFile("deepline-submit", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(home().toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    return new Running(script + " " + String.join(" ", args), builder.start(), out, err);
  }

  /** A script started with {@link #start}. */
  record Running(String description, Process process, Path out, Path err) {
    /** What the script wrote to stderr so far. */
    String errSoFar() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    Result await() throws IOException, InterruptedException {
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(description + " timed out");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    }
  }

  static Result run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), List.of(args));
  }

  static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }
}
