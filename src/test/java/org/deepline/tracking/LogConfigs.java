package org.deepline.tracking;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.composite.CompositeConfiguration;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;

/** Runs log statements against the project's log4j2 configuration files, capturing stderr. */
final class LogConfigs {
  static final Path NORMAL = Path.of("conf/log4j2.properties");
  static final Path JSON = Path.of("conf/log4j2-json.properties");

  private LogConfigs() {}

  /**
   * What {@code logging} writes to stderr under {@code files} merged in order, as deepline-submit
   * passes them to log4j2.
   */
  static String stderrOf(List<Path> files, Consumer<LoggerContext> logging) throws IOException {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    LoggerContext context = new LoggerContext("log-config-test");
    // The console appender takes System.err when its configuration starts.
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      List<AbstractConfiguration> configurations = new ArrayList<>();
      for (Path file : files) {
        configurations.add(load(context, file));
      }
      context.start(configurations.size() == 1 ? configurations.get(0)
          : new CompositeConfiguration(configurations));
      logging.accept(context);
    } finally {
      context.stop();
      System.setErr(stderr);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static AbstractConfiguration load(LoggerContext context, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new PropertiesConfigurationFactory().getConfiguration(context,
          new ConfigurationSource(in, file.toFile()));
    }
  }
}
