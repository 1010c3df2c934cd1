package org.deepline.core.html;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SvgBarChartTest {
  private static String svg(SvgBarChart chart) {
    StringBuilder out = new StringBuilder();
    chart.build().write(out);
    return out.toString();
  }

  @Test
  void theLargestValueSpansTheBarAreaAndTheOthersTheirShare() {
    String svg = svg(new SvgBarChart("sizes").bar("big", 200, "200").bar("half", 100, "100"));

    assertTrue(svg.contains("<svg class=\"bars\" viewBox=\"0 0 300 44\""), svg);
    assertTrue(svg.contains("<rect class=\"bar\" x=\"110.00\" y=\"4.00\" width=\"140.00\""), svg);
    assertTrue(svg.contains("<rect class=\"bar\" x=\"110.00\" y=\"26.00\" width=\"70.00\""), svg);
  }

  @Test
  void aLongLabelIsCutButKeptWholeInTheTooltip() {
    String label = "a label far longer than the label column";

    String svg = svg(new SvgBarChart("long").bar(label, 1, "1"));

    assertTrue(svg.contains("<title>" + label + ": 1</title>"), svg);
    assertTrue(svg.contains(">a label far lo…</text>"), svg);
  }

  @Test
  void allZeroValuesDrawEmptyBarsNotNaN() {
    String svg = svg(new SvgBarChart("zeros").bar("none", 0, "0"));

    assertTrue(svg.contains("width=\"0.00\""), svg);
    assertFalse(svg.contains("NaN"), svg);
  }
}
