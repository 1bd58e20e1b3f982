package dev.tracklight.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/live/cameras} on a real console from a status file in {@code run}'s format, with
 * an injected clock for the freshness check; and the {@code live:} section of console.yaml.
 */
class LiveCamerasTest {

  @TempDir
  Path data;
  private final AtomicLong now = new AtomicLong(1_765_000_000_000L);
  private final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  };

  private static String status(String state, long writtenMs) {
    return """
        {"schema": "tracklight.run-status/v1", "state": "%s", "written_ms": %d, "started_ms": %d,
         "interval_ms": 1000, "job": "cameras.yaml", "extra": "not for the page",
         "cameras": [
          {"id": "lobby", "state": "STREAMING", "fps": 5.0, "lag_ms": 180, "tracks": 3, "frames": 900,
           "alerts": 2, "connections": 3, "reconnects": 2, "last_error": null, "url": "rtsp://x:y@h/z"},
          {"id": "gate", "state": "RECONNECTING", "fps": 0.0, "lag_ms": -1, "tracks": 0, "frames": 0,
           "alerts": 0, "connections": 0, "reconnects": 0, "last_error": "Connection refused"}]}
        """.formatted(state, writtenMs, writtenMs - 60_000);
  }

  @Test
  void camerasFromTheStatusFileAndARunThatStopsWritingIsStale() throws Exception {
    Path file = data.resolve("run/status.json");
    LiveSettings live = new LiveSettings(Optional.of(file), Duration.ofSeconds(5), Optional.empty());
    try (ConsoleServer server = ConsoleServer.start(ConsoleConfig.defaults(data).withPort(0).withLive(live),
        new LocalExecutor(ScriptedReplay.launcher(50), 1), clock)) {
      ConsoleClient client = new ConsoleClient(server.port());

      JsonNode none = ConsoleClient.json(client.get("/api/live/cameras"));
      assertEquals("none", none.get("run").asText(), none.toString());
      assertEquals(0, none.get("cameras").size());

      Files.createDirectories(file.getParent());
      Files.writeString(file, status("running", now.get() - 1_000));
      JsonNode running = ConsoleClient.json(client.get("/api/live/cameras"));
      assertEquals("running", running.get("run").asText(), running.toString());
      assertEquals(1_000, running.get("age_ms").asLong());
      JsonNode lobby = running.get("cameras").get(0);
      assertEquals("lobby", lobby.get("id").asText());
      assertEquals("STREAMING", lobby.get("state").asText());
      assertEquals(5.0, lobby.get("fps").asDouble());
      assertEquals(180, lobby.get("lag_ms").asLong());
      assertEquals(2, lobby.get("reconnects").asLong());
      assertTrue(lobby.get("last_error").isNull());
      JsonNode gate = running.get("cameras").get(1);
      assertEquals("RECONNECTING", gate.get("state").asText());
      assertEquals("Connection refused", gate.get("last_error").asText());
      String body = running.toString();
      assertFalse(body.contains("rtsp://") || body.contains("not for the page") || body.contains(file.toString()),
          "only the camera fields are passed on: " + body);

      now.addAndGet(4_000); // 5 s old: still within stale_seconds
      assertEquals("running", ConsoleClient.json(client.get("/api/live/cameras")).get("run").asText());
      now.addAndGet(1_001); // the run stopped writing (died): its last file must not look live
      JsonNode stale = ConsoleClient.json(client.get("/api/live/cameras"));
      assertEquals("stale", stale.get("run").asText(), stale.toString());
      assertTrue(stale.get("message").asText().contains("not running"), stale.toString());

      Files.writeString(file, status("stopped", now.get()));
      assertEquals("stopped", ConsoleClient.json(client.get("/api/live/cameras")).get("run").asText());

      Files.writeString(file, "{\"hello\": 1}");
      assertEquals("unreadable", ConsoleClient.json(client.get("/api/live/cameras")).get("run").asText());
    }
  }

  @Test
  void withoutALiveSectionTheEndpointSaysSo() throws Exception {
    try (ConsoleServer server = ConsoleServer.start(ConsoleConfig.defaults(data).withPort(0),
        new LocalExecutor(ScriptedReplay.launcher(50), 1), clock)) {
      JsonNode j = ConsoleClient.json(new ConsoleClient(server.port()).get("/api/live/cameras"));
      assertEquals("unconfigured", j.get("run").asText());
      JsonNode doc = ConsoleClient.json(new ConsoleClient(server.port()).get("/api/openapi.json"));
      assertTrue(doc.path("paths").has("/api/live/cameras"), "documented in openapi.json");
    }
  }

  @Test
  void liveSectionOfConsoleYamlKeepsKafkaSecretsOutOfItsText() throws Exception {
    Path yaml = data.resolve("console.yaml");
    Files.writeString(yaml, """
        alerts: /srv/alerts.jsonl
        live:
          status: /srv/run/status.json
          stale_seconds: 10
          kafka:
            bootstrap_servers: broker-1:9092,broker-2:9092
            topic: tracklight-alerts
            properties: {security.protocol: SASL_SSL, sasl.mechanism: PLAIN}
            properties_env: {sasl.jaas.config: KAFKA_JAAS}
        """);
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"pw-9x\";";
    ConsoleConfig c = ConsoleConfig.load(yaml, data, Map.of("KAFKA_JAAS", jaas));
    assertEquals(Optional.of(Path.of("/srv/alerts.jsonl")), c.alertsFile(), "the top-level alerts key still works");
    assertEquals(Optional.of(Path.of("/srv/run/status.json")), c.live().statusFile());
    assertEquals(Duration.ofSeconds(10), c.live().staleAfter());
    LiveSettings.KafkaAlerts k = c.live().kafka().orElseThrow();
    assertEquals("broker-1:9092,broker-2:9092", k.bootstrapServers());
    assertEquals(jaas, k.properties().get("sasl.jaas.config"));
    assertEquals("SASL_SSL", k.properties().get("security.protocol"));
    assertFalse(c.toString().contains("pw-9x"), c.toString());
    assertTrue(c.toString().contains("sasl.jaas.config"), c.toString());

    Files.writeString(yaml, "live: {kafka: {bootstrap_servers: b:9092, topic: t, properties_env: {x: NOPE}}}\n");
    IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
        () -> ConsoleConfig.load(yaml, data, Map.of()));
    assertEquals("console.yaml: live.kafka.properties_env.x: variable NOPE is not set", unset.getMessage());
    Files.writeString(yaml, "live: {kafka: {bootstrap_servers: b:9092, topic: t, properties: {isolation.level: "
        + "read_uncommitted}}}\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleConfig.load(yaml, data, Map.of()))
        .getMessage().contains("isolation.level is set by the console"));
    Files.writeString(yaml, "live: {staus: x}\n");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ConsoleConfig.load(yaml, data, Map.of()))
        .getMessage().startsWith("console.yaml: live: unknown key 'staus'"));
  }
}
