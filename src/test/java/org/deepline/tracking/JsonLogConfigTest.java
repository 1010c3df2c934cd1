package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

/**
 * conf/log4j2-json.properties as deepline-submit uses it with DEEPLINE_LOG_FORMAT=json, merged after
 * conf/log4j2.properties: one JSON object per event and line, at the normal config's levels.
 */
class JsonLogConfigTest {
  @Test
  void everyEventIsOneParseableJsonLine() throws IOException {
    String output = LogConfigs.outputOf(List.of(LogConfigs.NORMAL, LogConfigs.JSON), context -> {
      Logger deepline = context.getLogger("org.deepline.scoring.ScoreJob");
      deepline.info("score churn: 7043 rows scored");
      deepline.error("score churn: failed", new IllegalStateException("no model"));
      context.getLogger("org.apache.spark.SparkContext").info("Running Spark version 3.5.6");
    });

    String[] lines = output.strip().split("\n");
    assertEquals(2, lines.length, "Spark's INFO stays below the root level of WARN: " + output);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      events.add(json.readTree(line));
    }
    assertEquals("INFO", events.get(0).get("level").asText());
    assertEquals("org.deepline.scoring.ScoreJob", events.get(0).get("loggerName").asText());
    assertEquals("score churn: 7043 rows scored", events.get(0).get("message").asText());
    assertEquals("ERROR", events.get(1).get("level").asText());
    assertTrue(events.get(1).get("thrown").get("extendedStackTrace").asText()
        .contains("IllegalStateException: no model"));
  }
}
