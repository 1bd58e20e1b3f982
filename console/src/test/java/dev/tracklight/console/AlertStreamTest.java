package dev.tracklight.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/alerts/events} from the JSONL alert file (the Kafka topic's path is
 * pipeline/.../ConsoleLiveKafkaTest): alerts appended after a client connects reach it through its
 * camera, type and severity filters; what was in the file before is not replayed.
 */
class AlertStreamTest {

  @TempDir
  Path data;

  private static String alert(String id, String camera, String type, String severity) {
    return "{\"id\":\"" + id + "\",\"camera\":\"" + camera + "\",\"rule_type\":\"" + type + "\",\"severity\":\""
        + severity + "\"}\n";
  }

  private static List<String> ids(BlockingQueue<String> q, int n) throws Exception {
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      String e = q.poll(20, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("only " + out + " arrived");
      }
      out.add(ConsoleClient.JSON.readTree(e).get("id").asText());
    }
    return out;
  }

  @Test
  void appendedAlertsReachEachClientThroughItsFilters() throws Exception {
    Path file = data.resolve("alerts.jsonl");
    Files.writeString(file, alert("old", "lobby", "zone", "critical"));
    try (ConsoleServer server = ConsoleServer.start(ConsoleConfig.defaults(data).withPort(0).withAlertsFile(file),
        new LocalExecutor(ScriptedReplay.launcher(50), 1), Clock.systemUTC())) {
      ConsoleClient client = new ConsoleClient(server.port());
      BlockingQueue<String> all = client.events("/api/alerts/events");
      BlockingQueue<String> lobbyZone = client.events("/api/alerts/events?camera=lobby&type=zone");
      BlockingQueue<String> critical = client.events("/api/alerts/events?severity=critical");
      Thread.sleep(1000); // the streams are open (the tailer sends what is appended from now on)
      Files.writeString(file, alert("1", "lobby", "zone", "info") + alert("2", "gate", "zone", "critical")
          + alert("3", "lobby", "line", "critical") + alert("4", "lobby", "zone", "critical"), StandardOpenOption.APPEND);
      assertEquals(List.of("1", "2", "3", "4"), ids(all, 4));
      assertEquals(List.of("1", "4"), ids(lobbyZone, 2));
      assertEquals(List.of("2", "3", "4"), ids(critical, 3));
      Thread.sleep(300);
      assertNull(lobbyZone.poll(), "nothing else for the filtered client");
    }
  }
}
