package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.s3.ResultCommit;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.batch.BatchPlan;
import dev.tracklight.pipeline.batch.CompletionReport;
import dev.tracklight.pipeline.batch.JobSpec;
import dev.tracklight.pipeline.batch.RunLedger;
import dev.tracklight.pipeline.batch.VideoDurations;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.batch.model.ArrayProperties;
import software.amazon.awssdk.services.batch.model.ContainerOverrides;
import software.amazon.awssdk.services.batch.model.EvaluateOnExit;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.RetryStrategy;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobResponse;

/**
 * {@code tracklight batch submit}: one Batch job per video, or array jobs over the run's manifest.
 * Idempotent: the run's ledger ({@code RUN/_run.json}) and the committed results decide what is
 * still to do, so submitting the same run again submits only videos with no committed result and
 * no live job.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submit videos (S3 objects or globs) as AWS Batch jobs of a run.")
final class BatchSubmitCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "VIDEO", description = "s3://bucket/key or a glob over keys.")
  List<String> videoArgs;

  @Option(names = "--out", required = true, paramLabel = "S3_PREFIX",
      description = "The run's output prefix, e.g. s3://results/run-42 (one folder per video).")
  String out;

  @Option(names = "--run", paramLabel = "ID", description = "Run id (default: the last segment of --out).")
  String runId;

  @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "Batch job queue (name or ARN).")
  String queue;

  @Option(names = "--job-definition", required = true, paramLabel = "DEF",
      description = "Batch job definition (name, name:revision or ARN).")
  String jobDefinition;

  @Option(names = "--rules", paramLabel = "S3_URI", description = "Highlight rules for every video (an S3 object).")
  String rules;

  @Option(names = "--array", description = "One array job over RUN/_manifest.jsonl (split above 10,000 videos).")
  boolean array;

  @Option(names = "--completion-queue", paramLabel = "URL",
      description = "SQS queue URL for completion messages (default: the job definition's TRACKLIGHT_COMPLETION_QUEUE_URL).")
  String completionQueue;

  @Option(names = "--completion-event-bus", paramLabel = "NAME|ARN",
      description = "EventBridge bus for completion events instead (default: the job definition's"
          + " TRACKLIGHT_COMPLETION_EVENT_BUS).")
  String completionBus;

  @Option(names = "--worker-arg", paramLabel = "ARG",
      description = "Further argument for every worker (repeatable), e.g. --worker-arg=--replay-arg=--fps.")
  List<String> workerArgs = new ArrayList<>();

  @Option(names = "--blur", split = ",", paramLabel = "CLASS",
      description = "Blur these classes (e.g. person) in every output of every video (privacy): the"
          + " workers' replays get --blur.")
  List<String> blur = new ArrayList<>();

  @Option(names = "--probe-threads", defaultValue = "8", paramLabel = "N",
      description = "Videos whose duration (for the timeout) is read at once (default: ${DEFAULT-VALUE}).")
  int probeThreads;

  @Option(names = "--json", description = "Print the submitted jobs as JSON.")
  boolean json;

  @Option(names = "--dry-run", description = "Print the exact SubmitJob requests (JSON) and send nothing.")
  boolean dryRun;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  Clock clock = Clock.systemUTC();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    S3Uri prefix = S3Uri.parse(out).asPrefix();
    String run = runId != null ? runId : prefix.fileName();
    for (String c : blur) {
      if (!c.strip().matches("[A-Za-z][A-Za-z _-]*")) {
        throw new InvalidInputException("--blur: not a class name: " + c);
      }
    }
    if (!blur.isEmpty()) {
      // The worker validates the names against its model, as a local replay does.
      workerArgs.add("--replay-arg=--blur");
      workerArgs.add("--replay-arg=" + String.join(",", blur));
    }
    if (rules != null) {
      S3Uri.parse(rules); // the worker downloads it: it must be an S3 object
    }
    CompletionReport.resolve(completionQueue, completionBus, Map.of()); // both given: one line, exit 2
    AwsSettings aws = AwsSettings.fromEnvironment();
    PrintWriter stdout = spec.commandLine().getOut();
    try (S3Storage s3 = new S3Storage(aws); BatchAws batch = new BatchAws(aws)) {
      // Everything that can be wrong with the user's names fails before anything is sent.
      batch.queue(queue);
      batch.requireJobDefinition(jobDefinition);
      if (!dryRun) {
        s3.checkWritable(prefix);
      }
      if (rules != null) {
        s3.head(S3Uri.parse(rules));
      }
      Set<S3Uri> found = new LinkedHashSet<>();
      Map<S3Uri, Long> sizes = new HashMap<>();
      for (String a : videoArgs) {
        for (S3Storage.ObjectInfo o : s3.list(S3Uri.parse(a))) {
          if (found.add(o.uri())) {
            sizes.put(o.uri(), o.size());
          }
        }
      }
      RunLedger ledger = s3.readIfExists(prefix.resolve(RunLedger.FILE)).map(b -> {
        try {
          return RunLedger.parse(b);
        } catch (java.io.IOException e) {
          throw new InvalidInputException(prefix.resolve(RunLedger.FILE) + " is not a run ledger: " + e.getMessage());
        }
      }).orElseGet(() -> RunLedger.create(run, prefix.toString(), queue, jobDefinition));
      if (!ledger.runId().equals(run)) {
        throw new InvalidInputException(prefix + " holds run '" + ledger.runId() + "', not '" + run + "'");
      }
      // The manifest keeps earlier videos at their lines; new ones are appended.
      List<RunLedger.Entry> known = ledger.entries();
      Map<String, RunLedger.Entry> byId = new HashMap<>();
      List<String> order = new ArrayList<>();
      for (RunLedger.Entry e : known) {
        byId.put(e.id(), e);
        order.add(e.uri());
      }
      for (S3Uri u : found) {
        if (!byId.containsKey(BatchPlan.videoId(u.toString())) && !order.contains(u.toString())) {
          order.add(u.toString());
        }
      }
      Map<String, OptionalDouble> durations = probe(s3, order, byId);
      List<BatchPlan.Video> manifest = new ArrayList<>();
      for (String uri : order) {
        long size = sizes.containsKey(S3Uri.parse(uri)) ? sizes.get(S3Uri.parse(uri))
            : byId.get(BatchPlan.videoId(uri)).size();
        manifest.add(new BatchPlan.Video(uri, size, durations.getOrDefault(uri, OptionalDouble.empty())));
      }
      Map<String, String> env = new LinkedHashMap<>();
      // An override of either kind replaces the job definition's choice: the other is blanked.
      if (completionQueue != null || completionBus != null) {
        env.put(CompletionReport.QUEUE_ENV, completionQueue == null ? "" : completionQueue);
        env.put(CompletionReport.BUS_ENV, completionBus == null ? "" : completionBus);
      }
      BatchPlan.Settings settings = new BatchPlan.Settings(run, prefix.toString(), queue, jobDefinition,
          Optional.ofNullable(rules), workerArgs, env);
      List<Integer> todo = todo(s3, batch, prefix, manifest, byId, found);
      S3Uri manifestUri = prefix.resolve(RunLedger.MANIFEST);
      List<JobSpec> jobs = array ? BatchPlan.arrayJobs(settings, manifestUri.toString(), manifest, todo)
          : BatchPlan.singleJobs(settings, todo.stream().map(manifest::get).toList());
      if (dryRun) {
        List<Map<String, Object>> requests = jobs.stream().map(JobSpec::toApiMap).toList();
        stdout.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(requests));
        return 0;
      }
      for (int i = 0; i < manifest.size(); i++) {
        ledger.putVideo(BatchPlan.videoId(manifest.get(i).uri()), manifest.get(i), i);
      }
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < manifest.size(); i++) {
        lines.append(JSON.writeValueAsString(BatchPlan.manifestLine(settings, i, manifest.get(i)))).append('\n');
      }
      // The manifest and the ledger first: a child that starts at once finds its line.
      s3.put(manifestUri, lines.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
      s3.put(prefix.resolve(RunLedger.FILE), ledger.toBytes(), "application/json");
      List<Map<String, Object>> submitted = new ArrayList<>();
      try {
        for (JobSpec job : jobs) {
          SubmitJobResponse r = batch.call(() -> batch.batch.submitJob(request(job)));
          String at = clock.instant().toString();
          for (int k = 0; k < job.videoIds().size(); k++) {
            ledger.recordJob(job.videoIds().get(k), new RunLedger.JobRef(
                job.isArray() ? r.jobId() + ":" + k : r.jobId(), job.jobName(),
                job.isArray() ? Optional.of(r.jobId()) : Optional.empty(),
                job.isArray() ? Optional.of(k) : Optional.empty(), at));
          }
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("job_id", r.jobId());
          m.put("job_name", job.jobName());
          m.put("array_size", job.arraySize());
          m.put("videos", job.videoIds());
          submitted.add(m);
        }
      } finally {
        // Whatever was sent is recorded, even if a later SubmitJob failed.
        ledger.recordSubmission(clock.instant(), submitted.size(), todo.size());
        s3.put(prefix.resolve(RunLedger.FILE), ledger.toBytes(), "application/json");
        RunIndex.remember(run, prefix.toString());
      }
      if (json) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("run", run);
        o.put("out", prefix.toString());
        o.put("videos", manifest.size());
        o.put("skipped", manifest.size() - todo.size());
        o.put("jobs", submitted);
        stdout.println(JSON.writeValueAsString(o));
      } else {
        stdout.printf(Locale.ROOT, "run %s: %d video(s), %d submitted in %d job(s), %d already done or live%n",
            run, manifest.size(), todo.size(), submitted.size(), manifest.size() - todo.size());
        stdout.printf(Locale.ROOT, "follow it: tracklight batch status %s --out %s%n", run, parentOf(prefix));
      }
      return 0;
    }
  }

  static String parentOf(S3Uri prefix) {
    String k = prefix.key().endsWith("/") ? prefix.key().substring(0, prefix.key().length() - 1) : prefix.key();
    int slash = k.lastIndexOf('/');
    return S3Uri.SCHEME + prefix.bucket() + "/" + (slash < 0 ? "" : k.substring(0, slash + 1));
  }

  /** Manifest lines still to submit: in this submission's videos, not committed, no live job. */
  private List<Integer> todo(S3Storage s3, BatchAws batch, S3Uri prefix, List<BatchPlan.Video> manifest,
      Map<String, RunLedger.Entry> byId, Set<S3Uri> requested) throws Exception {
    List<String> live = new ArrayList<>();
    for (RunLedger.Entry e : byId.values()) {
      e.latest().ifPresent(j -> live.add(j.describeId()));
    }
    Map<String, JobDetail> described = batch.describe(live);
    List<Integer> todo = new ArrayList<>();
    for (int i = 0; i < manifest.size(); i++) {
      String uri = manifest.get(i).uri();
      if (!requested.contains(S3Uri.parse(uri))) {
        continue;
      }
      String id = BatchPlan.videoId(uri);
      if (ResultCommit.read(s3, prefix.resolve(id + "/")).isPresent()) {
        continue; // committed: done, or failed for its input (a new run re-tries it, not this one)
      }
      RunLedger.Entry e = byId.get(id);
      if (e != null && e.latest().isPresent()) {
        JobDetail d = described.get(e.latest().get().describeId());
        if (d != null && !BatchStatusCommand.TERMINAL.contains(d.statusAsString())) {
          continue;
        }
      }
      todo.add(i);
    }
    return todo;
  }

  private Map<String, OptionalDouble> probe(S3Storage s3, List<String> uris, Map<String, RunLedger.Entry> known)
      throws Exception {
    Map<String, OptionalDouble> out = new HashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, probeThreads));
    try {
      Map<String, Future<OptionalDouble>> f = new LinkedHashMap<>();
      for (String u : uris) {
        f.put(u, pool.submit(() -> VideoDurations.probe(s3.presignGet(S3Uri.parse(u), Duration.ofMinutes(10)))));
      }
      for (var e : f.entrySet()) {
        out.put(e.getKey(), e.getValue().get());
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  static SubmitJobRequest request(JobSpec job) {
    SubmitJobRequest.Builder b = SubmitJobRequest.builder()
        .jobName(job.jobName()).jobQueue(job.jobQueue()).jobDefinition(job.jobDefinition())
        .containerOverrides(ContainerOverrides.builder().command(job.command())
            .environment(job.environment().entrySet().stream()
                .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build()).toList())
            .build())
        .retryStrategy(RetryStrategy.builder().attempts(job.attempts()).evaluateOnExit(
            JobSpec.EVALUATE_ON_EXIT.stream().map(m -> EvaluateOnExit.builder()
                .onStatusReason(m.get("onStatusReason")).onExitCode(m.get("onExitCode"))
                .onReason(m.get("onReason")).action(m.get("action")).build()).toList()).build())
        .timeout(t -> t.attemptDurationSeconds((int) Math.min(Integer.MAX_VALUE, job.timeoutSeconds())))
        .tags(job.tags()).propagateTags(true);
    if (job.isArray()) {
      b.arrayProperties(ArrayProperties.builder().size(job.arraySize()).build());
    }
    return b.build();
  }

}
