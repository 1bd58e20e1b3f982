package dev.tracklight.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON API on a random port with the embedded H2 store ({@link PostgresConsoleApiTest} runs the
 * same tests on PostgreSQL), the local executor running {@link ScriptedReplay} processes.
 */
class ConsoleApiTest {

  static final Path VIDEO = Path.of(System.getenv("TRACKLIGHT_ASSETS"), "videos/bottles_hands_360p.mp4");

  @TempDir
  Path data;
  ConsoleServer server;
  ConsoleClient client;

  /** The store under test: the embedded default here. */
  ConsoleConfig config(Path dataDir) {
    return ConsoleConfig.defaults(dataDir).withPort(0);
  }

  ConsoleServer start(long stepMs) throws Exception {
    ConsoleServer s = ConsoleServer.start(config(data), new LocalExecutor(ScriptedReplay.launcher(stepMs), 1),
        Clock.systemUTC());
    client = new ConsoleClient(s.port());
    return s;
  }

  @BeforeEach
  void up() throws Exception {
    server = start(50);
  }

  @AfterEach
  void down() {
    if (server != null) {
      server.close();
    }
  }

  JsonNode awaitStatus(String id, String status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonNode j = null;
    while (System.nanoTime() < deadline) {
      j = ConsoleClient.json(client.get("/api/jobs/" + id));
      if (j.path("status").asText().equals(status)) {
        return j;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + id + " never reached " + status + ": " + j);
  }

  @Test
  void uploadRunsToDoneThroughSseAndFilesServeRanges() throws Exception {
    byte[] video = Files.readAllBytes(VIDEO);
    HttpResponse<String> r = client.upload("bottles.mp4", video, Map.of());
    assertEquals(201, r.statusCode(), r.body());
    JsonNode created = ConsoleClient.json(r);
    String id = created.path("id").asText();
    assertEquals("queued", created.path("status").asText());
    BlockingQueue<String> events = client.events("/api/jobs/" + id + "/events");
    String last = null;
    boolean sawRunning = false;
    for (String e; (e = events.poll(60, TimeUnit.SECONDS)) != null; ) {
      JsonNode j = ConsoleClient.JSON.readTree(e);
      sawRunning |= j.path("status").asText().equals("running");
      last = j.path("status").asText();
      if (last.equals("done") || last.equals("failed")) {
        break;
      }
    }
    assertEquals("done", last, "the job's SSE stream ends with done");
    assertTrue(sawRunning, "the stream reported it running first");
    JsonNode job = ConsoleClient.json(client.get("/api/jobs/" + id));
    assertEquals(100.0, job.path("progress").asDouble());
    String url = job.path("files").path("annotated.mp4").asText();
    assertTrue(url.startsWith("/api/jobs/" + id + "/files/annotated.mp4?exp="), url);
    assertTrue(job.path("files").has("clips/highlight-001.txt"), job.toString());
    HttpResponse<byte[]> part = client.getBytes(url, "bytes=1000-1999");
    assertEquals(206, part.statusCode());
    assertEquals("video/mp4", part.headers().firstValue("Content-Type").orElse(""));
    assertEquals("bytes 1000-1999/" + video.length, part.headers().firstValue("Content-Range").orElse(""));
    assertArrayEquals(Arrays.copyOfRange(video, 1000, 2000), part.body());
    HttpResponse<byte[]> whole = client.getBytes("/api/jobs/" + id + "/files/annotated.mp4", null);
    assertEquals(200, whole.statusCode());
    assertArrayEquals(video, whole.body());
  }

  @Test
  void aTextFileIsRejectedAndNothingIsStoredOrQueued() throws Exception {
    HttpResponse<String> r = client.upload("notes.mp4", "just some notes, not a video\n".repeat(40).getBytes(), Map.of());
    assertEquals(415, r.statusCode());
    assertTrue(ConsoleClient.json(r).path("error").asText().startsWith("not a video: notes.mp4"), r.body());
    assertEquals(0, ConsoleClient.json(client.get("/api/jobs")).path("jobs").size());
    assertFalse(Files.exists(data.resolve("uploads")) && Files.list(data.resolve("uploads")).findAny().isPresent());
    try (Stream<Path> tmp = Files.list(data.resolve("tmp"))) {
      assertEquals(List.of(), tmp.toList(), "the multipart temp file is gone too");
    }
  }

  @Test
  void aFailedReplayReportsItsReasonAndCanBeRetried() throws Exception {
    String id = ConsoleClient.json(client.upload("will-fail.mp4", Files.readAllBytes(VIDEO), Map.of())).path("id").asText();
    JsonNode failed = awaitStatus(id, "failed");
    assertEquals("the decoder gave up at frame 12", failed.path("error").asText());
    assertEquals(0, failed.path("files").size());
    HttpResponse<String> retry = client.post("/api/jobs/" + id + "/retry", "");
    assertEquals(201, retry.statusCode(), retry.body());
    String again = ConsoleClient.json(retry).path("id").asText();
    assertFalse(again.equals(id));
    assertEquals("the decoder gave up at frame 12", awaitStatus(again, "failed").path("error").asText());
  }

  @Test
  void theBlurOptionReachesTheReplay() throws Exception {
    HttpResponse<String> r = client.upload("b.mp4", Files.readAllBytes(VIDEO), Map.of("blur", "person"));
    String id = ConsoleClient.json(r).path("id").asText();
    JsonNode job = awaitStatus(id, "done");
    assertEquals("[\"person\"]", job.path("blur").toString());
    assertEquals("person", client.get(job.path("files").path("blur.txt").asText()).body());
    assertEquals(400, client.upload("b.mp4", Files.readAllBytes(VIDEO), Map.of("blur", "person;rm -rf")).statusCode());
  }

  @Test
  void listIsNewestFirstAndPaginated() throws Exception {
    byte[] v = Files.readAllBytes(VIDEO);
    String[] ids = new String[3];
    for (int i = 0; i < 3; i++) {
      ids[i] = ConsoleClient.json(client.upload("v" + i + ".mp4", v, Map.of())).path("id").asText();
      Thread.sleep(20); // distinct creation times
    }
    JsonNode page1 = ConsoleClient.json(client.get("/api/jobs?limit=2"));
    JsonNode page2 = ConsoleClient.json(client.get("/api/jobs?limit=2&offset=2"));
    assertEquals(ids[2], page1.path("jobs").get(0).path("id").asText());
    assertEquals(ids[1], page1.path("jobs").get(1).path("id").asText());
    assertEquals(1, page2.path("jobs").size());
    assertEquals(ids[0], page2.path("jobs").get(0).path("id").asText());
    assertEquals(400, client.get("/api/jobs?limit=0").statusCode());
  }

  @Test
  void cancelStopsTheReplayAndDeleteRemovesEverything() throws Exception {
    server.close();
    server = start(2000); // slow steps: the job is still running when cancelled
    String id = ConsoleClient.json(client.upload("slow.mp4", Files.readAllBytes(VIDEO), Map.of())).path("id").asText();
    awaitStatus(id, "running");
    HttpResponse<String> c = client.post("/api/jobs/" + id + "/cancel", "");
    assertEquals(200, c.statusCode(), c.body());
    JsonNode j = awaitStatus(id, "failed");
    assertEquals("cancelled", j.path("error").asText());
    assertEquals(409, client.post("/api/jobs/" + id + "/cancel", "").statusCode());
    assertEquals(204, client.delete("/api/jobs/" + id).statusCode());
    assertEquals(404, client.get("/api/jobs/" + id).statusCode());
    assertFalse(Files.exists(data.resolve("uploads").resolve(id)));
  }

  @Test
  void fileNamesCannotLeaveTheJobsDirectory() throws Exception {
    String id = ConsoleClient.json(client.upload("b.mp4", Files.readAllBytes(VIDEO), Map.of())).path("id").asText();
    awaitStatus(id, "done");
    for (String name : List.of("..%2F..%2F..%2Flink-secret", "%2E%2E/%2E%2E/link-secret", "clips/..%2F..%2Fb.mp4",
        "%2Fetc%2Fpasswd")) {
      assertEquals(404, client.getBytes("/api/jobs/" + id + "/files/" + name, null).statusCode(), name);
    }
    Path root = data.resolve("results/x/b");
    assertEquals(null, JobRoutes.resolveInside(root, "../../link-secret"));
    assertEquals(null, JobRoutes.resolveInside(root, "/etc/passwd"));
    assertEquals(null, JobRoutes.resolveInside(root, "clips/../../x"));
    assertEquals(root.resolve("clips/a.mp4"), JobRoutes.resolveInside(root, "clips/a.mp4"));
    assertEquals("passwd", JobRoutes.displayName("../../etc/passwd"));
    assertEquals("video.bashrc", JobRoutes.displayName(".bashrc"));
  }

  @Test
  void headersHostCheckAndCsrf() throws Exception {
    HttpResponse<String> page = client.get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"));
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
    // A browser page from another origin may not change anything without the token.
    HttpResponse<String> cross = client.http.send(client.request("/api/jobs/x/retry").header("Origin", "http://evil.example")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, cross.statusCode());
    String csrf = ConsoleClient.json(client.get("/api/session")).path("csrf").asText();
    HttpResponse<String> same = client.http.send(client.request("/api/jobs/x/retry").header("Origin", client.base)
        .header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, same.statusCode(), "past CSRF; the job does not exist");
  }

  @Test
  void openApiDocumentDescribesTheApi() throws Exception {
    HttpResponse<String> r = client.get("/api/openapi.json");
    assertEquals(200, r.statusCode());
    JsonNode doc = ConsoleClient.json(r);
    assertTrue(doc.path("openapi").asText().startsWith("3."));
    for (String p : List.of("/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/files/{name}", "/api/jobs/{id}/events",
        "/api/alerts/events", "/api/rulesets", "/api/rulesets/{id}")) {
      assertNotNull(doc.path("paths").get(p), p);
    }
  }

  @Test
  void aRestartFailsTheRunningJobAndRunsTheQueuedOne() throws Exception {
    server.close();
    server = start(3000);
    byte[] v = Files.readAllBytes(VIDEO);
    String running = ConsoleClient.json(client.upload("long.mp4", v, Map.of())).path("id").asText();
    awaitStatus(running, "running");
    String queued = ConsoleClient.json(client.upload("next.mp4", v, Map.of())).path("id").asText();
    // As if the console had been killed: the store still says running and queued.
    try (JobStore store = storeOf(data)) {
      Instant now = Instant.now();
      server.close();
      store.update(running, JobStatus.RUNNING, 0.25, Optional.empty(), now);
      store.update(queued, JobStatus.QUEUED, 0, Optional.empty(), now);
    }
    server = start(20);
    JsonNode r = awaitStatus(running, "failed");
    assertEquals("the console stopped while the job ran; retry it", r.path("error").asText());
    awaitStatus(queued, "done");
  }

  @Test
  void ruleSetsAreSavedListedPickedAndDeleted() throws Exception {
    String rules = "rules:\n  - {type: appearance, name: dog, classes: [dog]}\n";
    HttpResponse<String> saved = client.http.send(client.request("/api/rulesets")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(ConsoleClient.JSON.writeValueAsString(Map.of("name", "dogs", "rules", rules))))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(201, saved.statusCode(), saved.body());
    String id = ConsoleClient.json(saved).path("id").asText();
    assertEquals(409, client.post("/api/rulesets", "name=dogs&rules=" + java.net.URLEncoder.encode(rules,
        java.nio.charset.StandardCharsets.UTF_8)).statusCode(), "a name is unique per user");
    HttpResponse<String> bad = client.post("/api/rulesets", "name=broken&rules=rules%3A%20%5B");
    assertEquals(400, bad.statusCode());
    assertTrue(ConsoleClient.json(bad).path("error").asText().startsWith("rules: not valid YAML"), bad.body());
    JsonNode list = ConsoleClient.json(client.get("/api/rulesets"));
    assertEquals(1, list.path("rulesets").size());
    assertEquals(rules, list.path("rulesets").get(0).path("rules").asText());
    // A job picks it by id: its rules are the set's.
    String job = ConsoleClient.json(client.upload("b.mp4", Files.readAllBytes(VIDEO), Map.of("ruleset", id))).path("id").asText();
    assertEquals(Optional.of(rules), JobOptions.fromJson(server.jobs().get(job).orElseThrow().options()).rules());
    assertEquals(400, client.upload("b.mp4", Files.readAllBytes(VIDEO), Map.of("ruleset", "no-such-id")).statusCode());
    assertEquals(400, client.upload("b.mp4", Files.readAllBytes(VIDEO), Map.of("executor", "batch")).statusCode(),
        "batch is not configured here");
    assertEquals(204, client.delete("/api/rulesets/" + id).statusCode());
    assertEquals(404, client.delete("/api/rulesets/" + id).statusCode());
    assertEquals(0, ConsoleClient.json(client.get("/api/rulesets")).path("rulesets").size());
  }

  /** A second handle on the store under test. */
  JobStore storeOf(Path dataDir) {
    return config(dataDir).store().map(s -> JobStore.open(s.url(), s.user(), s.password()))
        .orElseGet(() -> JobStore.embedded(dataDir));
  }
}
