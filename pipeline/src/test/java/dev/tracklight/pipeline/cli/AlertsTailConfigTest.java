package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.testing.TestAlerts;
import dev.tracklight.operators.alerts.AlertJson;
import java.nio.file.Files;
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
