package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI's log configurations, loaded as the shaded jar loads them, their console output captured: a failing
 * task's warning is one line with its exception's message (the stack trace only with --verbose),
 * and Flink's noise (the embedded cluster's shutdown, the Kafka sink's metric re-registration on
 * every checkpoint) is not shown.
 */
class LoggingConfigTest {

  private static List<String> logWith(String resource) throws Exception {
    StringWriter captured = new StringWriter();
    LoggerContext context = new LoggerContext("logging-config-test");
    try (InputStream in = LoggingConfigTest.class.getResourceAsStream("/" + resource)) {
      Configuration config = new PropertiesConfigurationFactory().getConfiguration(context, new ConfigurationSource(in));
      context.start(config);
      // The console appender's stream is shared by every log4j context of the JVM (managers are
      // global by name), so the same layout writes to a string instead, behind the same loggers.
      Appender console = config.getAppender("stderr");
      Appender string = WriterAppender.newBuilder().setName("captured").setTarget(captured)
          .setLayout(console.getLayout()).setConfiguration(config).build();
      string.start();
      List<LoggerConfig> loggers = new ArrayList<>(config.getLoggers().values());
      loggers.add(config.getRootLogger());
      for (LoggerConfig logger : loggers) {
        if (logger.getAppenders().containsKey("stderr")) {
          logger.removeAppender("stderr");
          logger.addAppender(string, null, null);
        }
      }
      context.updateLoggers();
      Logger task = context.getLogger("org.apache.flink.runtime.taskmanager.Task");
      Exception cause = new IllegalStateException("Failed to create new KafkaAdminClient",
          new IllegalArgumentException("No resolvable bootstrap urls given in bootstrap.servers"));
      task.warn("alerts-kafka: Writer (1/1) switched from RUNNING to FAILED with failure cause:", cause);
      context.getLogger("org.apache.flink.runtime.rpc.RpcEndpoint$MainThreadExecutor")
          .warn("The scheduled executor service is shutdown and ignores the command {}", "x");
      context.getLogger("org.apache.flink.metrics.MetricGroup").warn("Name collision: Group already contains a"
          + " Metric with the name 'pendingCommittables'. Metric will not be reported.");
      context.getLogger("dev.tracklight.Example").info("not shown at the default level");
    } finally {
      context.stop();
    }
    return captured.toString().lines().toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"log4j2.properties", "log4j2-verbose.properties"})
  void failuresAreOneLineUnlessVerbose(String resource) throws Exception {
    List<String> lines = logWith(resource);
    assertTrue(lines.get(0).endsWith("WARN  Task - alerts-kafka: Writer (1/1) switched from RUNNING to FAILED"
        + " with failure cause:" + (resource.contains("verbose") ? "" : " (Failed to create new KafkaAdminClient)")),
        lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("executor service is shutdown")), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("Name collision")), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("not shown")), lines.toString());
    if (resource.contains("verbose")) {
      assertTrue(lines.contains("java.lang.IllegalStateException: Failed to create new KafkaAdminClient"), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("\tat ")), "stack trace with --verbose");
    } else {
      assertEquals(1, lines.size(), "one line: " + lines);
    }
  }
}
