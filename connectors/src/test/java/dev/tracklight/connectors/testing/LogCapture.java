package dev.tracklight.connectors.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * Records every log event (message, thrown exceptions and their causes) that reaches Log4j's root
 * logger and the {@code ffmpeg} logger while it is open, so tests can assert on what was really
 * logged. Thread-safe (the reader logs from its own threads).
 */
public final class LogCapture implements AutoCloseable {

  private final List<String> lines = new ArrayList<>();
  private final AbstractAppender appender;
  private final Configuration config;
  private final LoggerContext context;

  private LogCapture() {
    context = (LoggerContext) LogManager.getContext(false);
    config = context.getConfiguration();
    appender = new AbstractAppender("capture-" + System.identityHashCode(this), null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        StringBuilder sb = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
            + event.getMessage().getFormattedMessage());
        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
          sb.append(" | ").append(t);
        }
        synchronized (lines) {
          lines.add(sb.toString());
        }
      }
    };
    appender.start();
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    config.getLoggerConfig("ffmpeg").addAppender(appender, Level.ALL, null);
    context.updateLoggers();
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  @Override
  public void close() {
    config.getRootLogger().removeAppender(appender.getName());
    config.getLoggerConfig("ffmpeg").removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
