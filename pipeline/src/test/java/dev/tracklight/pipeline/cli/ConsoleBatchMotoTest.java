package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.s3.ResultCommit;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.Job;
import dev.tracklight.console.JobExecutor;
import dev.tracklight.console.JobStatus;
import dev.tracklight.console.JobStore;
import dev.tracklight.console.LocalExecutor;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.pipeline.batch.BatchPlan;
import dev.tracklight.pipeline.batch.WorkerProgress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * The console's AWS Batch executor against a real {@code moto_server} (the deploy template as a
 * stack): an uploaded video is staged to S3 and submitted as {@code batch submit} submits it; the
 * test plays the worker (the job's command and environment, a real replay); the console shows the
 * job done only once the worker's result is committed, with its files served from the console.
 * Then a worker's committed error, what a restart finds (a job finished meanwhile, one Batch
 * forgot, a local one that died with the console), and cancel, which terminates the Batch job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBatchMotoTest {

  static final String DOG = "videos/dog_golden_retriever_swimming_360x204_h264.mp4";
  static final ObjectMapper JSON = new ObjectMapper();
  static final String RULES = "rules:\n  - {type: appearance, name: dog-arrives, classes: [dog], min_absence_seconds: 1.0}\n";

  MotoBatchStack stack;
  Path tmp;
  Path data;
  String bucket;
  ConsoleConfig.Batch batchConfig;
  ConsoleServer server;
  /** The job the worker ran for real (its downloaded outputs are what a later commit replays). */
  String firstJob;

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("console-batch-");
    data = Files.createDirectories(tmp.resolve("data"));
    stack = MotoBatchStack.start("tracklight", Map.of("Image", "tracklight:test"), false, tmp);
    bucket = stack.outputs.entrySet().stream().filter(e -> e.getKey().contains("Bucket")).findFirst().orElseThrow()
        .getValue();
    // Sampled replays keep the played worker short.
    batchConfig = new ConsoleConfig.Batch(stack.outputs.get("JobQueueArn"), stack.outputs.get("JobDefinitionArn"),
        "s3://" + bucket + "/console", 1, List.of("--replay-arg=--fps", "--replay-arg=1"));
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

  ConsoleServer console() throws Exception {
    return console(Clock.systemUTC());
  }

  /** A console whose Batch executor reads {@code clock} for its deadlines. */
  ConsoleServer console(Clock clock) throws Exception {
    ConsoleBatchExecutor batch = ConsoleBatchExecutor.start(batchConfig, clock, Duration.ofSeconds(30),
        Duration.ofMinutes(5));
    List<JobExecutor> executors = List.of(new LocalExecutor(ServeCommand.replayLauncher(), 1), batch);
    server = ConsoleServer.start(ConsoleConfig.defaults(data).withPort(0).withBatch(batchConfig), executors,
        ServeCommand.rulesCheck(), Clock.systemUTC());
    return server;
  }

  @Test
  @Order(1)
  void anUploadRunsOnBatchAndIsDoneOnlyWithTheWorkersResult() throws Exception {
    console();
    JsonNode session = get("/api/session");
    assertEquals("[\"local\",\"batch\"]", session.path("executors").toString());
    byte[] video = Files.readAllBytes(TestAssets.file(DOG));
    HttpResponse<String> created = upload("dog.mp4", video, Map.of("executor", "batch", "rules", RULES));
    assertEquals(201, created.statusCode(), created.body());
    String id = JSON.readTree(created.body()).path("id").asText();
    firstJob = id;
    String batchJob = awaitBatchJob(id);

    // The staged input and rules, and the job exactly as `batch submit` sends it.
    S3Uri run = new S3Uri(bucket, "console/" + id + "/");
    assertArrayEquals(video, stack.storage.readIfExists(run.resolve("_input/dog.mp4")).orElseThrow());
    assertEquals(RULES, new String(stack.storage.readIfExists(run.resolve("_input/rules.yaml")).orElseThrow(),
        StandardCharsets.UTF_8));
    JobDetail d = stack.batch.describeJobs(b -> b.jobs(batchJob)).jobs().get(0);
    List<String> command = d.container().command();
    assertEquals(List.of("tracklight", "batch-worker", "--run", id, "--video", run + "_input/dog.mp4"),
        command.subList(0, 6));
    assertTrue(command.containsAll(List.of("--rules", run + "_input/rules.yaml", "--replay-arg=--fps")), command.toString());
    assertEquals(id, d.tags().get("tracklight:run"));

    // moto reports the job SUCCEEDED at once; with no result committed the console still waits.
    Thread.sleep(2500);
    assertEquals("queued", get("/api/jobs/" + id).path("status").asText());

    BatchWorkerPlayer.Played worker = BatchWorkerPlayer.play(stack.batch, batchJob, stack.childEnvironment(), tmp);
    assertEquals(0, worker.exitCode(), worker.output());
    JsonNode job = awaitStatus(id, "done");
    assertEquals(100.0, job.path("progress").asDouble());
    // The worker published its progress while it replayed (its first report goes out at once),
    // and its commit removed the object: never part of the result.
    String prefix = "console/" + id + "/" + BatchPlan.videoId(run + "_input/dog.mp4") + "/";
    assertTrue(stack.moto.log().contains("\"PUT /" + bucket + "/" + prefix + WorkerProgress.FILE + " "),
        "the worker wrote " + prefix + WorkerProgress.FILE);
    assertEquals(Optional.empty(), stack.storage.readIfExists(new S3Uri(bucket, prefix + WorkerProgress.FILE)));
    assertTrue(ResultCommit.read(stack.storage, new S3Uri(bucket, prefix)).orElseThrow().path("objects").findValuesAsText("key")
        .stream().noneMatch(k -> k.endsWith(WorkerProgress.FILE)));
    JsonNode files = job.path("files");
    for (String f : List.of("annotated.mp4", "tracks.jsonl", "highlights.json", "highlights.vtt", "summary.json")) {
      assertTrue(files.has(f), f + " in " + files);
    }
    byte[] tracks = stack.s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + "tracks.jsonl")).asByteArray();
    HttpResponse<byte[]> served = client().send(request(files.path("tracks.jsonl").asText()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(tracks, served.body(), "the console serves the worker's committed tracks");
    HttpResponse<byte[]> range = client().send(request(files.path("annotated.mp4").asText()).header("Range", "bytes=0-11")
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(206, range.statusCode());
    assertEquals("ftyp", new String(range.body(), 4, 4, StandardCharsets.ISO_8859_1));
  }

  @Test
  @Order(2)
  void theWorkersCommittedErrorFailsTheJob() throws Exception {
    console();
    String id = JSON.readTree(upload("clip.mp4", Files.readAllBytes(TestAssets.file(DOG)), Map.of("executor", "batch"))
        .body()).path("id").asText();
    awaitBatchJob(id);
    // What a worker commits for bad input (exit 2; BatchMotoTest runs that worker): the real commit.
    S3Uri prefix = new S3Uri(bucket, "console/" + id + "/"
        + BatchPlan.videoId("s3://" + bucket + "/console/" + id + "/_input/clip.mp4") + "/");
    ResultCommit.commitFailed(stack.storage, prefix, "cannot decode clip.mp4: moov atom not found", Map.of(),
        Clock.systemUTC());
    JsonNode failed = awaitStatus(id, "failed");
    assertEquals("cannot decode clip.mp4: moov atom not found", failed.path("error").asText());
    assertEquals(0, failed.path("files").size());
  }

  @Test
  @Order(3)
  void aSucceededJobWithNoResultFailsAfterTheDeadline() throws Exception {
    Instant[] now = {Instant.now()};
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        synchronized (now) {
          return now[0];
        }
      }
    };
    console(clock);
    String id = JSON.readTree(upload("never.mp4", Files.readAllBytes(TestAssets.file(DOG)), Map.of("executor", "batch"))
        .body()).path("id").asText();
    String batchJob = awaitBatchJob(id);
    Thread.sleep(2500); // SUCCEEDED in moto, no result: waiting, within the deadline
    assertEquals("queued", get("/api/jobs/" + id).path("status").asText());
    synchronized (now) {
      now[0] = now[0].plus(Duration.ofMinutes(6));
    }
    assertEquals("AWS Batch job " + batchJob + " succeeded but the worker committed no result at s3://" + bucket
        + "/console/" + id + "/" + BatchPlan.videoId("s3://" + bucket + "/console/" + id + "/_input/never.mp4")
        + "/result.json within 5 min", awaitStatus(id, "failed").path("error").asText());
  }

  @Test
  @Order(4)
  void aRestartBringsEveryOpenJobUpToDate() throws Exception {
    console();
    String finished = JSON.readTree(upload("dog.mp4", Files.readAllBytes(TestAssets.file(DOG)),
        Map.of("executor", "batch")).body()).path("id").asText();
    awaitBatchJob(finished);
    server.close(); // the console stops while the Batch job is in flight
    server = null;
    // Meanwhile the worker commits its result (the real commit, of the outputs the first test's
    // worker made: a second replay would only repeat that test).
    Path outputs;
    try (var dirs = Files.list(data.resolve("results").resolve(firstJob))) {
      outputs = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    S3Uri prefix = new S3Uri(bucket, "console/" + finished + "/"
        + BatchPlan.videoId("s3://" + bucket + "/console/" + finished + "/_input/dog.mp4") + "/");
    ResultCommit.commitDone(stack.storage, outputs, prefix, JSON.readTree(outputs.resolve("summary.json").toFile()),
        Map.of("run", finished), Clock.systemUTC());
    Instant hourAgo = Instant.now().minusSeconds(3600);
    try (JobStore store = JobStore.embedded(data)) {
      assertEquals(JobStatus.QUEUED, store.get(finished).orElseThrow().status());
      store.insert(new Job("vanished", "local", JobStatus.RUNNING, 0.5, Optional.empty(), "gone.mp4",
          "s3://" + bucket + "/inputs/gone.mp4", "batch", Optional.of("4f0c8e5e-0000-4000-8000-000000000000"), "{}",
          hourAgo, hourAgo));
      store.insert(new Job("local-died", "local", JobStatus.RUNNING, 0.3, Optional.empty(), "a.mp4",
          data.resolve("uploads/x/a.mp4").toString(), "local", Optional.of("pid:999999999"), "{}", hourAgo, hourAgo));
    }
    console();
    JsonNode done = awaitStatus(finished, "done");
    assertTrue(done.path("files").has("tracks.jsonl"), done.toString());
    HttpResponse<byte[]> tracks = client().send(request(done.path("files").path("tracks.jsonl").asText()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(Files.readAllBytes(outputs.resolve("tracks.jsonl")), tracks.body());
    assertEquals("AWS Batch has no job 4f0c8e5e-0000-4000-8000-000000000000 (it forgets jobs some days after they"
        + " end; retry it)", awaitStatus("vanished", "failed").path("error").asText());
    assertEquals(LocalExecutor.RESTARTED, awaitStatus("local-died", "failed").path("error").asText());
  }

  @Test
  @Order(5)
  void cancelTerminatesTheBatchJob() throws Exception {
    stack.moto.holdBatchJobsQueued(); // from here on, jobs stay SUBMITTED
    console();
    String cancelled = JSON.readTree(upload("a.mp4", Files.readAllBytes(TestAssets.file(DOG)),
        Map.of("executor", "batch")).body()).path("id").asText();
    String cancelledJob = awaitBatchJob(cancelled);
    Thread.sleep(1500); // a poll or two: SUBMITTED stays queued
    assertEquals("queued", get("/api/jobs/" + cancelled).path("status").asText());
    HttpResponse<String> c = post("/api/jobs/" + cancelled + "/cancel");
    assertEquals(200, c.statusCode(), c.body());
    assertEquals("cancelled", JSON.readTree(c.body()).path("error").asText());
    assertEquals(ConsoleBatchExecutor.CANCEL_REASON,
        stack.batch.describeJobs(b -> b.jobs(cancelledJob)).jobs().get(0).statusReason());
  }

  @Test
  void aBatchFailureIsReportedWithBatchsReasons() {
    // moto's Batch without Docker never fails a job on its own: the mapping, on the SDK's model.
    JobDetail failed = JobDetail.builder().jobId("j").status("FAILED")
        .statusReason("Essential container in task exited")
        .container(b -> b.reason("OutOfMemoryError: Container killed due to memory usage").exitCode(137)).build();
    assertEquals("AWS Batch job failed: Essential container in task exited; OutOfMemoryError: Container killed due"
        + " to memory usage (exit 137)", ConsoleBatchExecutor.failureReason(failed));
    assertEquals("AWS Batch job failed: Job attempt duration exceeded timeout", ConsoleBatchExecutor.failureReason(
        JobDetail.builder().status("FAILED").statusReason("Job attempt duration exceeded timeout").build()));
    for (String s : List.of("SUBMITTED", "PENDING", "RUNNABLE", "STARTING")) {
      assertEquals(JobStatus.QUEUED, ConsoleBatchExecutor.phase(s), s);
    }
    assertEquals(JobStatus.RUNNING, ConsoleBatchExecutor.phase("RUNNING"));
    assertEquals(JobStatus.DONE, ConsoleBatchExecutor.phase("SUCCEEDED"));
    assertEquals(JobStatus.FAILED, ConsoleBatchExecutor.phase("FAILED"));
  }

  @Test
  @Order(6)
  void aWrongQueueOrBucketIsOneLineAtStart() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> ConsoleBatchExecutor.start(
        new ConsoleConfig.Batch("no-such-queue", batchConfig.jobDefinition(), batchConfig.out(), 1, List.of()),
        Clock.systemUTC()));
    assertTrue(e.getMessage().startsWith("job queue 'no-such-queue' not found"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> ConsoleBatchExecutor.start(
        new ConsoleConfig.Batch(batchConfig.queue(), batchConfig.jobDefinition(), "s3://no-such-bucket-tl/c", 1,
            List.of()), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("no-such-bucket-tl"), e.getMessage());
  }

  ConsoleTestClient client() {
    return new ConsoleTestClient(server);
  }

  String awaitBatchJob(String id) throws Exception {
    return client().awaitBatchJob(id);
  }

  JsonNode awaitStatus(String id, String status) throws Exception {
    return client().awaitStatus(id, status);
  }

  HttpRequest.Builder request(String path) {
    return client().request(path);
  }

  JsonNode get(String path) throws Exception {
    return client().get(path);
  }

  HttpResponse<String> post(String path) throws Exception {
    return client().post(path);
  }

  HttpResponse<String> upload(String name, byte[] content, Map<String, String> fields) throws Exception {
    return client().upload(name, content, fields);
  }
}
