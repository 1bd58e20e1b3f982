package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.live.CameraHealth;
import dev.tracklight.connectors.live.CameraState;
import dev.tracklight.connectors.live.LiveStatusBoard;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run}'s status file for the console, written from the same {@link LiveStatusBoard} the live
 * job's operators feed, with an injected clock: figures per camera, no camera secret in it even
 * when an error text quotes one raw, atomic replacement under a concurrent reader, {@code stopped}
 * on stop, {@code run}'s refusal of an S3 status file; and a real {@code run} (child JVM, a camera
 * that refuses connections) seen through the console's {@code /api/live/cameras}, then stopped
 * by SIGTERM.
 */
class RunStatusFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOBBY_URL = "rtsp://viewer:s3cr%40tPass@10.0.0.7:554/stream1?token=tok-99";
  private static final String GATE_URL = "rtsp://admin:hunter2word@10.0.0.8/live";

  @TempDir
  Path tmp;
  private final ManualClock clock = new ManualClock(Instant.ofEpochMilli(1_765_000_000_000L));

  @BeforeEach
  @AfterEach
  void clearBoard() {
    LiveStatusBoard.clear();
  }

  private RunStatusFile file(Path p) {
    return new RunStatusFile(p, "cameras.yaml", List.of("lobby", "gate", "yard"), List.of(LOBBY_URL, GATE_URL,
        "kvs://yard-stream"), clock, LiveStatusBoard::snapshot);
  }

  @Test
  void camerasWithStateFpsLagReconnectsAndNoSecretInTheFile() throws Exception {
    Path p = tmp.resolve("out/status.json");
    RunStatusFile status = file(p);
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.STREAMING, 1, null, 0));
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.RECONNECTING, 1, "stream ended", 0));
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.STREAMING, 2, null, 0));
    for (int i = 0; i < 25; i++) {
      LiveStatusBoard.frameTracked("lobby", 180, 3);
    }
    LiveStatusBoard.alert("lobby");
    // Error texts as an unredacted FFmpeg message would quote them: the whole URL, the bare
    // password, its percent-decoded form, a token in a query, and a URL no camera is configured with.
    LiveStatusBoard.health(new CameraHealth("gate", CameraState.RECONNECTING, 3,
        "avformat_open_input() error -111: Could not open input \"" + GATE_URL + "\"; login hunter2word refused;"
            + " also rtsp://other:zzTopSecret@1.2.3.4/x?password=pw77&x=1", 0));
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.STREAMING, 2,
        "earlier: " + LOBBY_URL + " s3cr@tPass tok-99", 0));
    clock.advance(java.time.Duration.ofMillis(5_000));
    status.write();

    String text = Files.readString(p);
    for (String secret : List.of("s3cr%40tPass", "s3cr@tPass", "tok-99", "hunter2word", "zzTopSecret", "pw77")) {
      assertFalse(text.contains(secret), secret + " leaked into " + text);
    }
    JsonNode root = JSON.readTree(text);
    assertEquals(RunStatusFile.SCHEMA, root.get("schema").asText());
    assertEquals("running", root.get("state").asText());
    assertEquals(clock.millis(), root.get("written_ms").asLong());
    assertEquals(clock.millis() - 5_000, root.get("started_ms").asLong());
    JsonNode lobby = root.get("cameras").get(0);
    assertEquals("lobby", lobby.get("id").asText());
    assertEquals("STREAMING", lobby.get("state").asText());
    assertEquals(5.0, lobby.get("fps").asDouble(), 1e-9, "25 frames in 5 s");
    assertEquals(180, lobby.get("lag_ms").asLong());
    assertEquals(2, lobby.get("connections").asLong());
    assertEquals(1, lobby.get("reconnects").asLong());
    assertEquals(1, lobby.get("alerts").asLong());
    JsonNode gate = root.get("cameras").get(1);
    assertEquals("RECONNECTING", gate.get("state").asText());
    assertEquals(-1, gate.get("lag_ms").asLong());
    assertEquals(0, gate.get("reconnects").asLong());
    assertTrue(gate.get("last_error").asText().contains("10.0.0.8"), "the host stays: " + gate);
    assertTrue(gate.get("last_error").asText().contains("admin:***@"), gate.toString());
    JsonNode yard = root.get("cameras").get(2);
    assertEquals("CONNECTING", yard.get("state").asText(), "a camera no operator reported yet");
    assertTrue(yard.get("last_error").isNull());

    // The next interval's rate is over that interval only.
    for (int i = 0; i < 20; i++) {
      LiveStatusBoard.frameTracked("lobby", 90, 1);
    }
    clock.advance(java.time.Duration.ofMillis(2_000));
    status.write();
    assertEquals(10.0, JSON.readTree(p.toFile()).get("cameras").get(0).get("fps").asDouble(), 1e-9);

    status.stop();
    clock.advance(java.time.Duration.ofMillis(1_000));
    status.write(); // the scheduler's late tick must not turn a stopped run back into a running one
    JsonNode last = JSON.readTree(p.toFile());
    assertEquals("stopped", last.get("state").asText());
    assertEquals(clock.millis() - 1_000, last.get("written_ms").asLong());
  }

  @Test
  void aReaderNeverSeesAHalfWrittenFile() throws Exception {
    Path p = tmp.resolve("status.json");
    RunStatusFile status = file(p);
    for (int i = 0; i < 64; i++) {
      LiveStatusBoard.health(new CameraHealth("cam-" + i, CameraState.RECONNECTING, 1, "x".repeat(2000), 0));
    }
    status.write();
    AtomicBoolean done = new AtomicBoolean();
    List<String> bad = new ArrayList<>();
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        try {
          JSON.readTree(Files.readAllBytes(p));
        } catch (Exception e) {
          bad.add(e.toString());
        }
      }
    });
    reader.start();
    for (int i = 0; i < 300; i++) {
      clock.advance(java.time.Duration.ofMillis(1000));
      status.write();
    }
    done.set(true);
    reader.join();
    assertEquals(List.of(), bad);
    try (var files = Files.list(tmp)) {
      assertEquals(List.of(p), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void aRealRunWritesItsCamerasForTheConsoleAndStoppedOnSigterm() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort(); // nothing listens here afterwards: the camera refuses connections
    }
    Path yaml = Files.writeString(tmp.resolve("cameras.yaml"), """
        cameras:
          - {id: door, url: 'rtsp://viewer:Door-Pw-42@127.0.0.1:%d/stream1'}
        model: {name: yolox-nano, device: cpu}
        checkpointing: {interval_ms: 0}
        """.formatted(closed));
    Path log = tmp.resolve("run.log");
    Path status = tmp.resolve("status.json");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dlog4j2.configurationFile=log4j2.properties", "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), TracklightMain.class.getName(), "run", "--config", yaml.toString());
    Process run = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    var live = new dev.tracklight.console.LiveSettings(java.util.Optional.of(status), java.time.Duration.ofSeconds(5),
        java.util.Optional.empty());
    try (dev.tracklight.console.ConsoleServer console = dev.tracklight.console.ConsoleServer.start(
        dev.tracklight.console.ConsoleConfig.defaults(tmp.resolve("console")).withPort(0).withLive(live),
        new dev.tracklight.console.LocalExecutor(ServeCommand.replayLauncher(), 1), Clock.systemUTC())) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
          "http://127.0.0.1:" + console.port() + "/api/live/cameras")).build();
      JsonNode view = null;
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline && run.isAlive()) {
        view = JSON.readTree(http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        JsonNode door = view.path("cameras").path(0);
        if (view.path("run").asText().equals("running") && door.path("state").asText().equals("RECONNECTING")
            && door.path("last_error").isTextual()) {
          break;
        }
        Thread.sleep(300);
      }
      assertTrue(run.isAlive(), "run ended by itself:\n" + Files.readString(log));
      JsonNode door = view.path("cameras").path(0);
      assertEquals("door", door.path("id").asText(), view.toString());
      assertEquals("RECONNECTING", door.path("state").asText(), view + "\n" + Files.readString(log));
      assertTrue(door.path("last_error").isTextual(), view.toString());
      assertFalse(Files.readString(status).contains("Door-Pw-42"), Files.readString(status));
      assertFalse(view.toString().contains("Door-Pw-42"), view.toString());

      run.destroy(); // SIGTERM, as a service manager stops it
      assertTrue(run.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "run did not stop:\n" + Files.readString(log));
      JsonNode stopped = JSON.readTree(http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      assertEquals("stopped", stopped.path("run").asText(), stopped + "\n" + Files.readString(log));
    } finally {
      run.destroyForcibly();
      run.waitFor();
    }
  }

  @Test
  void anS3StatusFileIsOneErrorLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TracklightMain.execute(new String[] {"run", "--config", "cameras.yaml", "--status-file",
        "s3://bucket/status.json"}, new java.io.PrintWriter(out), new java.io.PrintWriter(err));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("--status-file: s3://bucket/status.json"), err.toString());
  }
}
