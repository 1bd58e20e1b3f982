package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.testing.TestAlerts;
import dev.tracklight.operators.alerts.AlertJson;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.IntStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alerts tail --config}: follows where the job of a cameras.yaml sends its alerts. */
class AlertsTailConfigTest {

  @TempDir
  Path tmp;

  private Path config(String sinks) throws Exception {
    return Files.writeString(tmp.resolve("cameras.yaml"), """
        cameras:
          - {id: lobby, url: 'rtsp://127.0.0.1:8554/cam1'}
        sinks:
        """ + sinks.indent(2));
  }

  @Test
  void followsTheConfiguredAlertsFile() throws Exception {
    Path alerts = tmp.resolve("alerts.jsonl");
    Files.write(alerts, List.of(AlertJson.toJson(TestAlerts.number(1, 1)),
        AlertJson.toJson(TestAlerts.number(2, 1))));
    Path yaml = config("alerts: {jsonl: '" + alerts + "'}");
    CliRun run = CliRun.of("alerts", "tail", "--config", yaml.toString(), "--from-beginning",
        "--json", "--max", "2", "--timeout", "20");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(2, run.out().lines().count(), run.out());
  }

  @Test
  void defaultsToTheAlertsFileNextToTheTrackLines() throws Exception {
    Path tracks = tmp.resolve("tracks.jsonl");
    Files.write(tmp.resolve("alerts.jsonl"), List.of(AlertJson.toJson(TestAlerts.number(7, 1))));
    Path yaml = config("jsonl: '" + tracks + "'");
    CliRun run = CliRun.of("alerts", "tail", "--config", yaml.toString(), "--from-beginning",
        "--json", "--max", "1", "--timeout", "20");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(AlertJson.toJson(TestAlerts.number(7, 1)), run.out().strip());
  }

  @Test
  void aFinishedFileShowsItsEndAndSaysSo() throws Exception {
    Path alerts = tmp.resolve("alerts.jsonl");
    List<String> lines = IntStream.range(0, 15).mapToObj(n -> AlertJson.toJson(TestAlerts.number(n, 1))).toList();
    Files.write(alerts, lines);
    long t0 = System.nanoTime();
    CliRun run = CliRun.of("alerts", "tail", "--file", alerts.toString(), "--json", "--timeout", "1");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(lines.subList(5, 15), run.out().lines().toList(), "the last 10 alerts");
    assertTrue(run.err().startsWith("tracklight: no job is writing " + alerts + " now; showing its last 10"
        + " lines (--from-beginning shows all), then waiting for new ones\n"), run.err());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30, "--timeout ends it");
  }

  @Test
  void aFileAJobIsWritingIsFollowedFromItsEnd() throws Exception {
    Path alerts = tmp.resolve("alerts.jsonl");
    Files.write(alerts, List.of(AlertJson.toJson(TestAlerts.number(1, 1))));
    try (FileChannel writer = FileChannel.open(alerts, StandardOpenOption.WRITE); FileLock lock = writer.lock()) {
      CliRun run = CliRun.of("alerts", "tail", "--file", alerts.toString(), "--json", "--timeout", "0.5");
      assertEquals(0, run.exitCode(), run.err());
      assertEquals("", run.out(), "only new alerts");
      assertFalse(run.err().contains("no job is writing"), run.err());
    }
  }

  /** The job creates its alerts file with the first alert; the tail waits for it, saying so. */
  @Test
  void relativeSinkPathsResolveFromTheConfigFolderAndAMissingFileIsAwaited() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("site"));
    Path yaml = Files.writeString(dir.resolve("cameras.yaml"), """
        cameras:
          - {id: lobby, url: 'rtsp://127.0.0.1:8554/cam1'}
        sinks:
          jsonl: out/tracks.jsonl
        """);
    Path alerts = dir.resolve("out/alerts.jsonl");
    try (AlertsTailCommandTest.BackgroundTail tail = AlertsTailCommandTest.BackgroundTail.start("alerts",
        "tail", "--config", yaml.toString(), "--json", "--max", "1", "--timeout", "60")) {
      tail.awaitErr(s -> s.contains(alerts + " does not exist yet (the job creates it with its first alert);"
          + " waiting for it"));
      Files.createDirectories(alerts.getParent());
      try (FileChannel writer = FileChannel.open(alerts, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND); FileLock lock = writer.lock()) {
        tail.awaitErr(s -> s.contains("following " + alerts));
        writer.write(java.nio.ByteBuffer.wrap((AlertJson.toJson(TestAlerts.number(3, 1)) + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(0, tail.exitCode(), tail.err());
        assertEquals(List.of(AlertJson.toJson(TestAlerts.number(3, 1))), tail.outLines());
      }
    }
  }

  @Test
  void oneSourceOnly() throws Exception {
    Path yaml = config("alerts: {stdout: true}");
    CliRun run = CliRun.of("alerts", "tail", "--config", yaml.toString(), "--file", "x.jsonl");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().startsWith("error: expected exactly one of --config"), run.err());
    run = CliRun.of("alerts", "tail", "--config", yaml.toString());
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("sends alerts only to stdout"), run.err());
  }
}
