package org.deepline.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One in-process CLI call with its standard output and error captured, as a scheduler would see
 * them.
 *
 * @param code the exit code
 */
record CliCall(int code, String out, String err) {
  /** The call with the process's environment. */
  static CliCall run(String... args) {
    return run(System.getenv(), args);
  }

  /** The call with {@code environment} in place of the process's. */
  static CliCall run(Map<String, String> environment, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      int code = DeeplineCli.execute(environment, args);
      return new CliCall(code, outBytes.toString(StandardCharsets.UTF_8),
          errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
