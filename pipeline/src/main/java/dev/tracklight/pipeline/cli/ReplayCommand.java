package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.alerts.KinesisAlertSinkOptions;
import dev.tracklight.connectors.alerts.KinesisReachability;
import dev.tracklight.connectors.media.HighlightMediaOptions;
import dev.tracklight.connectors.media.InputFiles;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.connectors.sink.ReplayProgress;
import dev.tracklight.connectors.video.FrameSampling;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ModelInfo;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.ReplicatedDetector;
import dev.tracklight.inference.engine.EngineThreads;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.inference.batching.BatchingDetectionService;
import dev.tracklight.inference.batching.SharedDetectionServices;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.TrackerAlgorithm;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.config.RuleConfig;
import dev.tracklight.pipeline.job.AlertSinks;
import dev.tracklight.pipeline.job.ClusterJobProgress;
import dev.tracklight.pipeline.job.EarlyLocalCluster;
import dev.tracklight.pipeline.job.JobEnvironments;
import dev.tracklight.pipeline.job.ReplayInputs;
import dev.tracklight.pipeline.job.ReplayJob;
import dev.tracklight.pipeline.replay.SerialReplay;
import dev.tracklight.connectors.s3.ResultCommit;
import dev.tracklight.connectors.s3.S3Uri;
import java.io.IOException;
import java.time.Clock;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;
import java.util.function.UnaryOperator;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracklight replay}: archived videos through the Flink job (embedded MiniCluster, or a
 * running cluster with {@code --jobmanager}); per video {@code OUT/<name>/} gets the annotated
 * video, tracks (JSON lines and MOT), the highlights' media (highlights.json, highlights.vtt,
 * clips/, thumbs/, reel.mp4) and a summary.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay videos through the Flink job: annotated video, tracks, highlight clips,"
        + " thumbnails, reel and summary per video.")
final class ReplayCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "VIDEO", description = "Video files (any format FFmpeg reads),"
      + " S3 objects and globs over keys (s3://bucket/2026-12-01/*.mp4), or Kinesis Video streams"
      + " (kvs://NAME or a stream ARN, with --from and --to).")
  List<String> videoArgs;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory, or an S3 prefix (each video's outputs, committed by its result.json).")
  String outArg;

  /** The local videos and output root, resolved from the arguments (S3 ones staged). */
  private List<Path> videos;
  private Path out;
  private Optional<S3Uri> outS3 = Optional.empty();
  private final Map<Path, String> origins = new LinkedHashMap<>();


  @Option(names = "--parallelism", defaultValue = "1", paramLabel = "N",
      description = "Flink parallelism: videos replayed at once (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--jobmanager", paramLabel = "HOST:PORT",
      description = "Submit to this Flink cluster (REST address) instead of the embedded MiniCluster;"
          + " the videos and --out must be on a file system the TaskManagers share.")
  String jobManager;

  @Option(names = "--fps", paramLabel = "FPS",
      description = "Replay about this many frames per second of video (sampling; default: every frame).")
  Double sampleFps;

  @Option(names = "--max-delay-ms", defaultValue = "10", paramLabel = "MS",
      description = "How long a frame may wait for others to fill a batch (default: ${DEFAULT-VALUE}).")
  int maxDelayMs;

  @Option(names = "--checkpoint-interval-ms", defaultValue = "0", paramLabel = "MS",
      description = "Checkpoint interval; 0 disables checkpoints (default: ${DEFAULT-VALUE}).")
  long checkpointMs;

  @Option(names = "--checkpoint-dir", paramLabel = "URI", description = "Checkpoint storage, e.g. file:///tmp/chk.")
  String checkpointDir;

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Highlight rules (YAML with a top-level 'rules:' list, a file or s3:// object) applied"
          + " to every video; default: the activity rule.")
  String rulesArg;

  @Option(names = "--reel-seconds", defaultValue = "60", paramLabel = "S",
      description = "Length budget of each video's reel.mp4: its best highlights' clips that fit,"
          + " in time order; 0 = no reel (default: ${DEFAULT-VALUE}).")
  double reelSeconds;

  @Option(names = "--no-draw-rules",
      description = "Do not draw the rules' zones (with occupancy), lines (with in/out counts) and"
          + " alert state into the annotated video.")
  boolean noDrawRules;

  @Option(names = "--alerts", paramLabel = "FILE",
      description = "Also append the replay's alerts (JSON lines, docs/alert.schema.json) to FILE; an"
          + " s3:// object is written whole (replaced) once the replay succeeded; kinesis://STREAM puts"
          + " them on that Kinesis data stream (standard AWS configuration), as a live job would.")
  String alertsArg;

  /** {@code --alerts kinesis://STREAM}: the stream name or ARN after the scheme. */
  static final String KINESIS_SCHEME = "kinesis://";

  /** Where the job appends alerts: --alerts itself, or a scratch file uploaded to its S3 object. */
  private Path alertsFile;
  /** Or the Kinesis stream it puts them on. */
  private KinesisAlertSinkOptions alertsStream;

  @Option(names = "--tracker", defaultValue = "oc-bytetrack", paramLabel = "NAME",
      description = "Tracking algorithm: oc-bytetrack (ByteTrack with OC-SORT's observation-centric"
          + " additions) or bytetrack (the original, exactly) (default: ${DEFAULT-VALUE}).")
  String tracker = "oc-bytetrack";

  @Option(names = "--track-thresh", paramLabel = "SCORE",
      description = "Tracker's detection score threshold, as tracking.track_thresh in cameras.yaml: a track"
          + " starts 0.1 above it (default: 0.5). Lower it with --conf for small, low-scoring objects.")
  Double trackThresh;

  @Option(names = "--blur", split = ",", paramLabel = "CLASS",
      description = "Blur the boxes of these classes (e.g. person) in every output: the annotated"
          + " video and so its clips, thumbnails and reel (privacy).")
  List<String> blurClassNames = List.of();

  @Option(names = "--blur-kernel", defaultValue = "31", paramLabel = "PX",
      description = "Box-blur window of --blur, odd, 3..255 px (default: ${DEFAULT-VALUE}).")
  int blurKernel;

  /** --blur as class ids of the model, resolved once its class names are known. */
  private java.util.Set<Integer> blurIds = java.util.Set.of();

  @Option(names = "--progress-lines", hidden = true,
      description = "Print 'progress DONE TOTAL' lines (frames) on stdout about once a second: how"
          + " `tracklight serve` follows the replays it runs.")
  boolean progressLines;

  // Initialised: `demo` builds a ReplayCommand by hand, without picocli (which reuses this instance).
  @Mixin
  KvsArchiveOptions kvsOptions = new KvsArchiveOptions();

  @Mixin
  DetectorOptionsMixin detectorOptions;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private List<ReplayJob.Input> replayed = List.of();

  /** Generous: a frame waits for its batch, the batches ahead of it, and a cold model load. */
  static final Duration ASYNC_TIMEOUT = Duration.ofMinutes(5);

  @Override
  public Integer call() throws Exception {
    tracking(); // an unknown --tracker or a bad --track-thresh fails before any work
    if (!blurClassNames.isEmpty()) {
      AnnotationStyle.defaults().withBlur(java.util.Set.of(), blurKernel); // a bad --blur-kernel fails now
    }
    if (maxDelayMs < 0 || checkpointMs < 0) {
      throw new InvalidInputException("--max-delay-ms and --checkpoint-interval-ms must be >= 0");
    }
    if (sampleFps != null && !(sampleFps > 0 && sampleFps <= 1000)) {
      throw new InvalidInputException("--fps must be in (0, 1000], got " + sampleFps);
    }
    // Kinesis Video inputs and their range are checked before --out is created.
    Map<String, dev.tracklight.connectors.kvs.KvsCamera> streams =
        kvsOptions.streams(videoArgs, dev.tracklight.connectors.s3.AwsSettings.fromEnvironment());
    try (Locations locations = Locations.fromEnvironment()) {
      // Output first: a bad --out fails in one line before anything is downloaded or started.
      Locations.Out o = locations.out(outArg);
      out = o.local();
      outS3 = o.s3();
      Locations.OutFile alerts = null;
      if (alertsArg != null && alertsArg.startsWith(KINESIS_SCHEME)) {
        try {
          alertsStream = KinesisAlertSinkOptions.of(alertsArg.substring(KINESIS_SCHEME.length()));
        } catch (InvalidInputException e) {
          throw new InvalidInputException("--alerts " + alertsArg + ": " + e.getMessage());
        }
        KinesisReachability.require("--alerts " + alertsArg, alertsStream, KinesisReachability.DEFAULT_TIMEOUT);
      } else if (alertsArg != null) {
        alerts = locations.outFile("--alerts", alertsArg);
      }
      alertsFile = alerts == null ? null : alerts.local();
      videos = new ArrayList<>();
      for (String a : videoArgs) {
        if (streams.containsKey(a)) {
          Path archive = locations.kvsArchive(streams.get(a), kvsOptions.from(), kvsOptions.to());
          videos.add(archive);
          origins.put(archive, a);
          continue;
        }
        for (Path p : locations.videos(List.of(a))) {
          videos.add(p);
          origins.put(p, locations.origin(p).map(S3Uri::toString).orElse(a));
        }
      }
      if (S3Uri.isS3(detectorOptions.model)) {
        detectorOptions.model = locations.file(detectorOptions.model).toString();
      }
      int code = replay(locations.file(rulesArg));
      if (code == 0 && outS3.isPresent()) {
        upload(locations);
      }
      if (code == 0 && alerts != null && alerts.s3().isPresent()) {
        // No alert, no file from the sink: an empty object still says "replayed, nothing alerted".
        if (!Files.exists(alertsFile)) {
          Files.createFile(alertsFile);
        }
        locations.s3().upload(alertsFile, alerts.s3().get());
        spec.commandLine().getOut().println("  uploaded " + alerts.s3().get());
      }
      return code;
    }
  }

  /** Uploads each video's outputs under the S3 prefix and commits them (result.json last). */
  private void upload(Locations locations) throws IOException {
    ObjectMapper json = new ObjectMapper();
    PrintWriter stdout = spec.commandLine().getOut();
    for (ReplayJob.Input in : replayed) {
      Path dir = Path.of(in.video().outputDir());
      S3Uri prefix = outS3.get().resolve(dir.getFileName().toString() + "/");
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("video", origins.getOrDefault(Path.of(in.video().path()), in.video().path()));
      ResultCommit.commitDone(locations.s3(), dir, prefix,
          json.readTree(dir.resolve("summary.json").toFile()), fields, Clock.systemUTC());
      stdout.println("  committed " + prefix.resolve(ResultCommit.RESULT));
    }
  }

  private int replay(Path rulesFile) throws Exception {
    RuleConfig ruleConfig = rulesFile == null ? RuleConfig.DEFAULTS : RuleConfig.load(rulesFile);
    // The job detects while its task thread decodes and encodes: shared-core thread settings.
    DetectorOptions options = detectorOptions.toOptions(EngineThreads.SHARED);
    HighlightMediaOptions media;
    try {
      media = HighlightMediaOptions.defaults().withReelSeconds(reelSeconds);
    } catch (InvalidInputException e) {
      throw new InvalidInputException("--reel-seconds: " + e.getMessage(), e);
    }
    for (Path video : videos) {
      InputFiles.requireReadableFile(video, "video"); // cheap, before a cluster starts for nothing
    }
    Configuration flinkConf = JobEnvironments.configuration(Optional.ofNullable(jobManager),
        Duration.ofMillis(checkpointMs), Optional.ofNullable(checkpointDir));
    // Locally, the MiniCluster starts now, while the videos are probed and the model loads: its
    // start, not theirs, is what the first frame waits for.
    try (EarlyLocalCluster early = jobManager == null ? EarlyLocalCluster.start(flinkConf, parallelism) : null) {
      return prepareAndRun(ruleConfig, options, media, early);
    }
  }

  private int prepareAndRun(RuleConfig ruleConfig, DetectorOptions options, HighlightMediaOptions media,
      EarlyLocalCluster early) throws Exception {
    List<ReplayJob.Input> inputs = ReplayInputs.probe(videos, out, Optional.ofNullable(sampleFps))
        .stream().map(in -> new ReplayJob.Input(in.cameraId(), in.video().withMedia(media),
            in.expectedFrames())).toList();
    replayed = inputs;
    VideoReadOptions read = sampleFps == null ? VideoReadOptions.defaults()
        : VideoReadOptions.defaults().withSampling(FrameSampling.targetFps(sampleFps));
    List<Rule> rules;
    DetectorOptions resolved;
    BatchingConfig batching;
    // Load the model once here: a bad model, class or device fails now, in one line, not in Flink.
    List<String> classNames;
    ModelInfo model;
    Detector probe = ReplicatedDetector.open(options, ModelRegistry.fromEnvironment());
    SharedDetectionServices.Lease preloaded = null;
    try {
      classNames = probe.classNames().names();
      model = probe.info();
      blurIds = blurIds(new ClassNames(classNames));
      // Rules name classes of this model: validate them now, before anything runs.
      rules = ruleConfig.parse(new ClassNames(classNames));
      resolved = options.pinnedTo(model);
      batching = BatchingConfig.defaults().withMaxBatch(Math.min(options.maxBatch(),
          BatchingConfig.DEFAULT_MAX_BATCH)).withMaxDelay(Duration.ofMillis(maxDelayMs));
      if (jobManager == null) {
        preloaded = handOver(probe, resolved, batching);
      }
    } finally {
      if (preloaded == null) {
        probe.close();
      }
    }
    try (SharedDetectionServices.Lease held = preloaded) {
      return run(inputs, read, classNames, model, rules, resolved, batching, early);
    }
  }

  /**
   * On the embedded MiniCluster the job's subtasks run in this JVM and acquire their detector from
   * {@link SharedDetectionServices#global()}: the model loaded for the checks above is handed over
   * there under the key they will ask for (the job's own detector options and replay batching), so
   * they share it instead of loading it again (a second ONNX session costs start-up time; its
   * further copies, if any, are loading meanwhile, while the MiniCluster starts). The lease
   * is held until the job ends; null if the key was live already (the probe is then the caller's).
   */
  private static SharedDetectionServices.Lease handOver(Detector probe, DetectorOptions resolved,
      BatchingConfig batching) {
    SharedDetectionServices.Key key = new SharedDetectionServices.Key(resolved,
        ReplayJob.forReplay(batching, ASYNC_TIMEOUT));
    boolean[] taken = {false};
    SharedDetectionServices.Lease lease = SharedDetectionServices.global().acquire(key, k -> {
      BatchingDetectionService service = BatchingDetectionService.serve(probe, resolved, k.batching());
      taken[0] = true;
      return service;
    });
    if (!taken[0]) {
      lease.close();
      return null;
    }
    return lease;
  }

  private java.util.Set<Integer> blurIds(ClassNames names) {
    java.util.Set<Integer> ids = new java.util.LinkedHashSet<>();
    for (String n : blurClassNames) {
      try {
        ids.add(names.idOf(n));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("--blur: " + e.getMessage(), e);
      }
    }
    return ids;
  }

  private AnnotationStyle style() {
    AnnotationStyle s = AnnotationStyle.defaults().withRules(!noDrawRules);
    return blurIds.isEmpty() ? s : s.withBlur(blurIds, blurKernel);
  }

  /** The tracking parameters of {@code --tracker NAME}: the recommended ones, or the original's. */
  private ByteTrackConfig tracking() {
    ByteTrackConfig d = trackingConfig(tracker);
    if (trackThresh == null) {
      return d;
    }
    if (!(trackThresh >= 0 && trackThresh <= 1)) {
      throw new InvalidInputException("--track-thresh must be in [0, 1], got " + trackThresh);
    }
    return ByteTrackConfig.of(trackThresh, d.trackBuffer(), d.matchThresh(), d.frameRate())
        .withPerClass(d.perClass()).withAlgorithm(d.algorithm());
  }

  static ByteTrackConfig trackingConfig(String name) {
    TrackerAlgorithm a = TrackerAlgorithm.parse(name);
    return a == TrackerAlgorithm.BYTETRACK ? ByteTrackConfig.defaults()
        : ByteTrackConfig.recommended().withAlgorithm(a);
  }

  private int run(List<ReplayJob.Input> inputs, VideoReadOptions read, List<String> classNames,
      ModelInfo model, List<Rule> rules, DetectorOptions resolved, BatchingConfig batching,
      EarlyLocalCluster early) throws Exception {
    long totalFrames = inputs.stream().mapToLong(ReplayJob.Input::expectedFrames).sum();
    StreamExecutionEnvironment env = early != null ? early.environment()
        : JobEnvironments.create(Optional.ofNullable(jobManager), parallelism,
            Duration.ofMillis(checkpointMs), Optional.ofNullable(checkpointDir));
    Map<String, String> runInfo = new LinkedHashMap<>();
    runInfo.put("model", model.name());
    runInfo.put("engine", model.engine().cliName());
    runInfo.put("device", model.device().toString());
    runInfo.put("executor", jobManager == null ? "flink-minicluster" : "flink-cluster");
    runInfo.put("parallelism", Integer.toString(parallelism)); // a number in summary.json
    DataStream<Alert> alerts = ReplayJob.build(env, inputs, read, resolved, batching,
        tracking(), style(), classNames, runInfo, ASYNC_TIMEOUT,
        rules, UnaryOperator.identity());
    AlertSinks.attach(alerts, new JobConfig.Alerts(Optional.ofNullable(alertsFile).map(Path::toString),
        false, Optional.empty(), Optional.ofNullable(alertsStream)));

    PrintWriter err = spec.commandLine().getErr();
    var progress = progressLines ? ProgressBar.lines(spec.commandLine().getOut())
        : ProgressBar.forTerminal(err, "replay");
    long start = System.nanoTime();
    long total = totalFrames;
    // Frames written so far: counted in this JVM by the embedded MiniCluster's sink; on a cluster
    // the sink runs in a TaskManager, so ask the cluster's REST API for the submitted job's.
    AtomicReference<String> jobId = new AtomicReference<>();
    LongSupplier framesDone;
    if (jobManager == null) {
      long before = ReplayProgress.framesWritten();
      framesDone = () -> ReplayProgress.framesWritten() - before;
    } else {
      ClusterJobProgress remote = ClusterJobProgress.forRestAddress(jobManager);
      framesDone = () -> remote.sinkRecordsIn(jobId.get()).orElse(0);
    }
    Thread ticker = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        progress.update(framesDone.getAsLong(), total, System.nanoTime() - start);
        try {
          Thread.sleep(jobManager == null ? 250 : 1000); // a REST poll costs the JobManager work
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "replay-progress");
    ticker.setDaemon(true);
    boolean showProgress = progress != SerialReplay.Progress.NONE;
    if (jobManager == null) {
      if (showProgress) {
        ticker.start();
      }
    } else {
      env.registerJobListener(new JobListener() {
        @Override
        public void onJobSubmitted(JobClient client, Throwable failure) {
          if (client == null) {
            return; // submission failed: execute() throws it
          }
          jobId.set(client.getJobID().toHexString());
          // The id first, on stderr: it is what `flink cancel` and the REST API need. The bar starts
          // only now, so it never shares a line with this message and has a job to ask about.
          err.printf(Locale.ROOT, "submitted job %s to %s%n", client.getJobID(), jobManager);
          err.flush();
          if (showProgress) {
            ticker.start();
          }
        }

        @Override
        public void onJobExecuted(JobExecutionResult result, Throwable failure) {}
      });
    }
    JobExecutionResult result;
    try {
      result = env.execute("tracklight replay");
    } finally {
      ticker.interrupt();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return report(inputs, result, wall);
  }

  private int report(List<ReplayJob.Input> inputs, JobExecutionResult result, double wall) throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    ObjectMapper json = new ObjectMapper();
    long frames = 0;
    List<String> incomplete = new ArrayList<>();
    for (ReplayJob.Input in : inputs) {
      ReplayOutputs o = new ReplayOutputs(Path.of(in.video().outputDir()));
      JsonNode summary = json.readTree(o.summary().toFile());
      frames += summary.path("frames").asLong();
      if (!summary.path("complete").asBoolean()) {
        incomplete.add(summary.path("problem").asText());
      }
      stdout.printf(Locale.ROOT, "%s: %d frames, %d highlights (media %d ms)%n", in.video().path(),
          summary.path("frames").asLong(), summary.path("highlights").asLong(),
          summary.path("highlight_media_ms").asLong());
      for (Path p : outputFiles(o)) {
        stdout.println("  " + p.toAbsolutePath());
      }
    }
    stdout.printf(Locale.ROOT, "replayed %d video(s), %d frames in %.1f s (%.1f fps, job %s)%n",
        inputs.size(), frames, wall, frames / wall, result.getJobID());
    if (!incomplete.isEmpty()) {
      throw new InvalidInputException(String.join("; ", incomplete));
    }
    return 0;
  }

  /** The files a replay wrote into {@code o}, in the order the CLI lists them. */
  static List<Path> outputFiles(ReplayOutputs o) {
    List<Path> files = new ArrayList<>(List.of(o.annotatedVideo(), o.tracksJsonl(), o.tracksMot(),
        o.highlightsJson(), o.highlightsVtt()));
    for (Path p : List.of(o.clipsDir(), o.thumbsDir(), o.reel())) {
      if (Files.exists(p)) {
        files.add(p); // no highlights: no clips; no clip that fits: no reel
      }
    }
    files.add(o.summary());
    return files;
  }
}
