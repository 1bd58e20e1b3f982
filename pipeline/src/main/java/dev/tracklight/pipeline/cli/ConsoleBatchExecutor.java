package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.s3.ResultCommit;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.Job;
import dev.tracklight.console.JobExecutor;
import dev.tracklight.console.JobOptions;
import dev.tracklight.console.JobStatus;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.batch.BatchPlan;
import dev.tracklight.pipeline.batch.RunLedger;
import dev.tracklight.pipeline.batch.WorkerProgress;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * The console's AWS Batch executor: each job is one run of {@code tracklight batch submit} (run id
 * = the console's job id, output prefix {@code OUT/JOB_ID/}), so the console submits exactly what
 * the CLI does and a submission repeated after a restart is a no-op (the run's ledger).
 *
 * <p><b>A job's life.</b> A work thread stages the input (an uploaded file is copied to
 * {@code OUT/JOB_ID/_input/NAME}; a pasted s3:// URI is used as it is) and the rules
 * ({@code _input/rules.yaml}), then runs the submit command in this JVM; the Batch job id it
 * records is the job's external id. One poll thread looks up every followed job with
 * DescribeJobs (Batch has no waiter for jobs) and maps its status: SUBMITTED..STARTING queued,
 * RUNNING running (with the worker's {@code _progress.json}, read once per poll), SUCCEEDED done once the worker's committed {@code result.json} is read and its
 * files are downloaded into the job's result folder, FAILED failed with the worker's error or
 * Batch's reason. Downloads and result reads run on the work threads so a large result does not
 * hold the poll. Deleting a job ({@link #purge}) removes every object under {@code OUT/JOB_ID/}.
 *
 * <p><b>Deadlines</b> (from the injected clock): a job Batch does not know for longer than
 * {@code missingGrace} after it was submitted or resumed is failed (Batch forgets jobs days after
 * they end); a job Batch reports SUCCEEDED whose result is not committed within
 * {@code resultWait} is failed. Batch's own attempt timeout ends a job that runs too long, so
 * no job is followed forever.
 *
 * <p><b>Threads.</b> {@link #tracked} is concurrent; a {@link Tracked}'s fields are written by
 * the work thread that submits it or the poll thread, and read by the other (volatile). The
 * {@code finishing} flag hands a job from the poll thread to one work thread at a time.
 */
public final class ConsoleBatchExecutor implements JobExecutor {

  public static final String NAME = "batch";
  static final String CANCEL_REASON = "cancelled from the Tracklight console";
  /** The most a running job shows: the rest is the upload, commit and download. */
  static final double MAX_RUNNING_PROGRESS = 0.99;
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleBatchExecutor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConsoleConfig.Batch config;
  private final S3Uri out;
  private final S3Storage s3;
  private final BatchAws batch;
  private final Clock clock;
  private final Duration missingGrace;
  private final Duration resultWait;
  private final ExecutorService work;
  private final ScheduledExecutorService poller;
  private final AtomicBoolean pollRequested = new AtomicBoolean();
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

  /** A job this console follows. */
  private static final class Tracked {
    final String jobId;
    final Listener listener;
    final Path outDir;
    volatile S3Uri resultPrefix;
    volatile String batchJobId;
    volatile String lastStatus;
    volatile Instant since;
    volatile Instant succeededAt;
    volatile boolean finishing;
    volatile boolean cancelled;
    /** The last progress reported to the listener (-1: none yet). */
    volatile double lastProgress = -1;

    Tracked(String jobId, Listener listener, Path outDir, Instant since) {
      this.jobId = jobId;
      this.listener = listener;
      this.outDir = outDir;
      this.since = since;
    }
  }

  private ConsoleBatchExecutor(ConsoleConfig.Batch config, S3Storage s3, BatchAws batch, Clock clock,
      Duration missingGrace, Duration resultWait) {
    this.config = config;
    this.out = S3Uri.parse(config.out()).asPrefix();
    this.s3 = s3;
    this.batch = batch;
    this.clock = clock;
    this.missingGrace = missingGrace;
    this.resultWait = resultWait;
    this.work = Executors.newFixedThreadPool(2, daemon("console-batch-work"));
    this.poller = Executors.newSingleThreadScheduledExecutor(daemon("console-batch-poll"));
    poller.scheduleWithFixedDelay(this::pollSafely, config.pollSeconds(), config.pollSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Checks the configuration against AWS (queue, job definition, a writable output prefix: one
   * line naming what is wrong, as {@code batch submit} says it) and starts following jobs.
   */
  public static ConsoleBatchExecutor start(ConsoleConfig.Batch config, Clock clock, Duration missingGrace,
      Duration resultWait) {
    S3Uri prefix = S3Uri.parse(config.out()).asPrefix();
    AwsSettings aws = AwsSettings.fromEnvironment();
    S3Storage s3 = new S3Storage(aws);
    BatchAws batch = new BatchAws(aws);
    try {
      batch.queue(config.queue());
      batch.requireJobDefinition(config.jobDefinition());
      s3.checkWritable(prefix);
    } catch (RuntimeException e) {
      batch.close();
      s3.close();
      throw e instanceof InvalidInputException ? e : new InvalidInputException("batch: " + e.getMessage(), e);
    }
    return new ConsoleBatchExecutor(config, s3, batch, clock, missingGrace, resultWait);
  }

  /** With the defaults: two minutes for a new job to appear in DescribeJobs, ten for a result. */
  public static ConsoleBatchExecutor start(ConsoleConfig.Batch config, Clock clock) {
    return start(config, clock, Duration.ofMinutes(2), Duration.ofMinutes(10));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void submit(String jobId, String video, Path outDir, JobOptions options, Listener listener) {
    Tracked t = new Tracked(jobId, listener, outDir, clock.instant());
    tracked.put(jobId, t);
    work.execute(() -> {
      try {
        submitNow(t, video, options);
      } catch (Exception e) {
        fail(t, "could not submit to AWS Batch: " + oneLine(e));
      }
    });
  }

  /**
   * A job with a Batch id is followed again (looked up at once); one without was not submitted
   * yet, or its console died before it recorded the id: it is submitted again, which the run's
   * ledger turns into a no-op when the job exists.
   */
  @Override
  public void resume(Job job, Path outDir, Listener listener) {
    if (job.externalId().isEmpty()) {
      submit(job.id(), job.source(), outDir, JobOptions.fromJson(job.options()), listener);
      return;
    }
    Tracked t = new Tracked(job.id(), listener, outDir, job.updatedAt());
    t.batchJobId = job.externalId().get();
    t.lastStatus = job.status() == JobStatus.RUNNING ? "RUNNING" : null;
    t.resultPrefix = resultPrefix(job.id(), videoUri(job.id(), job.source()));
    tracked.put(job.id(), t);
    requestPoll();
  }

  private void submitNow(Tracked t, String source, JobOptions options) throws IOException {
    S3Uri run = out.resolve(t.jobId + "/");
    String video = videoUri(t.jobId, source);
    if (!S3Uri.isS3(source)) {
      s3.upload(Path.of(source), S3Uri.parse(video)); // large files go up in parts, from disk
    } else if (S3Uri.parse(source).isGlob()) {
      fail(t, "one video per job: " + source + " is a pattern (use 'tracklight batch submit' for globs)");
      return;
    }
    List<String> args = new ArrayList<>(List.of("batch", "submit", video, "--out", run.toString(), "--run", t.jobId,
        "--queue", config.queue(), "--job-definition", config.jobDefinition(), "--json"));
    if (options.rules().isPresent()) {
      S3Uri rules = run.resolve("_input/rules.yaml");
      s3.put(rules, options.rules().get().getBytes(StandardCharsets.UTF_8), "application/yaml");
      args.addAll(List.of("--rules", rules.toString()));
    }
    if (!options.blurClasses().isEmpty()) {
      args.addAll(List.of("--blur", String.join(",", options.blurClasses())));
    }
    config.workerArgs().forEach(a -> args.add("--worker-arg=" + a));
    if (t.cancelled) {
      // Cancelled (or deleted) while staging: what was staged after the delete's purge goes too.
      try {
        s3.deletePrefix(run);
      } catch (RuntimeException e) {
        LOG.warn("job {}: could not remove its staged input under {}: {}", t.jobId, run, oneLine(e));
      }
      return;
    }
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    var cli = TracklightMain.commandLine();
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));
    int code = cli.execute(args.toArray(String[]::new));
    if (code != 0) {
      fail(t, "batch submit: " + BatchWorkerCommand.lastErrorLine(stderr.toString()));
      return;
    }
    JsonNode submitted = JSON.readTree(stdout.toString()).path("jobs");
    String id = submitted.size() > 0 ? submitted.get(0).path("job_id").asText() : ledgerJob(run);
    t.resultPrefix = resultPrefix(t.jobId, video);
    t.batchJobId = id;
    t.since = clock.instant();
    t.listener.accepted(id);
    LOG.info("job {}: AWS Batch job {}", t.jobId, id);
    if (t.cancelled) {
      terminate(id); // cancelled while it was being submitted
    }
    requestPoll();
  }

  /** The Batch job the run's ledger holds for its one video (a repeated submission sent none). */
  private String ledgerJob(S3Uri run) throws IOException {
    byte[] bytes = s3.readIfExists(run.resolve(RunLedger.FILE)).orElseThrow(() ->
        new IllegalStateException("batch submit sent no job and " + run.resolve(RunLedger.FILE) + " is missing"));
    return RunLedger.parse(bytes).entries().stream().flatMap(e -> e.latest().stream()).map(RunLedger.JobRef::describeId)
        .findFirst().orElseThrow(() -> new IllegalStateException("batch submit sent no job and the run has none"));
  }

  /** The video as the worker reads it: the staged copy of an upload, or the pasted URI. */
  private String videoUri(String jobId, String source) {
    return S3Uri.isS3(source) ? source
        : out.resolve(jobId + "/_input/" + Path.of(source).getFileName()).toString();
  }

  /** Where the worker commits: the run's prefix, the video's id (as {@code batch submit} plans it). */
  private S3Uri resultPrefix(String jobId, String videoUri) {
    return out.resolve(jobId + "/" + BatchPlan.videoId(videoUri) + "/");
  }

  /** What the console shows for a Batch status; DONE and FAILED still wait for the worker's result. */
  static JobStatus phase(String batchStatus) {
    return switch (batchStatus) {
      case "RUNNING" -> JobStatus.RUNNING;
      case "SUCCEEDED" -> JobStatus.DONE;
      case "FAILED" -> JobStatus.FAILED;
      default -> JobStatus.QUEUED; // SUBMITTED, PENDING, RUNNABLE, STARTING
    };
  }

  private void requestPoll() {
    if (pollRequested.compareAndSet(false, true)) {
      poller.execute(() -> {
        pollRequested.set(false);
        pollSafely();
      });
    }
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // AWS unreachable for a while: the jobs stay as they are and the next poll tries again.
      LOG.warn("AWS Batch lookup failed: {}", oneLine(e));
    }
  }

  /** One DescribeJobs round over every followed job. */
  void poll() {
    List<Tracked> open = tracked.values().stream().filter(t -> t.batchJobId != null && !t.finishing).toList();
    if (open.isEmpty()) {
      return;
    }
    Map<String, JobDetail> described = batch.describe(open.stream().map(t -> t.batchJobId).toList());
    Instant now = clock.instant();
    for (Tracked t : open) {
      JobDetail d = described.get(t.batchJobId);
      if (d == null) {
        if (now.isAfter(t.since.plus(missingGrace))) {
          fail(t, "AWS Batch has no job " + t.batchJobId + " (it forgets jobs some days after they end; retry it)");
        }
        continue;
      }
      String status = d.statusAsString();
      switch (phase(status)) {
        case RUNNING -> {
          if (!"RUNNING".equals(t.lastStatus)) {
            t.listener.running(t.batchJobId);
          }
          readProgress(t);
        }
        case DONE, FAILED -> {
          t.finishing = true;
          work.execute(() -> collect(t, d));
        }
        default -> { }
      }
      t.lastStatus = status;
    }
  }

  /**
   * The worker's {@code _progress.json} (one GetObject per running job per poll): missing (not
   * written yet), garbled or unreadable is no news, never a failure. Shown up to
   * {@link #MAX_RUNNING_PROGRESS}: 100 % means the results are here, which only the commit says.
   */
  private void readProgress(Tracked t) {
    S3Uri prefix = t.resultPrefix;
    if (prefix == null) {
      return;
    }
    try {
      s3.readIfExists(prefix.resolve(WorkerProgress.FILE)).flatMap(WorkerProgress::parse).ifPresent(p -> {
        double f = Math.min(p.fraction(), MAX_RUNNING_PROGRESS);
        if (f != t.lastProgress) { // a retried attempt starts again from 0: shown as it is
          t.lastProgress = f;
          t.listener.progress(f);
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("job {}: progress not readable: {}", t.jobId, oneLine(e));
    }
  }

  /** A job Batch finished: done with its files, or failed with the worker's or Batch's reason. */
  private void collect(Tracked t, JobDetail d) {
    try {
      JsonNode result = ResultCommit.read(s3, t.resultPrefix).orElse(null);
      if (result != null && "done".equals(result.path("status").asText())) {
        download(t, result);
        if (tracked.remove(t.jobId) != null) {
          t.listener.progress(1.0);
          t.listener.done();
        }
        return;
      }
      if (result != null) {
        fail(t, result.path("error").asText("the worker reported a failure"));
        return;
      }
      if (phase(d.statusAsString()) == JobStatus.FAILED) {
        fail(t, failureReason(d));
        return;
      }
      // SUCCEEDED before result.json is readable: wait for it, within a deadline.
      Instant now = clock.instant();
      if (t.succeededAt == null) {
        t.succeededAt = now;
      }
      if (now.isAfter(t.succeededAt.plus(resultWait))) {
        fail(t, "AWS Batch job " + t.batchJobId + " succeeded but the worker committed no result at "
            + t.resultPrefix.resolve(ResultCommit.RESULT) + " within " + resultWait.toMinutes() + " min");
        return;
      }
      t.finishing = false;
    } catch (Exception e) {
      LOG.warn("job {}: reading its result failed, trying again: {}", t.jobId, oneLine(e));
      t.finishing = false;
    }
  }

  /** The committed objects into {@code outDir/VIDEO_ID/}, same relative paths. */
  private void download(Tracked t, JsonNode result) throws IOException {
    String prefixKey = t.resultPrefix.key();
    Path root = t.outDir.resolve(t.resultPrefix.fileName());
    for (JsonNode o : result.path("objects")) {
      String key = o.path("key").asText();
      if (!key.startsWith(prefixKey) || key.contains("..")) {
        throw new IOException("result object " + key + " is outside " + t.resultPrefix);
      }
      s3.download(new S3Uri(t.resultPrefix.bucket(), key), root.resolve(key.substring(prefixKey.length())));
    }
  }

  /** Batch's reason for a failed job: its status reason and the last attempt's container reason and exit code. */
  static String failureReason(JobDetail d) {
    StringBuilder b = new StringBuilder("AWS Batch job failed");
    if (d.statusReason() != null && !d.statusReason().isBlank()) {
      b.append(": ").append(d.statusReason());
    }
    var container = d.container();
    if (container != null) {
      if (container.reason() != null && !container.reason().isBlank()) {
        b.append("; ").append(container.reason());
      }
      if (container.exitCode() != null) {
        b.append(" (exit ").append(container.exitCode()).append(')');
      }
    }
    return b.toString();
  }

  private void fail(Tracked t, String reason) {
    if (tracked.remove(t.jobId) != null) {
      t.listener.failed(reason);
    }
  }

  @Override
  public boolean cancel(String jobId) {
    Tracked t = tracked.remove(jobId);
    if (t == null) {
      return false;
    }
    t.cancelled = true;
    if (t.batchJobId != null) {
      terminate(t.batchJobId);
    }
    return true;
  }

  /**
   * Deletes every object under the job's own prefix {@code OUT/JOB_ID/} (staged input, rules,
   * ledger, results; a pasted s3:// video elsewhere is the user's and stays). {@link #cancel} has
   * terminated the Batch job already if it was queued or running.
   */
  @Override
  public void purge(Job job) throws IOException {
    S3Uri run = out.resolve(job.id() + "/");
    S3Storage.DeletedPrefix d;
    try {
      d = s3.deletePrefix(run);
    } catch (RuntimeException e) {
      throw new IOException("could not delete the job's S3 objects under " + run + ": " + oneLine(e)
          + "; the job is kept, delete it again", e);
    }
    if (!d.errors().isEmpty()) {
      throw new IOException("could not delete " + d.errors().size() + " of the job's S3 objects under " + run
          + " (first: " + d.errors().get(0) + "); the job is kept, delete it again");
    }
    LOG.info("job {}: deleted {} S3 objects under {}", job.id(), d.deleted(), run);
  }

  private void terminate(String batchJobId) {
    try {
      // TerminateJob ends a job in any state (CancelJob only those not yet RUNNING).
      batch.call(() -> batch.batch.terminateJob(b -> b.jobId(batchJobId).reason(CANCEL_REASON)));
    } catch (RuntimeException e) {
      LOG.warn("could not terminate AWS Batch job {}: {}", batchJobId, oneLine(e));
    }
  }

  /** Stops following; the Batch jobs go on and the next console finds them (reconcile). */
  @Override
  public void close() {
    poller.shutdownNow();
    work.shutdownNow();
    try {
      work.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    batch.close();
    s3.close();
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
