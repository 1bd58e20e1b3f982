package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.s3.ResultCommit;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.pipeline.batch.BatchPlan;
import dev.tracklight.pipeline.batch.MotoServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Archives to AWS Batch and back against a real {@code moto_server}: the project's CloudFormation
 * template as a stack, two real videos in its bucket, {@code batch submit} (single jobs and
 * {@code --array}) to its queue and definition; then the test plays the compute environment (each
 * job's command and environment from DescribeJobs run as a child process with AWS_BATCH_JOB_* set)
 * and checks the committed outputs against a local replay, the completion messages, status,
 * resubmission, and the faults (bad input, a worker killed mid-upload, missing resources).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchMotoTest {

  /** 139.4 s: only submitted (--dry-run), to check a timeout from a real duration. */
  static final String PERSONS = "videos/persons_one_by_one_432p.mp4";
  static final String DOG = "videos/dog_golden_retriever_swimming_360x204_h264.mp4";
  static final String BOTTLES = "videos/bottles_hands_360p.mp4";
  /** Sampled replays keep the test short; the worker and the local replay use the same arguments. */
  static final List<String> REPLAY_ARGS = List.of("--fps", "1");
  static final ObjectMapper JSON = new ObjectMapper();

  MotoBatchStack stack;
  Path tmp;
  String bucket;
  String queueArn;
  String definitionArn;
  String completionQueue;
  S3Client s3;
  BatchClient batch;
  SqsClient sqs;
  S3Storage storage;
  final Map<String, byte[]> localTracks = new HashMap<>();
  final List<String> captured = new ArrayList<>();
  final List<JsonNode> messages = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("batch-moto-");
    stack = MotoBatchStack.start("tracklight", Map.of("Image", "tracklight:test"), false, tmp);
    s3 = stack.s3;
    batch = stack.batch;
    sqs = stack.sqs;
    storage = stack.storage;
    Map<String, String> outputs = stack.outputs;
    bucket = outputs.entrySet().stream().filter(e -> e.getKey().contains("Bucket")).findFirst().orElseThrow().getValue();
    queueArn = outputs.get("JobQueueArn");
    definitionArn = outputs.get("JobDefinitionArn");
    completionQueue = outputs.get("CompletionQueueUrl");
    assertTrue(queueArn.startsWith("arn:aws:batch:"), queueArn);
    assertTrue(definitionArn.startsWith("arn:aws:batch:"), definitionArn);
    Path persons = TestAssets.file(PERSONS);
    s3.putObject(b -> b.bucket(bucket).key("inputs/long/" + persons.getFileName()), RequestBody.fromFile(persons));
    for (String v : List.of(DOG, BOTTLES)) {
      Path f = TestAssets.file(v);
      s3.putObject(b -> b.bucket(bucket).key("inputs/" + f.getFileName()), RequestBody.fromFile(f));
      CliRun local = cli("replay", f.toString(), "--out", tmp.resolve("local").toString(), REPLAY_ARGS.get(0), REPLAY_ARGS.get(1));
      assertEquals(0, local.exitCode(), local.err());
      String stem = f.getFileName().toString().replace(".mp4", "");
      localTracks.put(stem, Files.readAllBytes(tmp.resolve("local").resolve(stem).resolve("tracks.jsonl")));
    }
  }

  @AfterAll
  void stop() throws Exception {
    try {
      for (String line : captured) {
        assertFalse(line.contains(MotoServer.SECRET_KEY), "secret key in output: " + line);
        assertFalse(line.contains(MotoServer.SESSION_TOKEN), "session token in output: " + line);
      }
    } finally {
      try {
        stack.close();
      } finally {
        try (var walk = Files.walk(tmp)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  @Test
  @Order(1)
  void dryRunPrintsTheExactRequestsWithTimeoutsFromTheVideosDurations() throws Exception {
    CliRun run = cli("batch", "submit", "s3://" + bucket + "/inputs/*.mp4", "s3://" + bucket + "/inputs/long/*.mp4",
        "--out", "s3://" + bucket + "/results/dry",
        "--queue", queueArn, "--job-definition", definitionArn, "--dry-run", "--blur", "person");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode requests = JSON.readTree(run.out());
    // --blur reaches every worker's replay (the console's privacy option, on Batch).
    String command = requests.get(0).path("containerOverrides").path("command").toString();
    assertTrue(command.contains("\"--replay-arg=--blur\",\"--replay-arg=person\""), command);
    assertEquals(3, requests.size(), run.out());
    Map<String, JsonNode> byName = new HashMap<>();
    requests.forEach(r -> byName.put(r.path("containerOverrides").path("command").get(5).asText(), r));
    JsonNode persons = byName.get("s3://" + bucket + "/inputs/long/persons_one_by_one_432p.mp4");
    assertEquals(List.of("tracklight", "batch-worker"), List.of(persons.path("containerOverrides").path("command").get(0).asText(),
        persons.path("containerOverrides").path("command").get(1).asText()));
    // 139.4 s of video: 600 s start-up + 3 x 139.4 s, read through a presigned URL.
    assertEquals(600 + (long) Math.ceil(139.4 * BatchPlan.SLOWDOWN), persons.path("timeout").path("attemptDurationSeconds").asLong());
    assertEquals("2", persons.path("retryStrategy").path("evaluateOnExit").get(1).path("onExitCode").asText());
    assertEquals("EXIT", persons.path("retryStrategy").path("evaluateOnExit").get(1).path("action").asText());
    assertEquals("dry", persons.path("tags").path("tracklight:run").asText());
    assertTrue(storage.listPrefix(new S3Uri(bucket, "results/dry/")).isEmpty(), "a dry run writes nothing");
  }

  @Test
  @Order(2)
  void singleJobsAndAnArrayCommitOutputsIdenticalToALocalReplay() throws Exception {
    for (String runId : List.of("run-single", "run-array")) {
      List<String> args = new ArrayList<>(List.of("batch", "submit", "s3://" + bucket + "/inputs/*.mp4",
          "--out", "s3://" + bucket + "/results/" + runId, "--queue", queueArn, "--job-definition", definitionArn, "--json"));
      for (String a : REPLAY_ARGS) {
        args.add("--worker-arg=--replay-arg=" + a);
      }
      if (runId.equals("run-array")) {
        args.add("--array");
      }
      CliRun submit = cli(args.toArray(String[]::new));
      assertEquals(0, submit.exitCode(), submit.err());
      JsonNode jobs = JSON.readTree(submit.out()).path("jobs");
      assertEquals(runId.equals("run-array") ? 1 : 2, jobs.size(), submit.out());
      for (JsonNode j : jobs) {
        int children = j.path("array_size").asInt();
        if (children == 0) {
          assertEquals(0, play(j.path("job_id").asText(), 1, null).exitCode);
        } else {
          for (int i = 0; i < children; i++) {
            assertEquals(0, play(j.path("job_id").asText(), 1, i).exitCode);
          }
        }
      }
      for (String stem : localTracks.keySet()) {
        S3Uri dir = new S3Uri(bucket, "results/" + runId + "/" + BatchPlan.videoId("s3://" + bucket + "/inputs/" + stem + ".mp4") + "/");
        JsonNode result = ResultCommit.read(storage, dir).orElseThrow();
        assertEquals("done", result.path("status").asText());
        assertEquals(List.of(), ResultCommit.verify(storage, dir, result));
        byte[] tracks = s3.getObjectAsBytes(b -> b.bucket(bucket).key(dir.key() + "tracks.jsonl")).asByteArray();
        assertArrayEquals(localTracks.get(stem), tracks, stem + ": tracks.jsonl differs from the local replay");
      }
      CliRun status = cli("batch", "status", runId, "--out", "s3://" + bucket + "/results", "--json");
      assertEquals(0, status.exitCode(), status.err());
      JsonNode report = JSON.readTree(status.out());
      assertEquals(2, report.path("videos").size());
      for (JsonNode v : report.path("videos")) {
        assertEquals("done", v.path("state").asText(), v.toString());
        assertTrue(v.path("result_uri").asText().endsWith("/result.json"), v.toString());
        assertTrue(v.path("frames").asLong() > 0, v.toString());
      }
      assertTrue(report.path("finished").asBoolean());
    }
    receive(4);
    Set<String> done = new HashSet<>();
    for (JsonNode m : messages) {
      assertEquals("done", m.path("status").asText(), m.toString());
      done.add(m.path("run").asText() + "/" + m.path("id").asText());
    }
    assertEquals(4, done.size(), "one completion message per video and run: " + done);
  }

  @Test
  @Order(3)
  void theSameRunSubmittedAgainSubmitsNothing() throws Exception {
    for (String extra : List.of("", "--array")) {
      List<String> args = new ArrayList<>(List.of("batch", "submit", "s3://" + bucket + "/inputs/*.mp4",
          "--out", "s3://" + bucket + "/results/" + (extra.isEmpty() ? "run-single" : "run-array"),
          "--queue", queueArn, "--job-definition", definitionArn, "--json"));
      if (!extra.isEmpty()) {
        args.add(extra);
      }
      CliRun again = cli(args.toArray(String[]::new));
      assertEquals(0, again.exitCode(), again.err());
      JsonNode o = JSON.readTree(again.out());
      assertEquals(0, o.path("jobs").size(), again.out());
      assertEquals(2, o.path("skipped").asInt(), again.out());
    }
  }

  @Test
  @Order(4)
  void badInputFailsOnceAndAKilledUploadIsReplacedByTheNextAttempt() throws Exception {
    byte[] head = Arrays.copyOf(Files.readAllBytes(TestAssets.file(PERSONS)), 64 * 1024);
    s3.putObject(b -> b.bucket(bucket).key("inputs/faults/truncated.mp4"), RequestBody.fromBytes(head));
    s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("inputs/dog_golden_retriever_swimming_360x204_h264.mp4")
        .destinationBucket(bucket).destinationKey("inputs/faults/dog_golden_retriever_swimming_360x204_h264.mp4"));
    List<String> args = new ArrayList<>(List.of("batch", "submit", "s3://" + bucket + "/inputs/faults/*.mp4",
        "--out", "s3://" + bucket + "/results/run-faults", "--queue", queueArn, "--job-definition", definitionArn, "--json"));
    for (String a : REPLAY_ARGS) {
      args.add("--worker-arg=--replay-arg=" + a);
    }
    CliRun submit = cli(args.toArray(String[]::new));
    assertEquals(0, submit.exitCode(), submit.err());
    String badId = BatchPlan.videoId("s3://" + bucket + "/inputs/faults/truncated.mp4");
    String goodId = BatchPlan.videoId("s3://" + bucket + "/inputs/faults/dog_golden_retriever_swimming_360x204_h264.mp4");
    Map<String, String> jobOf = new HashMap<>();
    for (JsonNode j : JSON.readTree(submit.out()).path("jobs")) {
      jobOf.put(j.path("videos").get(0).asText(), j.path("job_id").asText());
    }
    // Bad input: exit 2, committed as failed with the reason; the job's retry rules never retry exit 2.
    Played bad = play(jobOf.get(badId), 1, null);
    assertEquals(2, bad.exitCode, bad.output);
    S3Uri badDir = new S3Uri(bucket, "results/run-faults/" + badId + "/");
    JsonNode failed = ResultCommit.read(storage, badDir).orElseThrow();
    assertEquals("failed", failed.path("status").asText());
    assertTrue(failed.path("error").asText().contains("truncated.mp4"), failed.toString());
    // moto does not echo a job's retryStrategy in DescribeJobs: the stack's definition carries the
    // same rules (the submitted override is checked in the dry-run test).
    var definition = batch.describeJobDefinitions(b -> b.jobDefinitions(definitionArn)).jobDefinitions().get(0);
    assertTrue(definition.retryStrategy().evaluateOnExit().stream()
        .anyMatch(e -> "2".equals(e.onExitCode()) && "EXIT".equalsIgnoreCase(e.actionAsString())), definition.toString());

    // A worker killed (SIGKILL) as soon as its first output object appears: never seen as complete.
    S3Uri goodDir = new S3Uri(bucket, "results/run-faults/" + goodId + "/");
    Played killed = playAndKillOnFirstUpload(jobOf.get(goodId), goodDir);
    assertTrue(killed.exitCode != 0, "killed: " + killed.exitCode);
    assertTrue(ResultCommit.read(storage, goodDir).isEmpty(), "a torn prefix has no result.json");
    CliRun torn = cli("batch", "status", "run-faults", "--out", "s3://" + bucket + "/results", "--json");
    for (JsonNode v : JSON.readTree(torn.out()).path("videos")) {
      if (v.path("id").asText().equals(goodId)) {
        assertFalse(v.path("state").asText().equals("done"), v.toString());
      }
    }
    // Attempt 2 replaces the partial upload: exactly one complete result, nothing left over.
    Played second = play(jobOf.get(goodId), 2, null);
    assertEquals(0, second.exitCode, second.output);
    JsonNode result = ResultCommit.read(storage, goodDir).orElseThrow();
    assertEquals(2, result.path("attempt").asInt());
    assertEquals(List.of(), ResultCommit.verify(storage, goodDir, result));
    assertEquals(result.path("objects").size() + 1, storage.listPrefix(goodDir).size(), "only listed objects + result.json");
    byte[] tracks = s3.getObjectAsBytes(b -> b.bucket(bucket).key(goodDir.key() + "tracks.jsonl")).asByteArray();
    assertArrayEquals(localTracks.get("dog_golden_retriever_swimming_360x204_h264"), tracks);

    CliRun status = cli("batch", "status", "run-faults", "--out", "s3://" + bucket + "/results", "--json");
    Map<String, String> states = new HashMap<>();
    JSON.readTree(status.out()).path("videos").forEach(v -> states.put(v.path("id").asText(), v.path("state").asText()));
    assertEquals(Map.of(badId, "failed", goodId, "done"), states);
  }

  @Test
  @Order(5)
  void missingResourcesAreOneLineNamingThem() throws Exception {
    String in = "s3://" + bucket + "/inputs/*.mp4";
    String out = "s3://" + bucket + "/results/run-missing";
    assertBad("job queue 'no-such-queue' not found in region us-east-1",
        "batch", "submit", in, "--out", out, "--queue", "no-such-queue", "--job-definition", definitionArn);
    assertBad("job definition 'no-such-definition' not found",
        "batch", "submit", in, "--out", out, "--queue", queueArn, "--job-definition", "no-such-definition");
    assertBad("S3 bucket 'no-such-bucket-tl' does not exist",
        "batch", "submit", in, "--out", "s3://no-such-bucket-tl/run", "--queue", queueArn, "--job-definition", definitionArn);
    assertBad("no S3 object matches", "batch", "submit", "s3://" + bucket + "/nothing/*.mp4", "--out", out,
        "--queue", queueArn, "--job-definition", definitionArn);
    assertBad("S3 bucket 'no-such-bucket-tl' does not exist", "replay", "s3://" + bucket + "/inputs/bottles_hands_360p.mp4",
        "--out", "s3://no-such-bucket-tl/x");
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    assertBad("is a file; expected a directory", "replay", "s3://" + bucket + "/inputs/bottles_hands_360p.mp4",
        "--out", file.toString());
    System.setProperty("aws.region", "eu-west-3");
    try {
      assertBad("in region eu-west-3", "batch", "submit", in, "--out", out, "--queue", "tracklight-gpu",
          "--job-definition", definitionArn);
    } finally {
      System.setProperty("aws.region", MotoServer.REGION);
    }
    // No credentials anywhere (a child process: the default chain is resolved per process).
    Map<String, String> env = awsEnv();
    env.remove("AWS_ACCESS_KEY_ID");
    env.remove("AWS_SECRET_ACCESS_KEY");
    env.remove("AWS_SESSION_TOKEN");
    env.put("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("none").toString());
    env.put("AWS_CONFIG_FILE", tmp.resolve("none").toString());
    Played noCreds = child(List.of("batch", "submit", in, "--out", out, "--queue", queueArn, "--job-definition", definitionArn), env);
    assertEquals(2, noCreds.exitCode, noCreds.output);
    assertTrue(noCreds.output.contains("error: no AWS credentials found"), noCreds.output);
  }

  @Test
  @Order(6)
  void replayReadsGlobsAndRulesFromS3AndCommitsToS3() throws Exception {
    s3.putObject(b -> b.bucket(bucket).key("inputs/rules/rules.yaml"), RequestBody.fromString(
        "rules:\n  - {type: appearance, name: person-arrives, classes: [person], min_absence_seconds: 1.0}\n"));
    CliRun run = cli("replay", "s3://" + bucket + "/inputs/bottles*.mp4", "--out", "s3://" + bucket + "/replays/one",
        "--rules", "s3://" + bucket + "/inputs/rules/rules.yaml", REPLAY_ARGS.get(0), REPLAY_ARGS.get(1));
    assertEquals(0, run.exitCode(), run.err());
    S3Uri dir = new S3Uri(bucket, "replays/one/bottles_hands_360p/");
    JsonNode result = ResultCommit.read(storage, dir).orElseThrow();
    assertEquals("s3://" + bucket + "/inputs/bottles_hands_360p.mp4", result.path("video").asText());
    assertEquals(List.of(), ResultCommit.verify(storage, dir, result));
    assertTrue(run.out().contains("committed s3://" + bucket + "/replays/one/bottles_hands_360p/result.json"), run.out());
    byte[] tracks = s3.getObjectAsBytes(b -> b.bucket(bucket).key(dir.key() + "tracks.jsonl")).asByteArray();
    assertArrayEquals(localTracks.get("bottles_hands_360p"), tracks);
  }

  @Test
  @Order(7)
  void largeFilesGoUpInPartsWithTheirChecksum() throws Exception {
    Path big = tmp.resolve("big.bin");
    byte[] data = new byte[(int) (S3Storage.MULTIPART_THRESHOLD + 3 * 1024 * 1024 + 17)];
    new java.util.Random(42).nextBytes(data);
    Files.write(big, data);
    S3Uri target = new S3Uri(bucket, "results/multipart/big.bin");
    S3Storage.Uploaded u = storage.upload(big, target);
    assertEquals(data.length, u.size());
    assertEquals(S3Storage.sha256(big), u.sha256());
    Path back = storage.download(target, tmp.resolve("back/big.bin"));
    assertArrayEquals(data, Files.readAllBytes(back));
    assertTrue(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(), "no upload left open");
  }

  private void assertBad(String expected, String... args) {
    CliRun run = cli(args);
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine(), run.err());
    assertTrue(run.err().contains(expected), "expected '" + expected + "' in " + run.err());
  }

  private CliRun cli(String... args) {
    CliRun r = CliRun.of(args);
    captured.add(r.out());
    captured.add(r.err());
    return r;
  }

  record Played(int exitCode, String output) {}

  /** Runs a job as Batch would: its command (tracklight = this class path's CLI) and environment. */
  private Played play(String jobId, int attempt, Integer arrayIndex) throws Exception {
    Process p = start(jobId, attempt, arrayIndex);
    return finish(p);
  }

  private Process start(String jobId, int attempt, Integer arrayIndex) throws Exception {
    JobDetail job = batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
    Map<String, String> env = awsEnv();
    var definition = batch.describeJobDefinitions(b -> b.jobDefinitions(job.jobDefinition())).jobDefinitions().get(0);
    for (KeyValuePair kv : definition.containerProperties().environment()) {
      env.put(kv.name(), kv.value());
    }
    for (KeyValuePair kv : job.container().environment()) {
      env.put(kv.name(), kv.value());
    }
    env.put("AWS_BATCH_JOB_ID", arrayIndex == null ? jobId : jobId + ":" + arrayIndex);
    env.put("AWS_BATCH_JOB_ATTEMPT", Integer.toString(attempt));
    env.put("AWS_BATCH_JQ_NAME", "tracklight");
    if (arrayIndex != null) {
      env.put("AWS_BATCH_JOB_ARRAY_INDEX", Integer.toString(arrayIndex));
    }
    List<String> command = job.container().command();
    assertEquals("tracklight", command.get(0), "the job runs the image's launcher");
    return launch(command.subList(1, command.size()), env);
  }

  private Process launch(List<String> args, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), TracklightMain.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(Files.createTempFile(tmp, "worker-", ".log").toFile());
    Map<String, String> e = pb.environment();
    e.keySet().removeIf(k -> k.startsWith("AWS_"));
    e.putAll(env);
    e.put("TRACKLIGHT_SCRATCH", tmp.resolve("scratch").toString());
    e.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    return pb.start();
  }

  private Played child(List<String> args, Map<String, String> env) throws Exception {
    return finish(launch(args, env));
  }

  private Played finish(Process p) throws Exception {
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    String out = readLog(p);
    captured.add(out);
    return new Played(p.exitValue(), out);
  }

  private String readLog(Process p) throws IOException {
    // The newest worker log is this process's (children run one at a time).
    try (var files = Files.list(tmp)) {
      Path newest = files.filter(f -> f.getFileName().toString().startsWith("worker-"))
          .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified())).orElseThrow();
      return Files.readString(newest);
    }
  }

  private Played playAndKillOnFirstUpload(String jobId, S3Uri dir) throws Exception {
    Process p = start(jobId, 1, null);
    while (p.isAlive()) {
      if (!storage.listPrefix(dir).isEmpty()) {
        p.destroyForcibly();
        break;
      }
      Thread.sleep(5);
    }
    p.waitFor();
    return new Played(p.exitValue(), readLog(p));
  }

  private void receive(int n) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (messages.size() < n && System.nanoTime() < deadline) {
      for (Message m : sqs.receiveMessage(b -> b.queueUrl(completionQueue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
        try {
          messages.add(JSON.readTree(m.body()));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        sqs.deleteMessage(b -> b.queueUrl(completionQueue).receiptHandle(m.receiptHandle()));
      }
    }
    assertEquals(n, messages.size(), "completion messages");
  }

  private Map<String, String> awsEnv() {
    return new HashMap<>(stack.childEnvironment());
  }

  static Path template() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path t = d.resolve("deploy/aws-batch/tracklight-batch.yaml");
      if (Files.exists(t)) {
        return t;
      }
    }
    throw new IllegalStateException("deploy/aws-batch/tracklight-batch.yaml not found above " + Path.of("").toAbsolutePath());
  }
}
