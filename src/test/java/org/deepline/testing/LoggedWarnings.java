package org.deepline.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * The WARN (and worse) lines logged while an action runs, from any logger (Spark's or deepline's),
 * for tests of what a user is told in the log.
 *
 * <pre>{@code
 * List<String> warnings = LoggedWarnings.during(() -> FeatureFitter.fit(train, config, provenance));
 * }</pre>
 */
public final class LoggedWarnings {
  private LoggedWarnings() {}

  public static List<String> during(Runnable action) {
    SparkTestSession.get();
    List<String> messages = Collections.synchronizedList(new ArrayList<>());
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    AbstractAppender appender = new AbstractAppender("captured-warnings", null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        messages.add(event.getMessage().getFormattedMessage());
      }
    };
    appender.start();
    context.getConfiguration().getRootLogger().addAppender(appender, Level.WARN, null);
    context.updateLoggers();
    try {
      action.run();
    } finally {
      context.getConfiguration().getRootLogger().removeAppender(appender.getName());
      context.updateLoggers();
      appender.stop();
    }
    return List.copyOf(messages);
  }
}
