package org.deepline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deepline.core.DeeplineException.Failure;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the scheduler files in step with the CLI: the Airflow DAG, the examples in nightly.sh's
 * header and the crontab lines of docs/operations.md are copied by people into schedulers, where a
 * renamed command or option only shows at 02:30. Every {@code submit/deepline-submit} and
 * {@code submit/nightly.sh} invocation in them must name a real command and real options, as read
 * from the usage help of the CLI {@link DeeplineCli#execute} builds (its {@code CommandLine} is
 * local to that method), and the DAG's exit codes must be deepline's. No Spark session and no
 * second JVM; one python3 process compiles the DAG.
 */
class SchedulerFilesTest {
  private static final Path PROJECT = TestRuns.project();
  private static final String DAG = "submit/airflow/deepline_nightly.py";
  private static final String NIGHTLY_SH = "submit/nightly.sh";
  private static final String DEEPLINE_SUBMIT = "submit/deepline-submit";
  private static final String OPERATIONS = "docs/operations.md";

  /**
   * The Spark options both scripts take before deepline's command, each with one value; nightly.sh
   * takes {@code --conf} there only as {@code KEY=VALUE}, a file name being deepline's config.
   */
  private static final Set<String> SPARK_OPTIONS = Set.of("--master", "--driver-memory",
      "--executor-memory", "--deploy-mode", "--num-executors", "--executor-cores", "--conf");
  private static final String SPARK_CONF = "--conf";
  private static final Set<String> HELP_OPTIONS = Set.of("-h", "--help");
  /** The subcommand nightly.sh runs with the options after its Spark ones. */
  private static final String NIGHTLY_COMMAND = "nightly";
  /** Kept for drift alerts (DeeplineException.Failure, docs/operations.md), not yet returned. */
  private static final int DRIFT_RESERVED = 9;
  /** py_compile of one file takes well under a second; this only stops a hung interpreter. */
  private static final long PYTHON_TIMEOUT_SECONDS = 60;

  /** A script's name, a path before it allowed, at the start of a word. */
  private static final Pattern PROGRAM = Pattern.compile(
      "(?<![^\\s\"'`(;&|])(?:[\\w.${}/-]*/)?submit/(deepline-submit|nightly\\.sh)"
      + "(?=[\\s\"'`;&|)]|$)");
  /** Five schedule fields (or an {@code @daily}-like nickname), then the command. */
  private static final Pattern CRONTAB_LINE =
      Pattern.compile("^\\s*(?:@\\w+|(?:[\\d*/,-]+\\s+){4}[\\d*/,-]+)\\s+\\S.*");
  /** Inline code in Markdown: in a docstring, only that is read as a command line. */
  private static final Pattern INLINE_CODE = Pattern.compile("`([^`\\n]+)`");
  /** Ends a command in a shell line: a list, pipe or redirection operator, a subshell's end. */
  private static final String SHELL_OPERATORS = ";&|<>)`";
  /** A {@code case} pattern of long options only: {@code --master|--deploy-mode)}. */
  private static final Pattern CASE_OF_OPTIONS =
      Pattern.compile("^\\s*((?:--[a-z-]+\\|)*--[a-z-]+)\\)", Pattern.MULTILINE);
  /** A picocli usage line that starts an option: {@code -h, --help} or {@code --conf=FILE}. */
  private static final Pattern USAGE_OPTION =
      Pattern.compile("^ {2}(-\\w), (--[\\w-]+)|^ {6}(--[\\w-]+)");
  /** A line of the usage's {@code Commands:} list that starts a subcommand. */
  private static final Pattern USAGE_COMMAND = Pattern.compile("^ {2}([a-z][\\w-]*) ");
  private static final String USAGE_COMMANDS_HEADING = "Commands:";
  private static final Pattern EXIT_CODES_BLOCK =
      Pattern.compile("^EXIT_CODES = \\{\\n(.*?)^}", Pattern.MULTILINE | Pattern.DOTALL);
  private static final Pattern EXIT_CODE_ENTRY = Pattern.compile("^\\s*(\\d+): \"([^\"]*)\",?$");
  private static final Pattern RETRYABLE_EXIT_CODES =
      Pattern.compile("^RETRYABLE_EXIT_CODES = frozenset\\(\\{([\\d, ]*)}\\)", Pattern.MULTILINE);

  /** The usage of each command path, read once: every read builds the whole CLI. */
  private static final Map<List<String>, Usage> USAGES = new HashMap<>();

  /** One command line found in a file: where, which script, and the words after its name. */
  record Invocation(String where, String program, List<String> words) {
    String summary() {
      int command = afterSparkOptions(words, false);
      return program.equals(DEEPLINE_SUBMIT) && command < words.size()
          ? program + " " + words.get(command) : program;
    }
  }

  /** What a command's usage help lists: its subcommands and its option names. */
  record Usage(Set<String> commands, Set<String> options) {}

  @Test
  void dagRunsOnlyRealCommandsAndOptions() {
    List<Invocation> found = pythonInvocations(DAG, read(DAG));

    assertEquals(List.of(), problems(found));
    assertEquals(List.of("submit/deepline-submit check", "submit/nightly.sh", "submit/nightly.sh"),
        found.stream().map(Invocation::summary).toList(), found.toString());
  }

  @Test
  void nightlyShHeaderExamplesAreRealCommandLines() {
    List<Invocation> found = headerInvocations(NIGHTLY_SH, read(NIGHTLY_SH));

    assertFalse(found.isEmpty(), "no example found in the header of " + NIGHTLY_SH);
    assertEquals(List.of(), problems(found));
  }

  @Test
  void operationsCrontabLinesAreRealCommandLines() {
    List<Invocation> found = crontabInvocations(OPERATIONS, read(OPERATIONS));

    assertFalse(found.isEmpty(), "no crontab line found in " + OPERATIONS);
    assertEquals(List.of(), problems(found));
  }

  @Test
  void dagExitCodesAreDeeplines() {
    assertEquals(List.of(), exitCodeProblems(read(DAG)));
  }

  @Test
  void bothScriptsTakeTheSparkOptionsTheCheckerSkips() {
    assertEquals(SPARK_OPTIONS, caseOptions(read(NIGHTLY_SH)));
    assertEquals(SPARK_OPTIONS, caseOptions(read(DEEPLINE_SUBMIT)));
  }

  @Test
  void dagCompiles(@TempDir Path temp) throws IOException, InterruptedException {
    // py_compile writes its byte code to the temp dir, not to a __pycache__ in the source tree.
    Process python = new ProcessBuilder("python3", "-c",
        "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
        PROJECT.resolve(DAG).toString(), temp.resolve("dag.pyc").toString())
        .redirectErrorStream(true).start();
    assertTrue(python.waitFor(PYTHON_TIMEOUT_SECONDS, TimeUnit.SECONDS), "python3 hung");
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, python.exitValue(), output);
  }

  @Test
  void reportsAnUnknownCommandAndAnUnknownOptionInPythonStrings() {
    String dag = """
        CHECK = "submit/deepline-submit nightli --conf x"  # "submit/nightly.sh --not-read"
        NIGHTLY = (
            "submit/nightly.sh --conf {{ params.conf | sh }}"
            " --run-dates 2026-01-01"
        )
        DOC = \"""
        Runs submit/deepline-submit for you, or by hand:
        `submit/nightly.sh --conf c.json --master local --run-date $DAY`
        \"""
        """;

    assertEquals(List.of("fixture.py:1: deepline has no command nightli",
            "fixture.py:3: deepline nightly has no option --run-dates",
            "fixture.py:8: deepline nightly has no option --master"),
        problems(pythonInvocations("fixture.py", dag)));
  }

  @Test
  void readsOnlyTheCrontabLinesOfMarkdown() {
    String markdown = """
        Run `submit/deepline-submit bogus` by hand, or from cron:

        15 2 * * *  cd /opt/deepline && submit/deepline-submit --executor-mem 2g score --conf c.json
        @daily submit/deepline-submit score --conf c.json --run-date "$(date -u +\\%F)" --resume x
        30 2 * * * submit/deepline-submit runs shw --last; submit/nightly.sh --lock-dir /l >>l 2>&1
        """;

    assertEquals(List.of("ops.md:3: submit/deepline-submit has no Spark option --executor-mem "
            + "(deepline's options go after the command)",
            "ops.md:4: deepline score has no option --resume",
            "ops.md:5: deepline runs has no command shw"),
        problems(crontabInvocations("ops.md", markdown)));
  }

  @Test
  void readsOnlyTheHeaderCommentOfAScript() {
    String script = """
        #!/usr/bin/env bash
        #   submit/nightly.sh --conf c.json --lockdir /tmp
        #   submit/nightly.sh --conf spark.x=1 --conf=c.json --from 2026-01-01 --to 2026-01-02
        #   submit/deepline-submit --driver-memory 8g
        set -euo pipefail
        exec submit/nightly.sh --bogus
        """;

    assertEquals(List.of("nightly.sh:2: deepline nightly has no option --lockdir",
            "nightly.sh:4: submit/deepline-submit without a command"),
        problems(headerInvocations("nightly.sh", script)));
  }

  @Test
  void reportsExitCodesThatAreNotDeeplines() {
    String dag = """
        EXIT_CODES = {
            1: "input",
            2: "usage",
            3: "unexpected",
            4: "conf",
            5: "data quality",
            6: "leakage gate",
            7: "model gate",
            8: "infrastructure",
            9: "reserved for drift",
            11: "locked",
        }
        RETRYABLE_EXIT_CODES = frozenset({8, 12})
        """;

    assertEquals(List.of("EXIT_CODES: 4 is config in deepline, not conf",
            "EXIT_CODES: 11 (locked) is no exit code of deepline",
            "EXIT_CODES: lacks 10 (locked)",
            "RETRYABLE_EXIT_CODES: 12 is no exit code of deepline"),
        exitCodeProblems(dag));
  }

  /**
   * What is wrong with each invocation: a command deepline does not have, an option its command
   * does not have, or, for deepline-submit, a Spark option it does not take. Words that do not
   * start with a dash are values, Jinja templates and shell variables included.
   */
  static List<String> problems(List<Invocation> invocations) {
    List<String> problems = new ArrayList<>();
    for (Invocation invocation : invocations) {
      List<String> words = invocation.words();
      boolean nightlySh = invocation.program().equals(NIGHTLY_SH);
      int next = afterSparkOptions(words, nightlySh);
      List<String> command = new ArrayList<>();
      if (nightlySh) {
        command.add(NIGHTLY_COMMAND);
      } else if (next < words.size() && HELP_OPTIONS.contains(words.get(next))) {
        continue;
      } else if (next < words.size() && words.get(next).startsWith("-")) {
        problems.add(invocation.where() + ": " + DEEPLINE_SUBMIT + " has no Spark option "
            + words.get(next) + " (deepline's options go after the command)");
        continue;
      } else if (next == words.size()) {
        problems.add(invocation.where() + ": " + DEEPLINE_SUBMIT + " without a command");
        continue;
      }
      // The command, and a subcommand of it (runs show), are the words up to the first option.
      for (; next < words.size() && !words.get(next).startsWith("-"); next++) {
        Usage usage = usage(command);
        if (usage.commands().isEmpty()) {
          break;
        }
        if (!usage.commands().contains(words.get(next))) {
          problems.add(invocation.where() + ": " + deepline(command) + " has no command "
              + words.get(next));
          break;
        }
        command.add(words.get(next));
      }
      if (!usage(command).commands().isEmpty()) {
        continue;
      }
      for (String word : words.subList(next, words.size())) {
        String option = word.split("=", 2)[0];
        if (word.startsWith("-") && !option.equals("-") && !option.equals("--")
            && !usage(command).options().contains(option)) {
          problems.add(invocation.where() + ": " + deepline(command) + " has no option " + option);
        }
      }
    }
    return problems;
  }

  /**
   * The index of the first word after the Spark options, which take one value each; nightly.sh
   * takes {@code --conf} as a Spark option only with a {@code KEY=VALUE}.
   */
  static int afterSparkOptions(List<String> words, boolean nightlySh) {
    int next = 0;
    while (next + 1 < words.size() && SPARK_OPTIONS.contains(words.get(next))) {
      boolean configFile = words.get(next).equals(SPARK_CONF) && !words.get(next + 1).contains("=");
      if (nightlySh && configFile) {
        break;
      }
      next += 2;
    }
    return next;
  }

  private static String deepline(List<String> command) {
    return command.isEmpty() ? "deepline" : "deepline " + String.join(" ", command);
  }

  /** The commands and options of one command path, from its {@code --help}. */
  static Usage usage(List<String> command) {
    return USAGES.computeIfAbsent(List.copyOf(command), path -> {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliCall help = CliCall.run(args.toArray(String[]::new));
      assertEquals(0, help.code(), "deepline " + args + ": " + help.err());
      Set<String> commands = new LinkedHashSet<>();
      Set<String> options = new LinkedHashSet<>();
      boolean inCommands = false;
      for (String line : help.out().lines().toList()) {
        inCommands |= line.equals(USAGE_COMMANDS_HEADING);
        Matcher option = USAGE_OPTION.matcher(line);
        Matcher subcommand = USAGE_COMMAND.matcher(line);
        if (inCommands && subcommand.find()) {
          commands.add(subcommand.group(1));
        } else if (!inCommands && option.find()) {
          for (int group = 1; group <= option.groupCount(); group++) {
            if (option.group(group) != null) {
              options.add(option.group(group));
            }
          }
        }
      }
      return new Usage(commands, options);
    });
  }

  /**
   * The invocations in a Python file's strings: adjacent literals are joined as Python joins them,
   * and in a triple-quoted string (a docstring, doc_md) only Markdown inline code is read.
   */
  static List<Invocation> pythonInvocations(String file, String source) {
    List<Invocation> found = new ArrayList<>();
    String joined = null;
    int joinedLine = 0;
    int previousEnd = -1;
    int at = 0;
    while (at < source.length()) {
      char c = source.charAt(at);
      if (c == '#') {
        int end = source.indexOf('\n', at);
        at = end < 0 ? source.length() : end;
        continue;
      }
      if (c != '"' && c != '\'') {
        at++;
        continue;
      }
      String quote = source.startsWith(String.valueOf(c).repeat(3), at)
          ? String.valueOf(c).repeat(3) : String.valueOf(c);
      int start = at + quote.length();
      int end = start;
      while (end < source.length() && !source.startsWith(quote, end)) {
        end += source.charAt(end) == '\\' ? 2 : 1;
      }
      String text = source.substring(start, Math.min(end, source.length()));
      int line = lineOf(source, at);
      boolean adjacent = joined != null && source.substring(previousEnd, at).isBlank();
      if (quote.length() == 1 && adjacent) {
        joined += text;
      } else {
        if (joined != null) {
          found.addAll(invocations(file + ":" + joinedLine, joined));
          joined = null;
        }
        if (quote.length() == 1) {
          joined = text;
          joinedLine = line;
        } else {
          Matcher code = INLINE_CODE.matcher(text);
          while (code.find()) {
            found.addAll(invocations(file + ":" + (line + lineOf(text, code.start()) - 1),
                code.group(1)));
          }
        }
      }
      at = Math.min(end + quote.length(), source.length());
      previousEnd = at;
    }
    if (joined != null) {
      found.addAll(invocations(file + ":" + joinedLine, joined));
    }
    return found;
  }

  /** The invocations in a script's header comment: its first lines that start with #. */
  static List<Invocation> headerInvocations(String file, String script) {
    List<Invocation> found = new ArrayList<>();
    List<String> lines = script.lines().toList();
    for (int i = 0; i < lines.size() && lines.get(i).startsWith("#"); i++) {
      if (!lines.get(i).startsWith("#!")) {
        found.addAll(invocations(file + ":" + (i + 1), lines.get(i).substring(1)));
      }
    }
    return found;
  }

  /** The invocations in the crontab lines of a text: five schedule fields, then a command. */
  static List<Invocation> crontabInvocations(String file, String text) {
    List<Invocation> found = new ArrayList<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (CRONTAB_LINE.matcher(lines.get(i)).matches()) {
        found.addAll(invocations(file + ":" + (i + 1), lines.get(i)));
      }
    }
    return found;
  }

  /** Every script invocation in one command line; a bare mention of a script is none. */
  static List<Invocation> invocations(String where, String line) {
    List<Invocation> found = new ArrayList<>();
    Matcher program = PROGRAM.matcher(line);
    while (program.find()) {
      List<String> words = shellWords(line.substring(program.end()));
      if (!words.isEmpty()) {
        found.add(new Invocation(where, "submit/" + program.group(1), words));
      }
    }
    return found;
  }

  /**
   * The words of a command line up to its end ({@link #SHELL_OPERATORS}, a comment): quotes,
   * {@code $(...)} and Jinja {@code {{ ... }}} stay within their word.
   */
  static List<String> shellWords(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    int at = 0;
    while (at < line.length()) {
      char c = line.charAt(at);
      int end;
      if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        at++;
        continue;
      } else if (line.startsWith("{{", at)) {
        end = closing(line, line.indexOf("}}", at), "}}");
      } else if (line.startsWith("$(", at)) {
        end = closingParenthesis(line, at);
      } else if (c == '\'' || c == '"') {
        int close = at + 1;
        while (close < line.length() && line.charAt(close) != c) {
          close += c == '"' && line.charAt(close) == '\\' ? 2 : 1;
        }
        end = closing(line, close, String.valueOf(c));
      } else if (c == '\\') {
        end = Math.min(at + 2, line.length());
      } else if (SHELL_OPERATORS.indexOf(c) >= 0 || c == '#' && word == null) {
        break;
      } else {
        end = at + 1;
      }
      word = word == null ? new StringBuilder() : word;
      word.append(line, at, end);
      at = end;
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  private static int closing(String line, int closeAt, String close) {
    return closeAt < 0 || closeAt >= line.length() ? line.length() : closeAt + close.length();
  }

  private static int closingParenthesis(String line, int at) {
    int depth = 0;
    for (int i = at + 1; i < line.length(); i++) {
      depth += line.charAt(i) == '(' ? 1 : line.charAt(i) == ')' ? -1 : 0;
      if (depth == 0) {
        return i + 1;
      }
    }
    return line.length();
  }

  /**
   * What is wrong with the DAG's {@code EXIT_CODES} and {@code RETRYABLE_EXIT_CODES}: a code
   * that is not deepline's, a name that is not deepline's for it, a code of deepline's the DAG
   * lacks (so nobody decided whether it is worth a retry).
   */
  static List<String> exitCodeProblems(String dag) {
    Map<Integer, String> deepline = new TreeMap<>();
    for (Failure failure : Failure.values()) {
      deepline.put(failure.exitCode(), failure.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    deepline.put(DeeplineCli.UNEXPECTED_ERROR, "unexpected");
    deepline.put(DRIFT_RESERVED, "reserved for drift");

    List<String> problems = new ArrayList<>();
    Matcher block = EXIT_CODES_BLOCK.matcher(dag);
    Set<Integer> listed = new LinkedHashSet<>();
    if (!block.find()) {
      problems.add("EXIT_CODES: no 'EXIT_CODES = {' block");
    } else {
      for (String line : block.group(1).lines().filter(l -> !l.isBlank()).toList()) {
        Matcher entry = EXIT_CODE_ENTRY.matcher(line);
        if (!entry.matches()) {
          problems.add("EXIT_CODES: cannot read " + line.strip());
          continue;
        }
        int code = Integer.parseInt(entry.group(1));
        listed.add(code);
        String name = deepline.get(code);
        if (name == null) {
          problems.add("EXIT_CODES: " + code + " (" + entry.group(2)
              + ") is no exit code of deepline");
        } else if (!name.equals(entry.group(2))) {
          problems.add("EXIT_CODES: " + code + " is " + name + " in deepline, not "
              + entry.group(2));
        }
      }
      deepline.forEach((code, name) -> {
        if (!listed.contains(code)) {
          problems.add("EXIT_CODES: lacks " + code + " (" + name + ")");
        }
      });
    }
    Matcher retryable = RETRYABLE_EXIT_CODES.matcher(dag);
    if (!retryable.find()) {
      problems.add("RETRYABLE_EXIT_CODES: no 'RETRYABLE_EXIT_CODES = frozenset({...})'");
    } else {
      Arrays.stream(retryable.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
          .map(Integer::parseInt).filter(code -> !deepline.containsKey(code))
          .forEach(code -> problems.add("RETRYABLE_EXIT_CODES: " + code
              + " is no exit code of deepline"));
    }
    return problems;
  }

  /** The long options a script's {@code case} patterns name, e.g. {@code --master|--conf)}. */
  static Set<String> caseOptions(String script) {
    Set<String> options = new LinkedHashSet<>();
    Matcher pattern = CASE_OF_OPTIONS.matcher(script);
    while (pattern.find()) {
      options.addAll(Arrays.asList(pattern.group(1).split("\\|")));
    }
    return options;
  }

  private static int lineOf(String text, int offset) {
    return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
  }

  private static String read(String file) {
    try {
      return Files.readString(PROJECT.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
