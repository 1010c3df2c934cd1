package org.deepline.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's charts and tables print as text a notebook shows, and charts save as SVG. */
class ChartTest {
  @TempDir
  Path dir;

  private static Chart diagonal() {
    return Chart.titled("t", "x", "y").range(0, 1, 0, 1)
        .reference("chance", List.of(new double[] {0, 0}, new double[] {1, 1}))
        .line("model", List.of(new double[] {0, 0}, new double[] {0, 1}, new double[] {1, 1}));
  }

  @Test
  void aLineIsDrawnOverTheReferenceBetweenItsPoints() {
    List<String> lines = diagonal().toString().lines().toList();
    assertEquals("t", lines.get(0));
    assertEquals("1 │" + "●".repeat(56), lines.get(2), "the top edge, from (0, 1) to (1, 1)");
    assertTrue(lines.get(17).startsWith("0 │●·"), "the line covers the reference's first point: "
        + lines.get(17));
    assertTrue(lines.get(10).startsWith("  │●"), "the left edge, from (0, 0) to (0, 1)");
    assertTrue(lines.get(10).contains("·"), "the reference shows where no line covers it");
    assertEquals("   0" + " ".repeat(54) + "1", lines.get(19));
    assertEquals("   · chance   ● model", lines.get(21));
  }

  @Test
  void withoutARangeTheAxesSpanThePointsAndNonFiniteOnesAreLeftOut() {
    String text = Chart.titled("t", "epoch", "loss")
        .line("loss", List.of(new double[] {1, 0.5}, new double[] {2, Double.NaN},
            new double[] {3, 0.25}))
        .toString();
    assertTrue(text.contains("0.5 │●"), text);
    assertTrue(text.contains("0.25 │") || text.contains("0.25│"), text);
    assertTrue(text.contains("   1 ") && text.contains("3\n"), text);
  }

  @Test
  void theSvgHasOnePolylinePerSeriesAndSavesToAFile() throws Exception {
    String svg = diagonal().svg();
    assertEquals(2, svg.split("<polyline", -1).length - 1, svg);
    assertTrue(svg.contains("stroke-dasharray"), "the reference is dashed");
    Path saved = diagonal().save(dir.resolve("charts/roc.svg"));
    assertEquals(svg, Files.readString(saved));
  }

  @Test
  void tablesAlignNumbersRightAndSayHowManyRowsTheyLeftOut() {
    TextTable table = new TextTable("metric", "value");
    table.row("roc_auc", 0.84467).row("rows", 1056.0).row("note", "x");
    assertEquals(String.join("\n",
        "metric    value",
        "───────  ──────",
        "roc_auc  0.8447",
        "rows       1056",
        "… 1 more"), table.render(2));
  }
}
