package org.deepline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.composite.CompositeConfiguration;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.api.Test;

/**
 * conf/log4j2-json.properties as deepline-submit uses it with DEEPLINE_LOG_FORMAT=json, merged after
 * conf/log4j2.properties: one JSON object per event and line, at the normal config's levels.
 */
class JsonLogConfigTest {
  private static final Path NORMAL = Path.of("conf/log4j2.properties");
  private static final Path JSON = Path.of("conf/log4j2-json.properties");

  @Test
  void everyEventIsOneParseableJsonLine() throws IOException {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    LoggerContext context = new LoggerContext("json-log-config-test");
    // The console appender takes System.err when its configuration starts.
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      context.start(new CompositeConfiguration(List.of(load(context, NORMAL), load(context, JSON))));
      Logger deepline = context.getLogger("org.deepline.scoring.ScoreJob");
      deepline.info("score churn: 7043 rows scored");
      deepline.error("score churn: failed", new IllegalStateException("no model"));
      context.getLogger("org.apache.spark.SparkContext").info("Running Spark version 3.5.6");
    } finally {
      context.stop();
      System.setErr(stderr);
    }

    String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
    assertEquals(2, lines.length, "Spark's INFO stays below the root level of WARN: "
        + String.join("\n", lines));
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      events.add(json.readTree(line));
    }
    assertEquals("INFO", events.get(0).get("level").asText());
    assertEquals("org.deepline.scoring.ScoreJob", events.get(0).get("loggerName").asText());
    assertEquals("score churn: 7043 rows scored", events.get(0).get("message").asText());
    assertEquals(Level.ERROR.name(), events.get(1).get("level").asText());
    assertTrue(events.get(1).get("thrown").get("extendedStackTrace").asText()
        .contains("IllegalStateException: no model"));
  }

  private static AbstractConfiguration load(LoggerContext context, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new PropertiesConfigurationFactory().getConfiguration(context,
          new ConfigurationSource(in, file.toFile()));
    }
  }
}
