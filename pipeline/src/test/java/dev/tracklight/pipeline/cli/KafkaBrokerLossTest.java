package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tracklight.connectors.testing.KafkaTestBroker;
import dev.tracklight.connectors.testing.RtspTestServer;
import dev.tracklight.inference.TestAssets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 1: a Kafka broker that drops out of a running live job. {@code tracklight run} runs
 * as its own process with the CLI's logging (an RTSP camera, exactly-once alerts to a real broker,
 * checkpoints every 3 s); once alerts are committed the broker is shut down. Measured before the
 * fix: the alerts stalled silently for 10 minutes (the sink's flush blocked the checkpoint until
 * Flink's default checkpoint timeout), then the failing writer's abort timed out inside the task's
 * failure handler, which killed the embedded TaskManager, and the job died of
 * NoResourceAvailableException without ever restarting. Now: the job fails over within seconds,
 * restarts from its checkpoint under the bounded strategy (3 restarts), each failure one log line
 * without a stack trace, then ends with one error line and exit code 1. Alerts committed before
 * the loss stay in Kafka, each once. Which failure comes first is a race: an open transaction
 * (the writer's flush in the checkpoint fails) or a checkpoint whose commit cannot reach the broker
 * (the restored job's committer retries {@code JobEnvironments.COMMITTER_RETRIES} times, 15 s each,
 * without a log line per retry); both end the same way.
 */
class KafkaBrokerLossTest {

  /** Restarts of the live job's fixed-delay strategy ({@code JobEnvironments}). */
  private static final int RESTARTS = 3;

  @TempDir
  Path tmp;

  @Test
  void brokerLossRestartsTheJobABoundedNumberOfTimesOneLineEach() throws Exception {
    RtspTestServer.requireAvailable();
    Path video = TestAssets.file("videos/persons_one_by_one_432p.mp4");
    KafkaTestBroker kafka = KafkaTestBroker.start();
    boolean brokerUp = true;
    try (RtspTestServer camera = RtspTestServer.builder().mount("cam", video).looping(true).start()) {
      kafka.createTopic("alerts", 1);
      Path yaml = Files.writeString(tmp.resolve("cameras.yaml"), """
          cameras:
            - id: lobby
              url: %s
              fps: 5
              rules:
                - {type: appearance, name: arrives, classes: [person], min_absence_seconds: 1.0}
                - {type: line, name: door, points: [[0.5, 0.0], [0.5, 1.0]], direction: both}
          model: {name: yolox-nano, device: cpu, classes: [person]}
          checkpointing: {interval_ms: 3000}
          sinks:
            jsonl: tracks.jsonl
            alerts:
              jsonl: alerts.jsonl
              kafka: {bootstrap_servers: "%s", topic: alerts, delivery: exactly_once}
          """.formatted(camera.url("cam"), kafka.bootstrapServers()));
      Path log = tmp.resolve("run.log");
      List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // The shaded jar's logging, not the test classpath's log4j2-test.properties.
          "-Dlog4j2.configurationFile=log4j2.properties",
          "-cp", System.getProperty("java.class.path"), TracklightMain.class.getName(),
          "run", "--config", yaml.toString());
      Process run = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        List<String> committed = awaitCommittedAlerts(kafka, run, log);
        int linesBefore = lines(log).size();
        brokerUp = false;
        kafka.close(); // the broker goes away for good

        assertTrue(run.waitFor(8, TimeUnit.MINUTES), "the job ends within a bounded time:\n"
            + String.join("\n", lines(log)));
        List<String> after = lines(log).subList(linesBefore, lines(log).size()).stream()
            .filter(l -> !l.startsWith("tracklight: status: ") && !l.startsWith("tracklight: stopped: "))
            .toList();
        String report = String.join("\n", lines(log));
        assertEquals(1, run.exitValue(), report);
        assertTrue(after.stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")
            || l.contains("FATAL") || l.contains("NoResourceAvailable")), report);
        long failures = after.stream().filter(l -> l.contains(" WARN  Task - ")
            && l.contains("to FAILED with failure cause")).count();
        assertEquals(RESTARTS + 1, failures, "one line per failure (the first, then one per restart)\n"
            + report);
        // Besides those: at most a checkpoint notice of the first failure, and the final error.
        assertTrue(after.size() <= failures + 2, report);
        String last = after.get(after.size() - 1);
        assertTrue(last.startsWith("error: "), report);
        assertEquals(committed.size(), new HashSet<>(committed).size(), "each committed alert once");
      } finally {
        run.destroyForcibly();
      }
    } finally {
      if (brokerUp) {
        kafka.close();
      }
    }
  }

  /** Waits until at least one alert is committed in Kafka, i.e. a checkpoint completed. */
  private static List<String> awaitCommittedAlerts(KafkaTestBroker kafka, Process run, Path log)
      throws Exception {
    for (int attempt = 0; attempt < 60; attempt++) {
      if (!run.isAlive()) {
        fail("the job ended early:\n" + String.join("\n", lines(log)));
      }
      List<String> values = kafka.committedValues("alerts");
      if (!values.isEmpty()) {
        return values;
      }
      Thread.sleep(3000);
    }
    fail("no alert committed in 3 minutes:\n" + String.join("\n", lines(log)));
    return List.of();
  }

  private static List<String> lines(Path log) {
    try {
      return new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
