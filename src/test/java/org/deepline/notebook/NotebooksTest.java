package org.deepline.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.deepline.core.Json;
import org.deepline.testing.SparkTestSession;
import org.deepline.testing.TestRuns;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every notebook in {@code notebooks/} runs clean, cell by cell in order, through JShell on the
 * project's class path ({@link NotebookRunner}): what a Java kernel (IJava, JJava) or Zeppelin's
 * {@code %java} would execute. Each runs against a fresh warehouse (the facade's
 * {@code deepline.warehouse} property) and the test JVM's one Spark session; a copy with the
 * outputs is written to {@code target/notebooks/} for people to read.
 */
class NotebooksTest {
  private static final Path NOTEBOOKS = TestRuns.project().resolve("notebooks");
  private static final Path FIXTURES = TestRuns.project().resolve("src/test/resources/notebooks");
  private static final Path EXECUTED = TestRuns.project().resolve("target/notebooks");

  @TempDir
  static Path warehouses;

  @TestFactory
  Stream<DynamicTest> everyNotebookRunsCleanInOrder() throws IOException {
    List<Path> notebooks = notebooks();
    assertTrue(notebooks.stream().anyMatch(p -> p.toString().endsWith(".ipynb"))
        && notebooks.stream().anyMatch(p -> p.toString().endsWith(".zpln")),
        "a Jupyter notebook and a Zeppelin note in " + NOTEBOOKS + ": " + notebooks);
    return notebooks.stream().map(notebook -> DynamicTest.dynamicTest(
        notebook.getFileName().toString(), () -> {
          SparkTestSession.get();
          Path warehouse = warehouses.resolve(notebook.getFileName().toString());
          System.setProperty(Deepline.WAREHOUSE_PROPERTY, warehouse.toString());
          long cpu = NotebookRunner.processCpuNanos();
          long wall = System.nanoTime();
          try {
            NotebookRunner.Executed run = new NotebookRunner().execute(notebook);
            Path saved = run.save(EXECUTED);
            System.out.printf(Locale.ROOT, "%s: %d cells executed in %.1f s wall, %.1f s CPU "
                + "(all threads of the JVM); with outputs: %s%n", notebook.getFileName(),
                run.outputs().size(), (System.nanoTime() - wall) / 1e9,
                (NotebookRunner.processCpuNanos() - cpu) / 1e9, saved);
            run.timings().forEach(t -> System.out.printf(Locale.ROOT,
                "  cell %d: %.1f s wall, %.1f s CPU%n", t.cell(), t.wallSeconds(), t.cpuSeconds()));
          } finally {
            System.clearProperty(Deepline.WAREHOUSE_PROPERTY);
          }
        }));
  }

  /** Outputs are made by the run (target/notebooks/), never committed. */
  @Test
  void notebooksAreStoredWithoutOutputs() throws IOException {
    for (Path notebook : notebooks()) {
      JsonNode root = Json.mapper().readTree(Files.readString(notebook));
      for (JsonNode cell : root.path("cells")) {
        assertTrue(cell.path("outputs").isMissingNode() || cell.path("outputs").isEmpty(),
            notebook + ": a cell has outputs: " + cell.path("id"));
        assertTrue(cell.path("execution_count").isMissingNode()
            || cell.path("execution_count").isNull(), notebook + ": " + cell.path("id"));
      }
      for (JsonNode paragraph : root.path("paragraphs")) {
        assertTrue(paragraph.path("results").isMissingNode(),
            notebook + ": a paragraph has results: " + paragraph.path("id"));
      }
      assertFalse(NotebookRunner.cells(notebook).stream().noneMatch(NotebookRunner.Cell::code),
          notebook + " has no code to execute");
    }
  }

  @Test
  void aCellThatDoesNotCompileFailsTheNotebookNamingItAndStopsThere() {
    NotebookRunner.NotebookFailure failure = assertThrows(NotebookRunner.NotebookFailure.class,
        () -> new NotebookRunner().execute(FIXTURES.resolve("broken_compile.ipynb")));
    assertEquals("broken_compile.ipynb: cell 3 of 4: does not compile: incompatible types: int "
        + "cannot be converted to java.lang.String in: String text = answer;",
        failure.getMessage());
  }

  @Test
  void aCellThatThrowsFailsTheNotebookWithTheExceptionsFirstLine() {
    NotebookRunner.NotebookFailure failure = assertThrows(NotebookRunner.NotebookFailure.class,
        () -> new NotebookRunner().execute(FIXTURES.resolve("broken_exception.ipynb")));
    assertTrue(failure.getMessage().startsWith("broken_exception.ipynb: cell 2 of 2: "
        + "org.deepline.core.DeeplineException: no config conf/no-such-config.json in "),
        failure.getMessage());
  }

  @Test
  void aZeppelinParagraphWithAnUnresolvedReferenceFailsTheNote() {
    NotebookRunner.NotebookFailure failure = assertThrows(NotebookRunner.NotebookFailure.class,
        () -> new NotebookRunner().execute(FIXTURES.resolve("broken_unresolved.zpln")));
    assertTrue(failure.getMessage().startsWith("broken_unresolved.zpln: cell 3 of 3: "
        + "unresolved [method helper()]"), failure.getMessage());
  }

  @Test
  void aParagraphOfAnotherInterpreterFailsInsteadOfBeingSkipped() {
    NotebookRunner.NotebookFailure failure = assertThrows(NotebookRunner.NotebookFailure.class,
        () -> new NotebookRunner().execute(FIXTURES.resolve("other_interpreter.zpln")));
    assertEquals("other_interpreter.zpln: cell 1 of 1: interpreter %pyspark cannot be executed "
        + "here; the runner executes %java paragraphs", failure.getMessage());
  }

  private static List<Path> notebooks() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(p -> p.toString().endsWith(".ipynb") || p.toString().endsWith(".zpln"))
          .sorted().toList();
    }
  }
}
