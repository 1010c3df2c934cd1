package org.deepline.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.deepline.core.Json;

/**
 * Executes notebooks the way their kernels would, through JShell on the test JVM's class path, and
 * fails on the first error: a cell that does not compile, throws, or leaves a reference unresolved.
 *
 * <ul>
 *   <li>A Jupyter notebook ({@code .ipynb}, kernel language java: IJava, JJava) runs its code cells
 *       in order in one JShell, so a cell sees what the cells before it declared; markdown and raw
 *       cells are skipped.
 *   <li>A Zeppelin note ({@code .zpln}) runs its {@code %java} paragraphs in order, each in a fresh
 *       JShell, as Zeppelin's Java interpreter compiles each paragraph alone and runs the
 *       {@code main} method of its class; {@code %md} paragraphs are skipped, and a paragraph of any
 *       other interpreter fails (it would not be executed).
 * </ul>
 *
 * <pre>{@code
 * NotebookRunner.Executed run = new NotebookRunner().execute(Path.of("notebooks/deepline_churn.ipynb"));
 * run.save(Path.of("target/notebooks"));   // a copy with the outputs, for people to read
 * }</pre>
 *
 * <p>The snippets run in the calling thread ({@link DirectExecutionControl}), like IJava's own
 * in-process execution: the cells share the JVM's one Spark session and its loaded native
 * libraries. JShell's {@code local} engine cannot be used: after each snippet it joins every thread
 * the snippet started (JDK 17's {@code LocalExecutionControl}), so the first cell that starts a
 * pool Spark, Delta or ND4J keep alive would never return.
 */
final class NotebookRunner {
  /** Zeppelin's first line names the paragraph's interpreter: {@code %java}, {@code %md}, ... */
  private static final Pattern INTERPRETER = Pattern.compile("\\A\\s*%([\\w.]+)[ \\t]*\\R?");
  /** Zeppelin runs the {@code main} method of the paragraph's class. */
  private static final Pattern MAIN = Pattern.compile("static\\s+void\\s+main\\s*\\(");

  private final String classPath;

  /** A runner that compiles cells against this JVM's class path (the project's, under Maven). */
  NotebookRunner() {
    this(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
  }

  NotebookRunner(String classPath) {
    this.classPath = classPath;
  }

  /** A cell that failed: where, and the first line of what went wrong. */
  static final class NotebookFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    NotebookFailure(Path notebook, int cell, int cells, String error) {
      super(notebook.getFileName() + ": cell " + cell + " of " + cells + ": " + error);
    }
  }

  /**
   * One cell as the runner read it.
   *
   * @param index  1-based position among all of the notebook's cells (markdown included), as a
   *               reader counts them
   * @param code   whether it is executed
   */
  record Cell(int index, boolean code, String source) {}

  /**
   * A notebook after its run: its JSON with each executed cell's output filled in, and what each
   * executed cell printed and cost.
   */
  record Executed(Path source, JsonNode withOutputs, List<String> outputs, List<Timing> timings) {
    /** Writes the notebook with outputs under {@code dir}, with its own file name. */
    Path save(Path dir) {
      try {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(source.getFileName().toString()),
            Json.write(withOutputs) + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  Executed execute(Path notebook) {
    String name = notebook.getFileName().toString();
    if (name.endsWith(".ipynb")) {
      return executeJupyter(notebook);
    }
    if (name.endsWith(".zpln")) {
      return executeZeppelin(notebook);
    }
    throw new IllegalArgumentException("not a notebook (.ipynb or .zpln): " + notebook);
  }

  /** The cells of a notebook or note, in order; executed ones have {@code code} set. */
  static List<Cell> cells(Path notebook) {
    JsonNode root = read(notebook);
    List<Cell> cells = new ArrayList<>();
    if (notebook.toString().endsWith(".ipynb")) {
      for (JsonNode cell : root.path("cells")) {
        cells.add(new Cell(cells.size() + 1, "code".equals(cell.path("cell_type").asText()),
            text(cell.path("source"))));
      }
    } else {
      String fallback = root.path("defaultInterpreterGroup").asText("");
      for (JsonNode paragraph : root.path("paragraphs")) {
        String text = paragraph.path("text").asText("");
        cells.add(new Cell(cells.size() + 1, "java".equals(interpreter(text, fallback)),
            body(text)));
      }
    }
    return cells;
  }

  private Executed executeJupyter(Path notebook) {
    JsonNode root = read(notebook);
    String language = root.path("metadata").path("kernelspec").path("language")
        .asText(root.path("metadata").path("language_info").path("name").asText(""));
    List<Cell> cells = cells(notebook);
    if (!"java".equalsIgnoreCase(language)) {
      throw new NotebookFailure(notebook, 0, cells.size(), "kernel language is '" + language
          + "', not java: the runner executes Java notebooks only");
    }
    ObjectNode copy = root.deepCopy();
    List<String> outputs = new ArrayList<>();
    List<Timing> timings = new ArrayList<>();
    int count = 0;
    try (JShell shell = shell()) {
      for (Cell cell : cells) {
        if (!cell.code()) {
          continue;
        }
        long wall = System.nanoTime();
        long cpu = processCpuNanos();
        Output output = run(shell, notebook, cell, cells.size());
        timings.add(timing(cell, wall, cpu));
        outputs.add(output.stdout());
        ObjectNode json = (ObjectNode) copy.withArray("cells").get(cell.index() - 1);
        json.put("execution_count", ++count);
        json.set("outputs", jupyterOutputs(output, count));
      }
    }
    return new Executed(notebook, copy, outputs, timings);
  }

  private Executed executeZeppelin(Path notebook) {
    JsonNode root = read(notebook);
    String fallback = root.path("defaultInterpreterGroup").asText("");
    List<Cell> cells = cells(notebook);
    ObjectNode copy = root.deepCopy();
    List<String> outputs = new ArrayList<>();
    List<Timing> timings = new ArrayList<>();
    for (Cell cell : cells) {
      String text = root.path("paragraphs").get(cell.index() - 1).path("text").asText("");
      String interpreter = interpreter(text, fallback);
      if ("md".equals(interpreter) || cell.source().isBlank()) {
        continue;
      }
      if (!"java".equals(interpreter)) {
        throw new NotebookFailure(notebook, cell.index(), cells.size(), "interpreter %"
            + interpreter + " cannot be executed here; the runner executes %java paragraphs");
      }
      long wall = System.nanoTime();
      long cpu = processCpuNanos();
      // A fresh shell per paragraph: Zeppelin's Java interpreter shares nothing between them.
      try (JShell shell = shell()) {
        Output declared = run(shell, notebook, cell, cells.size());
        String main = shell.types()
            .filter(type -> MAIN.matcher(type.source()).find())
            .map(TypeDeclSnippet::name).findFirst()
            .orElseThrow(() -> new NotebookFailure(notebook, cell.index(), cells.size(),
                "no class with a main method: Zeppelin's %java runs a paragraph's main"));
        Output ran = run(shell, notebook, new Cell(cell.index(), true,
            main + ".main(new String[0]);"), cells.size());
        outputs.add(declared.stdout() + ran.stdout());
        ObjectNode paragraph = (ObjectNode) copy.withArray("paragraphs").get(cell.index() - 1);
        ObjectNode message = JsonNodeFactory.instance.objectNode()
            .put("type", "TEXT").put("data", declared.stdout() + ran.stdout());
        paragraph.set("results", JsonNodeFactory.instance.objectNode().put("code", "SUCCESS")
            .set("msg", JsonNodeFactory.instance.arrayNode().add(message)));
        paragraph.put("status", "FINISHED");
      }
      timings.add(timing(cell, wall, cpu));
    }
    return new Executed(notebook, copy, outputs, timings);
  }

  /** What one cell printed, and the value of its last snippet when that was an expression. */
  private record Output(String stdout, String value) {}

  /** One executed cell's wall time and the CPU time of the whole JVM meanwhile, in seconds. */
  record Timing(int cell, double wallSeconds, double cpuSeconds) {}

  /**
   * Evaluates a cell snippet by snippet, failing on the first that does not run clean. What it
   * prints through {@code System.out} or Scala's {@code Console} (Spark's {@code show()}) is kept.
   */
  @SuppressWarnings("deprecation")
  private Output run(JShell shell, Path notebook, Cell cell, int cells) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    PrintStream originalConsole = scala.Console.out();
    PrintStream tee = new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8);
    System.setOut(tee);
    scala.Console.setOut(tee);
    String value = null;
    try {
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      String remaining = cell.source();
      while (true) {
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
        if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
          break;
        }
        if (!info.completeness().isComplete()) {
          throw new NotebookFailure(notebook, cell.index(), cells, "incomplete code: "
              + firstLine(remaining));
        }
        value = null;
        for (SnippetEvent event : shell.eval(info.source())) {
          Optional<String> error = error(shell, event);
          if (error.isPresent()) {
            throw new NotebookFailure(notebook, cell.index(), cells, error.get());
          }
          if (event.causeSnippet() == null && shown(event.snippet())) {
            value = event.value();
          }
        }
        remaining = info.remaining();
      }
    } finally {
      tee.flush();
      System.setOut(original);
      scala.Console.setOut(originalConsole);
    }
    return new Output(captured.toString(StandardCharsets.UTF_8), value);
  }

  /**
   * Whether a kernel shows the snippet's value: an expression, including one JShell keeps in a
   * temporary variable ({@code dl.runs()} becomes {@code $12}); not a declaration or a statement.
   */
  private static boolean shown(Snippet snippet) {
    return snippet.kind() == Snippet.Kind.EXPRESSION
        || snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
  }

  /** Why a snippet event is a failure, if it is one. */
  private static Optional<String> error(JShell shell, SnippetEvent event) {
    JShellException exception = event.exception();
    if (exception != null) {
      if (exception instanceof UnresolvedReferenceException unresolved) {
        return Optional.of("unresolved reference in " + unresolved.getSnippet().source().strip()
            + ": " + shell.unresolvedDependencies(unresolved.getSnippet()).toList());
      }
      String type = exception instanceof EvalException thrown ? thrown.getExceptionClassName()
          : exception.getClass().getName();
      exception.printStackTrace();
      return Optional.of(type + ": " + firstLine(String.valueOf(exception.getMessage())));
    }
    if (event.causeSnippet() != null) {
      return Optional.empty();
    }
    Snippet snippet = event.snippet();
    switch (event.status()) {
      case REJECTED:
        return Optional.of(shell.diagnostics(snippet).filter(Diag::isError).findFirst()
            .map(d -> "does not compile: " + firstLine(d.getMessage(Locale.ROOT)) + " in: "
                + firstLine(excerpt(snippet.source(), d)))
            .orElse("rejected: " + firstLine(snippet.source())));
      case RECOVERABLE_DEFINED:
      case RECOVERABLE_NOT_DEFINED:
        return Optional.of("unresolved " + shell.unresolvedDependencies(
            (DeclarationSnippet) snippet).toList() + " in: " + firstLine(snippet.source()));
      default:
        return Optional.empty();
    }
  }

  private static Timing timing(Cell cell, long wallStart, long cpuStart) {
    return new Timing(cell.index(), (System.nanoTime() - wallStart) / 1e9,
        (processCpuNanos() - cpuStart) / 1e9);
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private JShell shell() {
    return JShell.builder()
        .executionEngine(new Direct(), Map.of())
        .compilerOptions("--class-path", classPath)
        .build();
  }

  /** Runs snippets in the calling thread, in this JVM. */
  private static final class Direct implements ExecutionControlProvider {
    @Override
    public String name() {
      return "direct";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      return new DirectExecutionControl();
    }
  }

  private static ArrayNode jupyterOutputs(Output output, int count) {
    ArrayNode outputs = JsonNodeFactory.instance.arrayNode();
    if (!output.stdout().isEmpty()) {
      outputs.addObject().put("name", "stdout").put("output_type", "stream")
          .set("text", lines(output.stdout()));
    }
    if (output.value() != null) {
      ObjectNode result = outputs.addObject();
      result.putObject("data").set("text/plain", lines(unquote(output.value())));
      result.put("execution_count", count);
      result.putObject("metadata");
      result.put("output_type", "execute_result");
    }
    return outputs;
  }

  /** JShell shows a String value quoted and escaped; a kernel shows the text. */
  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1).replace("\\n", "\n").replace("\\\"", "\"")
          .replace("\\\\", "\\");
    }
    return value;
  }

  private static ArrayNode lines(String text) {
    ArrayNode lines = JsonNodeFactory.instance.arrayNode();
    Matcher line = Pattern.compile(".*(\\R|\\z)").matcher(text);
    while (line.find() && !line.group().isEmpty()) {
      lines.add(line.group());
    }
    return lines;
  }

  private static String interpreter(String text, String fallback) {
    Matcher m = INTERPRETER.matcher(text);
    String name = m.lookingAt() ? m.group(1) : fallback;
    return name.startsWith("java") ? "java" : name;
  }

  private static String body(String text) {
    Matcher m = INTERPRETER.matcher(text);
    return m.lookingAt() ? text.substring(m.end()) : text;
  }

  private static String text(JsonNode source) {
    if (source.isArray()) {
      StringBuilder text = new StringBuilder();
      source.forEach(line -> text.append(line.asText()));
      return text.toString();
    }
    return source.asText("");
  }

  private static String excerpt(String source, Diag diag) {
    int start = (int) Math.max(0, diag.getStartPosition());
    int lineStart = source.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
    return source.substring(Math.min(lineStart, source.length())).strip();
  }

  static String firstLine(String text) {
    String stripped = text.strip();
    int end = stripped.indexOf('\n');
    return (end < 0 ? stripped : stripped.substring(0, end)).strip();
  }

  private static JsonNode read(Path notebook) {
    try {
      return Json.mapper().readTree(Files.readString(notebook));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + notebook, e);
    }
  }

  /** Writes to the console and keeps a copy, as a kernel shows a cell's output. */
  private static final class Tee extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    Tee(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      first.flush();
      second.flush();
    }
  }
}
