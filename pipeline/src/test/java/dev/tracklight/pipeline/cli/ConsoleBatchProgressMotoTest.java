package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.JobExecutor;
import dev.tracklight.console.LocalExecutor;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.pipeline.batch.BatchPlan;
import dev.tracklight.pipeline.batch.ProgressPublisher;
import dev.tracklight.pipeline.batch.WorkerProgress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A console Batch job's progress while it runs, and what deleting a Batch job removes, against a
 * real {@code moto_server} (the deploy template as a stack). moto cannot hold a job RUNNING without
 * Docker, so the Batch proxy reports the played job RUNNING (as Batch does while its container
 * runs) and the test writes the job's {@code _progress.json} through the worker's own
 * {@link ProgressPublisher}; {@link ConsoleBatchMotoTest} runs the real worker, whose progress
 * object its commit removes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBatchProgressMotoTest {

  static final String DOG = "videos/dog_golden_retriever_swimming_360x204_h264.mp4";

  MotoBatchStack stack;
  Path tmp;
  Path data;
  String bucket;
  ConsoleServer server;
  ConsoleTestClient client;

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("console-batch-progress-");
    data = Files.createDirectories(tmp.resolve("data"));
    stack = MotoBatchStack.start("tracklight", Map.of("Image", "tracklight:test"), false, tmp);
    bucket = stack.outputs.entrySet().stream().filter(e -> e.getKey().contains("Bucket")).findFirst().orElseThrow()
        .getValue();
  }

  @AfterEach
  void stopConsole() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @AfterAll
  void stop() throws Exception {
    stack.close();
    try (var walk = Files.walk(tmp)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** A console whose Batch executor stages and writes under {@code out}, polling every second. */
  void console(String out) throws Exception {
    ConsoleConfig.Batch config = new ConsoleConfig.Batch(stack.outputs.get("JobQueueArn"),
        stack.outputs.get("JobDefinitionArn"), out, 1, List.of());
    ConsoleBatchExecutor batch = ConsoleBatchExecutor.start(config, Clock.systemUTC(), Duration.ofSeconds(30),
        Duration.ofMinutes(5));
    List<JobExecutor> executors = List.of(new LocalExecutor(ServeCommand.replayLauncher(), 1), batch);
    server = ConsoleServer.start(ConsoleConfig.defaults(data).withPort(0).withBatch(config), executors,
        ServeCommand.rulesCheck(), Clock.systemUTC());
    client = new ConsoleTestClient(server);
  }

  String submit(String name) throws Exception {
    HttpResponse<String> created = client.upload(name, Files.readAllBytes(TestAssets.file(DOG)),
        Map.of("executor", "batch"));
    assertEquals(201, created.statusCode(), created.body());
    return ConsoleTestClient.JSON.readTree(created.body()).path("id").asText();
  }

  @Test
  void aRunningJobShowsTheWorkersProgressAndShrugsOffAGarbledObject() throws Exception {
    console("s3://" + bucket + "/console");
    String id = submit("dog.mp4");
    String batchJob = client.awaitBatchJob(id);
    stack.batchProxy.reportRunning(batchJob);
    try {
      assertEquals(0.0, client.awaitStatus(id, "running").path("progress").asDouble(), "no progress object yet");
      S3Uri object = new S3Uri(bucket, "console/" + id + "/"
          + BatchPlan.videoId("s3://" + bucket + "/console/" + id + "/_input/dog.mp4") + "/" + WorkerProgress.FILE);
      ManualClock clock = new ManualClock(WorkerProgressTest.T0);
      ProgressPublisher worker = new ProgressPublisher(clock, ProgressPublisher.INTERVAL,
          bytes -> stack.storage.put(object, bytes, "application/json"), e -> { throw e; });
      List<Double> seen = new ArrayList<>();
      for (long done : new long[] {10, 55, 90}) {
        assertTrue(worker.offer(done, 100));
        clock.advance(ProgressPublisher.INTERVAL);
        seen.add(awaitProgress(id, done).path("progress").asDouble());
      }
      assertEquals(List.of(10.0, 55.0, 90.0), seen);

      // `batch status` of the console's run (run id = job id) shows the same count.
      java.io.StringWriter out = new java.io.StringWriter();
      var cli = TracklightMain.commandLine();
      cli.setOut(new java.io.PrintWriter(out, true));
      assertEquals(0, cli.execute("batch", "status", id, "--out", "s3://" + bucket + "/console", "--json"), out.toString());
      JsonNode row = ConsoleTestClient.JSON.readTree(out.toString()).path("videos").get(0);
      assertEquals("running", row.path("state").asText(), row.toString());
      assertEquals(90, row.path("frames_done").asLong());
      assertEquals(100, row.path("frames_total").asLong());
      assertEquals(90.0, row.path("progress").asDouble());

      // A garbled object, then none: no news, the job runs on at its last progress.
      stack.storage.put(object, "{\"frames_done\": tr".getBytes(StandardCharsets.UTF_8), "application/json");
      Thread.sleep(3500); // three polls
      JsonNode j = client.get("/api/jobs/" + id);
      assertEquals("running", j.path("status").asText(), j.toString());
      assertEquals(90.0, j.path("progress").asDouble());
      stack.s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
      Thread.sleep(2500);
      j = client.get("/api/jobs/" + id);
      assertEquals("running", j.path("status").asText(), j.toString());
      assertEquals(90.0, j.path("progress").asDouble());

      // The last frames: shown as 99 % at most, 100 % only with the committed result.
      worker.offer(100, 100);
      assertEquals(99.0, awaitProgress(id, 99).path("progress").asDouble());
      assertEquals("running", client.get("/api/jobs/" + id).path("status").asText());
    } finally {
      stack.batchProxy.stopReportingRunning(batchJob);
    }
  }

  @Test
  void deletingABatchJobRemovesEveryObjectUnderItsPrefixOnly() throws Exception {
    console("s3://" + bucket + "/console");
    String id = submit("dog.mp4");
    String neighbour = submit("other.mp4");
    client.awaitBatchJob(id);
    client.awaitBatchJob(neighbour);
    // With the staged input and the run's ledger, more than one ListObjectsV2 page and one
    // DeleteObjects batch (1,000 keys each); one-byte objects, in parallel, to keep it quick.
    String prefix = "console/" + id + "/";
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        S3Uri o = new S3Uri(bucket, prefix + "many/part-" + i + ".json");
        puts.add(pool.submit(() -> stack.storage.put(o, new byte[] {'1'}, "application/json")));
      }
      for (Future<?> f : puts) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    // Keys that only share a string prefix with the job's (job-1 vs job-10): not the job's.
    List<String> others = List.of("console/" + id, "console/" + id + "0/keep.json", "console/" + id + "-x/keep.json");
    for (String k : others) {
      stack.storage.put(new S3Uri(bucket, k), new byte[] {'k'}, "application/json");
    }
    int neighbourObjects = stack.storage.listPrefix(new S3Uri(bucket, "console/" + neighbour + "/")).size();
    assertTrue(neighbourObjects >= 1, "the neighbour's staged input");
    assertTrue(stack.storage.listPrefix(new S3Uri(bucket, prefix)).size() > 1000);

    HttpResponse<String> deleted = client.delete("/api/jobs/" + id);
    assertEquals(204, deleted.statusCode(), deleted.body());
    assertEquals(List.of(), stack.storage.listPrefix(new S3Uri(bucket, prefix)));
    for (String k : others) {
      assertTrue(stack.storage.readIfExists(new S3Uri(bucket, k)).isPresent(), k + " survives");
    }
    assertEquals(neighbourObjects, stack.storage.listPrefix(new S3Uri(bucket, "console/" + neighbour + "/")).size());
    assertEquals(404, client.send(client.request("/api/jobs/" + id).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode());
  }

  @Test
  void aDeleteThatCannotReachS3KeepsTheJobForAnotherTry() throws Exception {
    String gone = "tl-console-gone";
    stack.s3.createBucket(b -> b.bucket(gone));
    console("s3://" + gone + "/console");
    String id = submit("dog.mp4");
    client.awaitBatchJob(id);
    for (var o : stack.storage.listPrefix(new S3Uri(gone, ""))) {
      stack.s3.deleteObject(b -> b.bucket(gone).key(o.uri().key()));
    }
    stack.s3.deleteBucket(b -> b.bucket(gone));

    HttpResponse<String> refused = client.delete("/api/jobs/" + id);
    assertEquals(502, refused.statusCode(), refused.body());
    String error = ConsoleTestClient.JSON.readTree(refused.body()).path("error").asText();
    assertTrue(error.startsWith("could not delete the job's S3 objects under s3://" + gone + "/console/" + id + "/: "),
        error);
    assertTrue(error.endsWith("; the job is kept, delete it again"), error);
    assertEquals(id, client.get("/api/jobs/" + id).path("id").asText(), "the record stays");

    stack.s3.createBucket(b -> b.bucket(gone));
    assertEquals(204, client.delete("/api/jobs/" + id).statusCode());
    assertEquals(404, client.send(client.request("/api/jobs/" + id).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode());
  }

  /** The job once its progress reached {@code percent}. */
  JsonNode awaitProgress(String id, double percent) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    JsonNode j = null;
    while (System.nanoTime() < deadline) {
      j = client.get("/api/jobs/" + id);
      if (j.path("progress").asDouble() >= percent) {
        return j;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + id + " never reached " + percent + " %: " + j);
  }
}
