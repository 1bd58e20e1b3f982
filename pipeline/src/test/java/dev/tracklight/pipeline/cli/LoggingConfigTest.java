package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CLI's log configuration, loaded as the shaded jar loads it, with stderr captured: a failing
 * task's warning is one line with its exception's message (the stack trace only with --verbose),
 * and the embedded cluster's shutdown noise is not shown.
 */
class LoggingConfigTest {

  private static List<String> logWith(String resource) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LoggerContext context = new LoggerContext("logging-config-test");
    try (InputStream in = LoggingConfigTest.class.getResourceAsStream("/" + resource)) {
      context.start(new PropertiesConfigurationFactory().getConfiguration(context, new ConfigurationSource(in)));
      Logger task = context.getLogger("org.apache.flink.runtime.taskmanager.Task");
      Exception cause = new IllegalStateException("Failed to create new KafkaAdminClient",
          new IllegalArgumentException("No resolvable bootstrap urls given in bootstrap.servers"));
      task.warn("alerts-kafka: Writer (1/1) switched from RUNNING to FAILED with failure cause:", cause);
      context.getLogger("org.apache.flink.runtime.rpc.RpcEndpoint$MainThreadExecutor")
          .warn("The scheduled executor service is shutdown and ignores the command {}", "x");
      context.getLogger("dev.tracklight.Example").info("not shown at the default level");
    } finally {
      context.stop();
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"log4j2.properties", "log4j2-verbose.properties"})
  void failuresAreOneLineUnlessVerbose(String resource) throws Exception {
    List<String> lines = logWith(resource);
    assertTrue(lines.get(0).endsWith("WARN  Task - alerts-kafka: Writer (1/1) switched from RUNNING to FAILED"
        + " with failure cause:" + (resource.contains("verbose") ? "" : " (Failed to create new KafkaAdminClient)")),
        lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("executor service is shutdown")), lines.toString());
    assertTrue(lines.stream().noneMatch(l -> l.contains("not shown")), lines.toString());
    if (resource.contains("verbose")) {
      assertTrue(lines.contains("java.lang.IllegalStateException: Failed to create new KafkaAdminClient"), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("\tat ")), "stack trace with --verbose");
    } else {
      assertEquals(1, lines.size(), "one line: " + lines);
    }
  }
}
