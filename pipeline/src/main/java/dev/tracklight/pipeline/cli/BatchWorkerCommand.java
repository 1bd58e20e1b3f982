package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.s3.ResultCommit;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.batch.CompletionReport;
import dev.tracklight.pipeline.batch.ProgressPublisher;
import dev.tracklight.pipeline.batch.WorkerProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracklight batch-worker}: what an AWS Batch job runs. Reads its video (arguments, or the
 * run's manifest line {@code offset + AWS_BATCH_JOB_ARRAY_INDEX}), downloads it to scratch, runs
 * the same Flink replay as {@code tracklight replay} (embedded MiniCluster, {@code --device auto}),
 * uploads the outputs and commits {@code result.json}, then reports the result record
 * ({@link CompletionReport}: an SQS message or an EventBridge event). While the replay runs, its
 * frame count is written to {@code _progress.json} under the output prefix at most every
 * {@link ProgressPublisher#INTERVAL} (the console's progress bar); the commit removes it, and it is
 * never a result. Exit codes are Batch's retry
 * rules: 0 done (or already committed), 2 bad input (committed as failed, never retried),
 * 1 transient (nothing committed, or the report not sent; retried, and a retry that finds the
 * result committed reports it again: at-least-once delivery).
 */
@Command(name = "batch-worker", mixinStandardHelpOptions = true,
    description = "Process one video of a batch run (the AWS Batch job's entry point).")
final class BatchWorkerCommand implements Callable<Integer> {

  @Option(names = "--run", required = true, paramLabel = "ID", description = "The run id.")
  String runId;

  @Option(names = "--video", paramLabel = "S3_URI", description = "The video (single jobs).")
  String video;

  @Option(names = "--out", paramLabel = "S3_PREFIX", description = "The video's output prefix (single jobs).")
  String out;

  @Option(names = "--manifest", paramLabel = "S3_URI",
      description = "The run's _manifest.jsonl (array jobs): the line offset + AWS_BATCH_JOB_ARRAY_INDEX.")
  String manifest;

  @Option(names = "--offset", defaultValue = "0", paramLabel = "N", description = "First manifest line of this array.")
  int offset;

  @Option(names = "--index", paramLabel = "N",
      description = "Manifest line to process (default: offset + AWS_BATCH_JOB_ARRAY_INDEX).")
  Integer index;

  @Option(names = "--rules", paramLabel = "FILE", description = "Highlight rules (file or s3://).")
  String rules;

  @Option(names = "--completion-queue", paramLabel = "URL",
      description = "SQS queue URL for the completion message (default: $TRACKLIGHT_COMPLETION_QUEUE_URL).")
  String completionQueue;

  @Option(names = "--completion-event-bus", paramLabel = "NAME|ARN",
      description = "EventBridge bus for the completion event instead (default: $TRACKLIGHT_COMPLETION_EVENT_BUS;"
          + " neither configured: no report).")
  String completionBus;

  @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
      description = "Detector device (default: ${DEFAULT-VALUE}: the instance's GPU when it has one).")
  String device;

  @Option(names = "--replay-arg", paramLabel = "ARG",
      description = "Further argument passed to the replay (repeatable), e.g. --replay-arg=--fps --replay-arg=5.")
  List<String> replayArgs = new ArrayList<>();

  @Spec
  CommandLine.Model.CommandSpec spec;

  /** How often at most the worker writes its progress object ({@link ProgressPublisher#INTERVAL}). */
  java.time.Duration progressInterval = ProgressPublisher.INTERVAL;

  /** The environment Batch sets (tests pass the child process's own). */
  Map<String, String> env = System.getenv();
  Clock clock = Clock.systemUTC();

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    // Where results are reported is checked before any work: a conflict is the job's configuration.
    CompletionReport report = CompletionReport.resolve(completionQueue, completionBus, env);
    try (Locations locations = Locations.fromEnvironment()) {
      Target t = target(locations);
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("run", runId);
      fields.put("video", t.video().toString());
      fields.put("id", t.id());
      fields.put("result_uri", t.out().toString());
      fields.put("job_id", env.getOrDefault("AWS_BATCH_JOB_ID", ""));
      fields.put("attempt", Integer.parseInt(env.getOrDefault("AWS_BATCH_JOB_ATTEMPT", "1")));
      if (t.index() >= 0) {
        fields.put("manifest_index", t.index());
      }
      Optional<JsonNode> done = ResultCommit.read(locations.s3(), t.out());
      if (done.isPresent()) {
        // A retry after the commit (or a resubmission): the result stands, nothing to redo.
        stdout.println("already committed: " + t.out().resolve(ResultCommit.RESULT));
        // The attempt that committed may have died before its report went out: send it again.
        notifyCompletion(report, done.get());
        return "failed".equals(done.get().path("status").asText()) ? TracklightMain.EXIT_BAD_INPUT : 0;
      }
      long t0 = System.nanoTime();
      Path local;
      try {
        local = locations.videos(List.of(t.video().toString())).get(0);
      } catch (InvalidInputException e) {
        return fail(locations, report, t, fields, e.getMessage());
      }
      long t1 = System.nanoTime();
      List<String> args = new ArrayList<>(List.of("replay", local.toString(), "--out",
          locations.scratch().resolve("out").toString(), "--device", device, "--progress-lines"));
      if (rules != null) {
        args.addAll(List.of("--rules", locations.file(rules).toString()));
      }
      args.addAll(replayArgs);
      // The same replay as the CLI's, in this JVM; its error line is the failure's reason.
      StringWriter replayErr = new StringWriter();
      CommandLine replay = TracklightMain.commandLine();
      // Its progress lines become _progress.json beside the results (for the console), throttled.
      S3Uri progressUri = t.out().resolve(WorkerProgress.FILE);
      ProgressPublisher progress = new ProgressPublisher(clock, progressInterval,
          bytes -> locations.s3().put(progressUri, bytes, "application/json"),
          e -> err.println("warning: could not write " + progressUri + ": " + e.getMessage()));
      int code;
      try (progress) {
        replay.setOut(new PrintWriter(new ReplayProgressTap(stdout, progress), true));
        replay.setErr(new PrintWriter(new TeeWriter(replayErr, err), true));
        code = replay.execute(args.toArray(String[]::new));
      }
      // Closed: no progress write is in flight, so the commit below removes the object for good.
      long t2 = System.nanoTime();
      if (code == TracklightMain.EXIT_BAD_INPUT) {
        // The user knows the video by its S3 URI, not by this machine's scratch path.
        return fail(locations, report, t, fields, lastErrorLine(replayErr.toString()).replace(local.toString(), t.video().toString()));
      }
      if (code != 0) {
        err.println("error: replay failed (exit " + code + "); nothing committed, Batch retries the job");
        return TracklightMain.EXIT_FAILURE;
      }
      Path dir = onlyOutputDir(locations.scratch().resolve("out"));
      JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
      Map<String, Object> timings = new LinkedHashMap<>();
      timings.put("download_s", (t1 - t0) / 1e9);
      timings.put("replay_s", (t2 - t1) / 1e9);
      fields.put("timings", timings);
      ObjectNode record = ResultCommit.commitDone(locations.s3(), dir, t.out(), summary, fields, clock);
      stdout.printf(Locale.ROOT, "committed %s%n", t.out().resolve(ResultCommit.RESULT));
      notifyCompletion(report, record);
      return 0;
    }
  }

  private record Target(S3Uri video, S3Uri out, String id, int index) {}

  private Target target(Locations locations) throws Exception {
    if (manifest == null) {
      if (video == null || out == null) {
        throw new InvalidInputException("batch-worker needs --video and --out, or --manifest");
      }
      S3Uri o = S3Uri.parse(out).asPrefix();
      return new Target(S3Uri.parse(video), o, o.fileName(), -1);
    }
    int line;
    if (index != null) {
      line = index;
    } else {
      String arrayIndex = env.get("AWS_BATCH_JOB_ARRAY_INDEX");
      // A one-video "array" is submitted as a single job: then no index is set and line = offset.
      line = offset + (arrayIndex == null ? 0 : Integer.parseInt(arrayIndex.trim()));
    }
    S3Uri m = S3Uri.parse(manifest);
    byte[] bytes = locations.s3().readIfExists(m).orElseThrow(() ->
        new InvalidInputException("manifest not found: " + manifest + " (expected the run's _manifest.jsonl)"));
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
    if (line < 0 || line >= lines.length) {
      throw new InvalidInputException("manifest line " + line + " out of range: " + manifest + " has " + lines.length + " lines");
    }
    JsonNode l = JSON.readTree(lines[line]);
    return new Target(S3Uri.parse(l.path("video").asText()), S3Uri.parse(l.path("out").asText()).asPrefix(),
        l.path("id").asText(), line);
  }

  private int fail(Locations locations, CompletionReport report, Target t, Map<String, Object> fields, String error)
      throws Exception {
    ObjectNode record = ResultCommit.commitFailed(locations.s3(), t.out(), error, fields, clock);
    spec.commandLine().getErr().println("error: " + error);
    notifyCompletion(report, record);
    return TracklightMain.EXIT_BAD_INPUT;
  }

  private void notifyCompletion(CompletionReport report, JsonNode record) {
    CompletionReport.send(report, record.toString(), dev.tracklight.connectors.s3.AwsSettings.fromEnvironment());
    spec.commandLine().getErr().println(CompletionReport.describe(report));
  }

  private static Path onlyOutputDir(Path outRoot) throws java.io.IOException {
    try (var s = java.nio.file.Files.list(outRoot)) {
      List<Path> dirs = s.filter(java.nio.file.Files::isDirectory).toList();
      if (dirs.size() != 1) {
        throw new IllegalStateException("expected one output folder under " + outRoot + ", found " + dirs);
      }
      return dirs.get(0);
    }
  }

  static String lastErrorLine(String err) {
    String last = "bad input";
    for (String l : err.split("\\R")) {
      if (l.startsWith("error: ")) {
        last = l.substring("error: ".length()).trim();
      }
    }
    return last;
  }

  /** Copies what the replay prints to the worker's own stderr (the job's log) and keeps it. */
  private static final class TeeWriter extends java.io.Writer {
    private final java.io.Writer a;
    private final java.io.Writer b;

    TeeWriter(java.io.Writer a, java.io.Writer b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws java.io.IOException {
      a.write(cbuf, off, len);
      b.write(cbuf, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      a.flush();
      b.flush();
    }

    @Override
    public void close() throws java.io.IOException {
      flush();
    }
  }
}
