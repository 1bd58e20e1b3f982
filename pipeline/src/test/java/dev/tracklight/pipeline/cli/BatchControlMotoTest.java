package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.s3.ResultCommit;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.pipeline.batch.BatchPlan;
import dev.tracklight.pipeline.batch.CompletionReport;
import dev.tracklight.pipeline.batch.MotoServer;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Controlling a run against a real {@code moto_server}, with the project's template deployed as
 * {@code CompletionTarget=eventbridge}: the worker's completion event reaches the completion queue
 * through the stack's bus and rule; {@code batch cancel} ends every unfinished job;
 * {@code batch status --watch} repeats until every video is finished. moto holds every job in
 * SUBMITTED ({@link MotoServer#holdBatchJobsQueued}), so the run is unfinished until the test
 * commits results, and a watch advances by an injected wait, not by time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchControlMotoTest {

  static final ObjectMapper JSON = new ObjectMapper();

  MotoBatchStack stack;
  Path tmp;
  String bucket;
  String queueArn;
  String definitionArn;
  String completionQueue;
  String busArn;
  S3Client s3;
  BatchClient batch;
  SqsClient sqs;
  S3Storage storage;

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("batch-control-");
    stack = MotoBatchStack.start("tlevents",
        Map.of("Image", "tracklight:test", "CompletionTarget", "eventbridge"), true, tmp);
    s3 = stack.s3;
    batch = stack.batch;
    sqs = stack.sqs;
    storage = stack.storage;
    Map<String, String> outputs = stack.outputs;
    bucket = outputs.get("BucketName");
    queueArn = outputs.get("JobQueueArn");
    definitionArn = outputs.get("JobDefinitionArn");
    completionQueue = outputs.get("CompletionQueueUrl");
    busArn = outputs.get("CompletionEventBusArn");
    assertTrue(busArn != null && busArn.startsWith("arn:aws:events:") && busArn.endsWith(":event-bus/tlevents-completion"),
        "bus output: " + outputs);
    byte[] video = BatchSubmitScaleTest.tinyVideo(tmp.resolve("tiny.mp4"));
    for (String key : List.of("inputs/a/cam-1.mp4", "inputs/a/cam-2.mp4", "inputs/w/cam-1.mp4", "inputs/w/cam-2.mp4")) {
      s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(video));
    }
  }

  @AfterAll
  void stop() throws Exception {
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

  @Test
  void theWorkersCompletionEventReachesTheQueueThroughTheStacksBusAndRule() throws Exception {
    // The template's wiring: the job definition names the bus, the job role may put events on it only.
    var definition = batch.describeJobDefinitions(b -> b.jobDefinitions(definitionArn)).jobDefinitions().get(0);
    Map<String, String> defEnv = new HashMap<>();
    definition.containerProperties().environment().forEach(kv -> defEnv.put(kv.name(), kv.value()));
    assertEquals(busArn, defEnv.get(CompletionReport.BUS_ENV), defEnv.toString());
    assertFalse(defEnv.containsKey(CompletionReport.QUEUE_ENV), defEnv.toString());
    String roleArn = definition.containerProperties().jobRoleArn();
    JsonNode policy = rolePolicy(roleArn.substring(roleArn.lastIndexOf('/') + 1), "tracklight-worker");
    List<JsonNode> complete = new ArrayList<>();
    for (JsonNode st : policy.path("Statement")) {
      assertFalse(st.toString().contains("sqs:"), "no SQS permission with EventBridge: " + st);
      if (st.path("Sid").asText().equals("Complete")) {
        complete.add(st);
      }
    }
    assertEquals(1, complete.size(), policy.toString());
    assertEquals("events:PutEvents", complete.get(0).path("Action").asText(), complete.get(0).toString());
    assertEquals(busArn, complete.get(0).path("Resource").asText(), "PutEvents on the stack's bus only");

    String trunc = "s3://" + bucket + "/inputs/e/truncated.mp4";
    s3.putObject(b -> b.bucket(bucket).key("inputs/e/truncated.mp4"), RequestBody.fromBytes(new byte[4096]));
    s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("inputs/a/cam-1.mp4").destinationBucket(bucket)
        .destinationKey("inputs/e/cam-1.mp4"));
    CliRun submit = CliRun.of("batch", "submit", "s3://" + bucket + "/inputs/e/*.mp4", "--out",
        "s3://" + bucket + "/results/run-events", "--queue", queueArn, "--job-definition", definitionArn, "--json");
    assertEquals(0, submit.exitCode(), submit.err());
    Map<String, Integer> exits = new HashMap<>();
    for (JsonNode j : JSON.readTree(submit.out()).path("jobs")) {
      exits.put(j.path("videos").get(0).asText(), play(j.path("job_id").asText()));
    }
    String goodId = BatchPlan.videoId("s3://" + bucket + "/inputs/e/cam-1.mp4");
    String badId = BatchPlan.videoId(trunc);
    assertEquals(Map.of(goodId, 0, badId, 2), exits);

    Map<String, JsonNode> events = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (events.size() < 2 && System.nanoTime() < deadline) {
      for (Message m : sqs.receiveMessage(b -> b.queueUrl(completionQueue).maxNumberOfMessages(10).waitTimeSeconds(1))
          .messages()) {
        JsonNode event = JSON.readTree(m.body());
        events.put(event.path("detail").path("id").asText(), event);
        sqs.deleteMessage(b -> b.queueUrl(completionQueue).receiptHandle(m.receiptHandle()));
      }
    }
    assertEquals(2, events.size(), "one event per video: " + events);
    for (String id : List.of(goodId, badId)) {
      JsonNode event = events.get(id);
      assertEquals(CompletionReport.SOURCE, event.path("source").asText(), event.toString());
      assertEquals(CompletionReport.DETAIL_TYPE, event.path("detail-type").asText(), event.toString());
      // The detail is the committed result record, as written to result.json.
      JsonNode result = ResultCommit.read(storage, new S3Uri(bucket, "results/run-events/" + id + "/")).orElseThrow();
      assertEquals(result, event.path("detail"));
    }
    assertEquals("done", events.get(goodId).path("detail").path("status").asText());
    assertEquals("failed", events.get(badId).path("detail").path("status").asText());
  }

  @Test
  void bothAQueueAndABusIsOneLine() {
    CliRun run = CliRun.of("batch", "submit", "s3://" + bucket + "/inputs/a/*.mp4", "--out",
        "s3://" + bucket + "/results/run-both", "--queue", queueArn, "--job-definition", definitionArn,
        "--completion-queue", completionQueue, "--completion-event-bus", busArn);
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine(), run.err());
    assertTrue(run.err().contains("expected one"), run.err());
  }

  @Test
  void cancelEndsEveryUnfinishedJobOnceAndSaysHowMany() throws Exception {
    for (String extra : List.of("", "--array")) {
      String run = extra.isEmpty() ? "run-cancel" : "run-cancel-array";
      List<String> args = new ArrayList<>(List.of("batch", "submit", "s3://" + bucket + "/inputs/a/*.mp4",
          "--out", "s3://" + bucket + "/results/" + run, "--queue", queueArn, "--job-definition", definitionArn, "--json"));
      if (!extra.isEmpty()) {
        args.add(extra);
      }
      CliRun submit = CliRun.of(args.toArray(String[]::new));
      assertEquals(0, submit.exitCode(), submit.err());
      List<String> ids = new ArrayList<>();
      JSON.readTree(submit.out()).path("jobs").forEach(j -> ids.add(j.path("job_id").asText()));
      assertEquals(extra.isEmpty() ? 2 : 1, ids.size(), submit.out());
      for (JobDetail d : batch.describeJobs(b -> b.jobs(ids)).jobs()) {
        assertEquals("SUBMITTED", d.statusAsString());
      }

      CliRun cancel = CliRun.of("batch", "cancel", run, "--out", "s3://" + bucket + "/results");
      assertEquals(0, cancel.exitCode(), cancel.err());
      // An array is ended through its parent: one call for all its children.
      int n = ids.size();
      assertEquals("run " + run + ": " + n + " job(s) cancelled (" + n + " queued, 0 running terminated)",
          cancel.out().strip());
      for (JobDetail d : batch.describeJobs(b -> b.jobs(ids)).jobs()) {
        assertEquals(BatchCancelCommand.REASON_PREFIX + run, d.statusReason(), d.toString());
      }
    }
    CliRun unknown = CliRun.of("batch", "cancel", "no-such-run", "--out", "s3://" + bucket + "/results");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, unknown.exitCode(), unknown.err());
    assertTrue(unknown.errIsOneLine() && unknown.err().contains("no run ledger"), unknown.err());
  }

  @Test
  void watchRepeatsTheReportUntilEveryVideoIsFinished() throws Exception {
    String run = "run-watch";
    CliRun submit = CliRun.of("batch", "submit", "s3://" + bucket + "/inputs/w/*.mp4", "--out",
        "s3://" + bucket + "/results/" + run, "--queue", queueArn, "--job-definition", definitionArn, "--json");
    assertEquals(0, submit.exitCode(), submit.err());
    List<String> videos = List.of("s3://" + bucket + "/inputs/w/cam-1.mp4", "s3://" + bucket + "/inputs/w/cam-2.mp4");
    // Each wait between two reports "finishes" one video: its job is committed as failed.
    List<Long> waits = new ArrayList<>();
    BatchStatusCommand.Sleeper commitOne = millis -> {
      S3Uri dir = new S3Uri(bucket, "results/" + run + "/" + BatchPlan.videoId(videos.get(waits.size())) + "/");
      waits.add(millis);
      try {
        ResultCommit.commitFailed(storage, dir, "stopped by the test", Map.of("run", run), Clock.systemUTC());
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    };
    Instant at = Instant.parse("2026-12-04T10:00:00Z");
    String logged = watch(run, false, commitOne, at);
    assertEquals(List.of(7000L, 7000L), waits, "two waits of --interval 7 s, then every video is finished");
    assertFalse(logged.contains("\033["), "no terminal control codes in a log: " + logged);
    List<String> headers = logged.lines().filter(l -> l.startsWith("run " + run + " ")).toList();
    assertEquals(3, headers.size(), logged);
    assertEquals(3, logged.lines().filter(l -> l.equals("-- 2026-12-04T10:00:00Z")).count(), logged);
    assertTrue(headers.get(0).contains("submitted=2"), headers.get(0));
    assertTrue(headers.get(1).contains("failed=1") && headers.get(1).contains("submitted=1"), headers.get(1));
    assertTrue(headers.get(2).contains("failed=2"), headers.get(2));
    assertTrue(logged.contains("excludes instance start-up before a job starts, idle time before the compute"
        + " environment scales down"), "the cost estimate says what it leaves out: " + logged);

    // On a terminal the report is redrawn in place; a finished run is drawn once, without waiting.
    String drawn = watch(run, true, millis -> {
      throw new AssertionError("no wait expected: the run is finished");
    }, at);
    assertTrue(drawn.startsWith("\033[H\033[2J"), drawn);
    assertEquals(1, drawn.lines().filter(l -> l.contains("run " + run + " ")).count(), drawn);
  }

  private String watch(String run, boolean terminal, BatchStatusCommand.Sleeper sleeper, Instant at) {
    CommandLine cli = TracklightMain.commandLine();
    BatchStatusCommand status = (BatchStatusCommand) cli.getSubcommands().get("batch").getSubcommands()
        .get("status").getCommand();
    status.terminal = terminal;
    status.sleeper = sleeper;
    status.clock = Clock.fixed(at, ZoneOffset.UTC);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("batch", "status", run, "--out", "s3://" + bucket + "/results", "--watch", "--interval", "7");
    assertEquals(0, code, err.toString());
    return out.toString();
  }

  /**
   * IAM GetRolePolicy through moto's query API (no IAM client in the build): moto routes the
   * request by its credential scope and does not check the signature.
   */
  private JsonNode rolePolicy(String role, String name) throws Exception {
    String body = "Action=GetRolePolicy&Version=2010-05-08&RoleName=" + URLEncoder.encode(role, StandardCharsets.UTF_8)
        + "&PolicyName=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(stack.moto.endpoint() + "/"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + MotoServer.ACCESS_KEY
            + "/20261204/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    String xml = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("<PolicyDocument>(.*?)</PolicyDocument>", Pattern.DOTALL).matcher(xml);
    assertTrue(m.find(), xml);
    String doc = m.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&apos;", "'").replace("&amp;", "&");
    // moto keeps a stack's inline policy as Python's repr of the parsed document (single quotes).
    ObjectMapper lenient = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    return lenient.readTree(doc.startsWith("%") ? URLDecoder.decode(doc, StandardCharsets.UTF_8) : doc);
  }

  /** Runs a job as Batch would (its command and environment from DescribeJobs); the exit code. */
  private int play(String jobId) throws Exception {
    BatchWorkerPlayer.Played played = BatchWorkerPlayer.play(batch, jobId, stack.childEnvironment(), tmp);
    if (played.exitCode() == 0) {
      assertTrue(played.output().contains("completion event sent to event bus " + busArn), played.output());
    }
    return played.exitCode();
  }
}
