package org.deepline.tracking;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.OutputStreamAppender;
import org.apache.logging.log4j.core.config.AbstractConfiguration;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.composite.CompositeConfiguration;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;

/** Runs log statements against the project's log4j2 configuration files and captures the output. */
final class LogConfigs {
  static final Path NORMAL = Path.of("conf/log4j2.properties");
  static final Path JSON = Path.of("conf/log4j2-json.properties");
  /** The appender both files name. */
  private static final String CONSOLE = "console";

  private LogConfigs() {}

  /**
   * What {@code logging} writes to the console appender under {@code files} merged in order, as
   * deepline-submit passes them to log4j2. The console's layout, levels and filters are the files';
   * only its stream is swapped for a buffer, because log4j2 shares one System.err stream manager
   * across the JVM's logger contexts, so redirecting System.err would miss it.
   */
  static String outputOf(List<Path> files, Consumer<LoggerContext> logging) throws IOException {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LoggerContext context = new LoggerContext("log-config-test");
    try {
      List<AbstractConfiguration> configurations = new ArrayList<>();
      for (Path file : files) {
        configurations.add(load(context, file));
      }
      context.start(configurations.size() == 1 ? configurations.get(0)
          : new CompositeConfiguration(configurations));
      Configuration configuration = context.getConfiguration();
      Appender buffer = OutputStreamAppender.newBuilder().setName("captured")
          .setLayout(configuration.getAppender(CONSOLE).getLayout()).setTarget(captured).build();
      buffer.start();
      configuration.addAppender(buffer);
      Stream.concat(configuration.getLoggers().values().stream(),
              Stream.of(configuration.getRootLogger()))
          .filter(logger -> logger.getAppenders().containsKey(CONSOLE))
          .distinct()
          .forEach(logger -> swap(logger, buffer));
      context.updateLoggers();
      logging.accept(context);
    } finally {
      context.stop();
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static void swap(LoggerConfig logger, Appender buffer) {
    logger.removeAppender(CONSOLE);
    logger.addAppender(buffer, null, null);
  }

  private static AbstractConfiguration load(LoggerContext context, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new PropertiesConfigurationFactory().getConfiguration(context,
          new ConfigurationSource(in, file.toFile()));
    }
  }
}
