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

/** Runs {@code submit/deepline-submit} in its own process, as a scheduler or a user's shell would. */
final class Submit {
  private static final long TIMEOUT_MINUTES = 15;
  private static final int TAIL_CHARS = 4000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Submit() {}

  /** Exit code and output of one deepline-submit call. */
  record Result(int code, String out, String err) {
    String errTail() {
      return err.length() < TAIL_CHARS ? err : err.substring(err.length() - TAIL_CHARS);
    }
  }

  static Path home() {
    return Path.of(System.getProperty("deepline.home", ".")).toAbsolutePath();
  }

  static Result run(Map<String, String> environment, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(home().resolve("submit/deepline-submit").toString());
    command.addAll(args);
    Path out = Files.createTempFile("deepline-submit", ".out");
    Path err = Files.createTempFile("deepline-submit", ".err");
    ProcessBuilder builder = new ProcessBuilder(command).directory(home().toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("deepline-submit " + String.join(" ", args) + " timed out");
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  static Result run(String... args) throws IOException, InterruptedException {
    return run(Map.of(), List.of(args));
  }

  static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }
}
