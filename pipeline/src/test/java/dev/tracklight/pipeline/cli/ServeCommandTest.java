package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.LocalExecutor;
import dev.tracklight.inference.TestAssets;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklight serve}: the console running the real replay (a new JVM on this class path,
 * as from the jar) for an uploaded video, followed through SSE to its outputs; and the command's
 * bad input.
 */
class ServeCommandTest {

  @TempDir
  Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anUploadedVideoIsReplayedAndItsOutputsServed() throws Exception {
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    try (ConsoleServer server = ConsoleServer.start(ConsoleConfig.defaults(tmp).withPort(0),
        new LocalExecutor(ServeCommand.replayLauncher(), 1), Clock.systemUTC())) {
      String base = "http://127.0.0.1:" + server.port();
      HttpClient http = HttpClient.newHttpClient();
      String boundary = "----tl" + System.nanoTime();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"video\"; filename=\"dog.mp4\"\r\n"
          + "Content-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.writeBytes(Files.readAllBytes(video));
      body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs"))
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, created.statusCode(), created.body());
      String id = JSON.readTree(created.body()).get("id").asText();

      BlockingQueue<String> events = new LinkedBlockingQueue<>();
      http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/api/jobs/" + id + "/events"))
          .header("Accept", "text/event-stream").build(), // what EventSource sends; Javalin answers SSE only then
          HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().filter(l -> l.startsWith("data:"))
              .forEach(l -> events.add(l.substring(5).strip())));
      JsonNode job = null;
      boolean partial = false;
      for (String e; (e = events.poll(150, TimeUnit.SECONDS)) != null; ) {
        job = JSON.readTree(e);
        if (job.get("status").asText().equals("running")) {
          double p = job.get("progress").asDouble();
          partial |= p > 0 && p < 100;
        }
        if (job.get("status").asText().matches("done|failed")) {
          break;
        }
      }
      assertEquals("done", job.get("status").asText(), job.toString());
      assertTrue(partial, "progress between 0 and 100 % reported while running");
      JsonNode files = job.get("files");
      for (String f : List.of("annotated.mp4", "tracks.jsonl", "tracks.mot.txt", "highlights.json", "highlights.vtt",
          "summary.json")) {
        assertTrue(files.has(f), f + " in " + files);
      }
      HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(base + files.get("annotated.mp4").asText()))
          .header("Range", "bytes=0-11").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(206, range.statusCode());
      assertEquals("ftyp", new String(range.body(), 4, 4, StandardCharsets.ISO_8859_1), "an MP4 it wrote");
      HttpResponse<String> summary = http.send(HttpRequest.newBuilder(URI.create(base + files.get("summary.json").asText()))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode s = JSON.readTree(summary.body());
      assertTrue(s.get("complete").asBoolean(), summary.body());
      assertEquals(816, s.get("frames").asLong());
    }
  }

  @Test
  void anotherBindAddressWithoutUsersIsRefused() {
    CliRun run = CliRun.of("serve", "--host", "0.0.0.0", "--port", "0", "--data", tmp.toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("requires users"), run.err());
  }

  @Test
  void newTokenPrintsTheTokenAndItsHashLine() {
    CliRun run = CliRun.of("serve", "--new-token");
    assertEquals(0, run.exitCode(), run.err());
    String token = run.out().lines().findFirst().orElseThrow().replaceFirst(".*: ", "");
    assertTrue(run.out().contains("sha256:" + dev.tracklight.console.Auth.sha256(token)), run.out());
  }
}
