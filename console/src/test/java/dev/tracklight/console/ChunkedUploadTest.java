package dev.tracklight.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumable uploads over real HTTP on a random port ({@link ConsoleApiTest}'s set-up: the local
 * executor running {@link ScriptedReplay}, which copies its input to {@code annotated.mp4}, so a
 * job's output bytes are the uploaded bytes), and the expiry sweep on an injected clock.
 */
class ChunkedUploadTest {

  static final Path VIDEO = Path.of(System.getenv("TRACKLIGHT_ASSETS"), "videos/dog_german_shepherd_sniffing_360p.mp4");
  static final int CHUNK = 1 << 20;

  @TempDir
  Path data;
  final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T03:00:00Z"));
  ConsoleServer server;
  ConsoleClient client;
  ChunkedUploader uploads;

  ConsoleServer start(ConsoleConfig config) throws Exception {
    server = ConsoleServer.start(config, new LocalExecutor(ScriptedReplay.launcher(10), 1), clock);
    client = new ConsoleClient(server.port());
    uploads = new ChunkedUploader(client);
    return server;
  }

  ConsoleServer start() throws Exception {
    return start(ConsoleConfig.defaults(data).withPort(0));
  }

  @AfterEach
  void down() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anUploadCutOffMidChunkResumesFromTheServersOffsetAndRunsAsAJob() throws Exception {
    start();
    long size = Files.size(VIDEO);
    byte[] video = Files.readAllBytes(VIDEO);
    HttpResponse<String> created = uploads.create("../../uploads/dog sniffing.mp4", size); // no directories kept
    assertEquals(201, created.statusCode(), created.body());
    String id = ConsoleClient.json(created).path("id").asText();
    assertEquals(0, ConsoleClient.json(created).path("offset").asLong());
    assertEquals(200, uploads.put(id, VIDEO, 0, CHUNK - 1, size).statusCode());

    // The second chunk: headers for a whole MiB, 600,000 bytes of it, then the connection is closed.
    int sent = 600_000;
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream o = s.getOutputStream();
      o.write(("PUT /api/uploads/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + CHUNK
          + "\r\nContent-Range: bytes " + CHUNK + "-" + (2 * CHUNK - 1) + "/" + size + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      o.write(video, CHUNK, sent);
      o.flush();
    }
    long offset = settledOffset(id);
    assertTrue(offset > CHUNK && offset <= CHUNK + sent, "the bytes that arrived are kept: " + offset);

    // A chunk that does not start at the offset: 409 with the offset, nothing written.
    HttpResponse<String> wrong = uploads.put(id, VIDEO, CHUNK, 2L * CHUNK - 1, size);
    assertEquals(409, wrong.statusCode(), wrong.body());
    assertEquals(offset, ConsoleClient.json(wrong).path("offset").asLong());
    assertEquals(String.valueOf(offset), wrong.headers().firstValue("Upload-Offset").orElse(""));
    HttpResponse<String> head = client.http.send(client.request("/api/uploads/" + id)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(String.valueOf(offset), head.headers().firstValue("Upload-Offset").orElse(""));

    JsonNode done = uploads.finish(id, VIDEO, size, CHUNK);
    assertTrue(done.path("complete").asBoolean());
    HttpResponse<String> job = client.post("/api/jobs", "upload=" + id + "&blur=person");
    assertEquals(201, job.statusCode(), job.body());
    String jobId = ConsoleClient.json(job).path("id").asText();
    assertEquals("dog sniffing.mp4", ConsoleClient.json(job).path("video").asText());
    assertEquals(List.of(), uploadFiles(), "the upload was moved into the job, nothing left in tmp/");
    assertEquals(404, client.get("/api/uploads/" + id).statusCode(), "a used upload is gone");
    assertEquals(List.of(data.resolve("uploads").resolve(jobId).resolve("dog sniffing.mp4")),
        Files.list(data.resolve("uploads").resolve(jobId)).toList());

    JsonNode finished = awaitDone(jobId);
    HttpResponse<byte[]> out = client.getBytes(finished.path("files").path("annotated.mp4").asText(), null);
    assertEquals(sha256(video), sha256(out.body()), "the job ran on exactly the uploaded bytes");
  }

  @Test
  void uploadsBelongToTheirUserAndNeedTheCsrfTokenFromABrowser() throws Exception {
    List<ConsoleConfig.User> users = List.of(
        new ConsoleConfig.User("alice", Optional.empty(), List.of("sha256:" + Auth.sha256(ConsoleSecurityTest.ALICE_TOKEN))),
        new ConsoleConfig.User("bob", Optional.empty(), List.of("sha256:" + Auth.sha256(ConsoleSecurityTest.BOB_TOKEN))));
    start(ConsoleConfig.defaults(data).withPort(0).withUsers(users));
    client.headers.put("Authorization", "Bearer " + ConsoleSecurityTest.ALICE_TOKEN);
    ConsoleClient bob = new ConsoleClient(server.port());
    bob.headers.put("Authorization", "Bearer " + ConsoleSecurityTest.BOB_TOKEN);
    long size = Files.size(VIDEO);
    String id = ConsoleClient.json(uploads.create("a.mp4", size)).path("id").asText();
    assertEquals(200, uploads.put(id, VIDEO, 0, 999, size).statusCode());

    assertEquals(404, bob.get("/api/uploads/" + id).statusCode());
    assertEquals(404, client.get("/api/uploads/..%2Fjobs.mv.db").statusCode(), "an id is never a path");
    assertEquals(404, new ChunkedUploader(bob).put(id, VIDEO, 1000, 1999, size).statusCode());
    assertEquals(404, bob.delete("/api/uploads/" + id).statusCode());
    HttpResponse<String> job = bob.post("/api/jobs", "upload=" + id);
    assertEquals(404, job.statusCode(), job.body());
    assertEquals(1000, uploads.offset(id), "alice's upload untouched");
    assertEquals(0, ConsoleClient.json(bob.get("/api/jobs")).path("jobs").size());

    // Unfinished: not a job yet.
    HttpResponse<String> early = client.post("/api/jobs", "upload=" + id);
    assertEquals(409, early.statusCode(), early.body());

    // No user at all: nothing to see.
    assertEquals(401, new ConsoleClient(server.port()).get("/api/uploads/" + id).statusCode());
    assertEquals(204, client.delete("/api/uploads/" + id).statusCode());
    assertEquals(List.of(), uploadFiles());
  }

  @Test
  void aBrowserRequestWithoutTheCsrfTokenIsRefused() throws Exception {
    start();
    client.headers.put("Origin", client.base);
    HttpResponse<String> r = uploads.create("x.mp4", 10);
    assertEquals(403, r.statusCode(), r.body());
    client.headers.put("X-CSRF-Token", ConsoleClient.json(client.get("/api/session")).path("csrf").asText());
    assertEquals(201, uploads.create("x.mp4", 10).statusCode());
  }

  @Test
  void theOpenApiDocumentDescribesTheUploadApi() throws Exception {
    start();
    JsonNode paths = ConsoleClient.json(client.get("/api/openapi.json")).path("paths");
    assertTrue(paths.path("/api/uploads").has("post"), paths.toString());
    for (String m : List.of("put", "get", "head", "delete")) {
      assertTrue(paths.path("/api/uploads/{id}").has(m), m);
    }
    assertTrue(paths.path("/api/uploads/{id}").path("put").path("responses").has("409"));
    assertTrue(paths.path("/api/jobs").path("post").path("requestBody").path("content").path("multipart/form-data")
        .path("schema").path("properties").has("upload"));
  }

  @Test
  void overSizeDeclaredOrSentIsRefusedAndNothingIsLeft() throws Exception {
    start(ConsoleConfig.defaults(data).withPort(0).withMaxUploadBytes(600_000));
    HttpResponse<String> big = uploads.create("big.mp4", 600_001);
    assertEquals(413, big.statusCode(), big.body());
    assertTrue(ConsoleClient.json(big).path("error").asText().startsWith("upload too large"), big.body());
    assertEquals(List.of(), uploadFiles());
    for (String bad : List.of("{", "{\"name\": \"a.mp4\", \"size\": \"lots\"}", "{\"size\": 10}",
        "{\"name\": \"a.mp4\", \"size\": 0}")) {
      HttpResponse<String> r = client.http.send(client.request("/api/uploads").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(bad)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(400, r.statusCode(), bad + " -> " + r.body());
    }
    assertEquals(List.of(), uploadFiles());

    // A chunk past the declared size: refused before a byte is written, and the upload discarded.
    String id = ConsoleClient.json(uploads.create("a.mp4", 504_961)).path("id").asText();
    HttpResponse<String> past = client.http.send(client.request("/api/uploads/" + id)
        .header("Content-Range", "bytes 0-999/504962").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1000]))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, past.statusCode(), "total is not the declared size: " + past.body());
    past = client.http.send(client.request("/api/uploads/" + id).header("Content-Range", "bytes 0-504961/504961")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1000])).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(416, past.statusCode(), past.body());
    assertEquals(List.of(), uploadFiles());
    assertEquals(404, client.get("/api/uploads/" + id).statusCode());

    // A body without Content-Length that runs on past its range: discarded too.
    byte[] video = Files.readAllBytes(ConsoleApiTest.VIDEO);
    String id2 = ConsoleClient.json(uploads.create("b.mp4", video.length)).path("id").asText();
    HttpResponse<String> longer = client.http.send(client.request("/api/uploads/" + id2)
        .header("Content-Range", "bytes 0-99999/" + video.length)
        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(video, 0, 200_000))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(400, longer.statusCode(), longer.body());
    assertEquals(List.of(), uploadFiles());
  }

  @Test
  void aNonVideoIsRefusedWithTheSniffersMessageAndNothingIsLeftOrQueued() throws Exception {
    start();
    Path notes = Files.writeString(data.resolve("notes.txt"), "just some notes, not a video\n".repeat(40));
    long size = Files.size(notes);
    String id = ConsoleClient.json(uploads.create("notes.mp4", size)).path("id").asText();
    assertEquals(200, uploads.put(id, notes, 0, 499, size).statusCode(), "not enough to tell yet");
    HttpResponse<String> last = uploads.put(id, notes, 500, size - 1, size);
    assertEquals(415, last.statusCode(), last.body());
    assertEquals("not a video: notes.mp4 is not an MP4, MOV, WebM/MKV, AVI, MPEG-TS or FLV file",
        ConsoleClient.json(last).path("error").asText());
    assertEquals(List.of(), uploadFiles());
    assertEquals(404, client.post("/api/jobs", "upload=" + id).statusCode());
    assertEquals(0, ConsoleClient.json(client.get("/api/jobs")).path("jobs").size());
    assertFalse(Files.exists(data.resolve("uploads")), "no job directory was made");
  }

  @Test
  void aRestartKeepsAPartialUploadResumableAndExpiredOnesAreSweptAtStart() throws Exception {
    start();
    long size = Files.size(VIDEO);
    String kept = ConsoleClient.json(uploads.create("kept.mp4", size)).path("id").asText();
    assertEquals(200, uploads.put(kept, VIDEO, 0, CHUNK - 1, size).statusCode());
    String abandoned = ConsoleClient.json(uploads.create("abandoned.mp4", size)).path("id").asText();
    assertEquals(200, uploads.put(abandoned, VIDEO, 0, 999, size).statusCode());
    server.close();

    clock.advance(Duration.ofHours(23));
    start();
    assertEquals(CHUNK, uploads.offset(kept), "resumable after a restart");
    assertEquals(200, uploads.put(kept, VIDEO, CHUNK, 2L * CHUNK - 1, size).statusCode());
    assertEquals(1000, uploads.offset(abandoned));
    server.close();

    // 25 h after the abandoned one's last byte, 2 h after the kept one's: only the first goes.
    clock.advance(Duration.ofHours(2));
    Files.writeString(data.resolve("tmp").resolve("upload-00000000-0000-0000-0000-000000000000.part"), "stray");
    start();
    assertEquals(404, client.get("/api/uploads/" + abandoned).statusCode());
    assertEquals(2L * CHUNK, uploads.offset(kept));
    assertEquals(List.of("upload-" + kept + ".json", "upload-" + kept + ".part"), uploadFiles());
    assertTrue(uploads.finish(kept, VIDEO, size, CHUNK).path("complete").asBoolean());
    assertEquals(201, client.post("/api/jobs", "upload=" + kept).statusCode());
  }

  @Test
  void theSweepRemovesUploadsIdleLongerThanTheTtl() throws Exception {
    UploadStore store = new UploadStore(data.resolve("tmp"), 1 << 20, Duration.ofHours(24), clock);
    Upload idle = store.create("local", "idle.mp4", 2000);
    Upload busy = store.create("local", "busy.mp4", 2000);
    byte[] head = Arrays.copyOf(Files.readAllBytes(VIDEO), 1000);
    store.append("local", idle.id(), new ContentRange(0, 999, 2000), 1000, new ByteArrayInputStream(head));
    clock.advance(Duration.ofHours(20));
    store.append("local", busy.id(), new ContentRange(0, 999, 2000), 1000, new ByteArrayInputStream(head));
    clock.advance(Duration.ofHours(4).plusSeconds(1));
    assertEquals(1, store.sweep());
    assertTrue(store.get("local", idle.id()).isEmpty());
    assertEquals(1000, store.get("local", busy.id()).orElseThrow().offset());
    clock.advance(Duration.ofHours(20));
    assertEquals(1, store.sweep());
    assertEquals(List.of(), uploadFiles());
  }

  List<String> uploadFiles() throws Exception {
    try (Stream<Path> s = Files.list(data.resolve("tmp"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("upload-")).sorted().toList();
    }
  }

  /** The offset once the server has noticed the cut connection (two equal answers 300 ms apart). */
  long settledOffset(String id) throws Exception {
    long last = -1;
    for (int i = 0; i < 100; i++) {
      long now = uploads.offset(id);
      if (now == last && now > CHUNK) {
        return now;
      }
      last = now;
      Thread.sleep(300);
    }
    return last;
  }

  JsonNode awaitDone(String id) throws Exception {
    for (int i = 0; i < 600; i++) {
      JsonNode j = ConsoleClient.json(client.get("/api/jobs/" + id));
      if (j.path("status").asText().equals("done") || j.path("status").asText().equals("failed")) {
        assertEquals("done", j.path("status").asText(), j.toString());
        return j;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + id + " did not finish");
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
