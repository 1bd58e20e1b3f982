package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.testing.KafkaTestBroker;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracklight run}: what it refuses before a job starts. */
class RunCommandTest {

  @TempDir
  Path tmp;

  /** The README's cameras.yaml, whose Kafka broker does not exist here. */
  @Test
  void readmeConfigWithoutItsBrokerIsOneErrorLineBeforeTheJobStarts() throws Exception {
    Path yaml = Files.writeString(tmp.resolve("cameras.yaml"), """
        cameras:
          - id: lobby
            url: rtsp://viewer:secret@10.0.0.7:554/stream1
            fps: 5
        model: {name: yolox-nano, device: cpu, conf: 0.25, iou: 0.45, classes: [person], max_batch: 8}
        sinks:
          jsonl: tracks.jsonl
          alerts:
            jsonl: alerts.jsonl
            kafka: {bootstrap_servers: "broker.invalid:9092", topic: tracklight-alerts, delivery: exactly_once}
        """);
    CliRun run = CliRun.of("run", "--config", yaml.toString());
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertEquals("error: " + yaml + ": sinks.alerts.kafka: cannot resolve Kafka host broker.invalid of"
        + " bootstrap_servers 'broker.invalid:9092'; expected reachable brokers for the alerts sink\n", run.err());
    assertEquals("", run.out());
    assertEquals(List.of("cameras.yaml"), Files.list(tmp).map(p -> p.getFileName().toString()).toList(),
        "no sink file written");
  }

  @Test
  void brokerThatDoesNotAnswerIsOneErrorLine() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Path yaml = Files.writeString(tmp.resolve("cameras.yaml"), """
        cameras: [{id: lobby, url: 'rtsp://127.0.0.1:1/x'}]
        sinks: {alerts: {kafka: {bootstrap_servers: "127.0.0.1:%d", topic: alerts}}}
        """.formatted(closedPort));
    long t0 = System.nanoTime();
    CliRun run = CliRun.of("run", "--config", yaml.toString());
    long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine() && run.err().startsWith("error: " + yaml + ": sinks.alerts.kafka: no Kafka"
        + " broker answered at 127.0.0.1:" + closedPort + " within 10 s"), run.err());
    assertTrue(ms < 60_000, "bounded by the check's timeout: " + ms + " ms");
  }

  /**
   * An exactly-once sink lists its topic's open transactions on start, which fails for a topic
   * that does not exist (the job restarted four times, then exited 1 with "This server does not
   * host this topic-partition"): the check before the job names the topic instead.
   */
  @Test
  void exactlyOnceToATopicThatDoesNotExistIsOneErrorLine() throws Exception {
    try (KafkaTestBroker kafka = KafkaTestBroker.start()) {
      Path yaml = Files.writeString(tmp.resolve("cameras.yaml"), """
          cameras: [{id: lobby, url: 'rtsp://127.0.0.1:1/x'}]
          sinks: {alerts: {kafka: {bootstrap_servers: "%s", topic: no-such-topic, delivery: exactly_once}}}
          """.formatted(kafka.bootstrapServers()));
      CliRun run = CliRun.of("run", "--config", yaml.toString());
      assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
      assertEquals("error: " + yaml + ": sinks.alerts.kafka: topic 'no-such-topic' does not exist at "
          + kafka.bootstrapServers() + "; expected an existing topic (exactly-once delivery needs it"
          + " before its first transaction; create it, e.g. kafka-topics.sh --create --topic"
          + " no-such-topic)\n", run.err());
      assertEquals(List.of("cameras.yaml"), Files.list(tmp).map(p -> p.getFileName().toString()).toList(),
          "no sink file written");
    }
  }
}
