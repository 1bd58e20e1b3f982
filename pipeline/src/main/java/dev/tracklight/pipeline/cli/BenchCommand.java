package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.pipeline.bench.ReplayBench;
import dev.tracklight.pipeline.bench.ReplayProcess;
import dev.tracklight.pipeline.bench.PythonLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tracklight bench ...}: performance measurements that write JSON. Micro-benchmarks run under
 * JMH (forked JVMs, warm-up, JSON results); whole-model throughput runs in-process because loading a
 * model per JMH fork would dominate the measurement.
 */
@Command(name = "bench", description = "Run benchmarks and write JSON results.",
    mixinStandardHelpOptions = true,
    subcommands = {BenchCommand.Jmh.class, BenchCommand.DetectorThroughput.class, BenchCommand.Live.class,
        BenchCommand.Batching.class, BenchCommand.Replay.class, BenchCommand.Clips.class})
final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static void writeJson(Path out, Object value) throws java.io.IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    // Not Files.createTempFile: its files are private (mode 600); a result is an ordinary file.
    Path tmp = dev.tracklight.connectors.media.AtomicRename.temporarySibling(out);
    try {
      try (var stream = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
          java.nio.file.StandardOpenOption.WRITE)) {
        json.writeValue(stream, value);
      }
      dev.tracklight.connectors.media.AtomicRename.replace(tmp, out);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Whole-detector throughput per engine and batch size, next to the engines' raw forward time. */
  @Command(name = "detector", mixinStandardHelpOptions = true,
      description = "Detector images/s per engine (onnxruntime, pytorch) at batch 1, 4, 8 on the CPU, "
          + "with each engine's raw forward time; JSON to --out.")
  static final class DetectorThroughput implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "bench-detector.json", description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "20", description = "Timed calls per measurement (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Override
    public Integer call() throws java.io.IOException {
      if (iterations < 1) {
        throw new InvalidInputException("--iterations must be at least 1, got " + iterations);
      }
      String assets = System.getenv(dev.tracklight.inference.model.ModelRegistry.ASSETS_ENV);
      if (assets == null || assets.isBlank()) {
        throw new InvalidInputException("TRACKLIGHT_ASSETS is not set; expected the folder with models/ and images/");
      }
      Map<String, Object> result = dev.tracklight.pipeline.bench.DetectorThroughputBench.run(Path.of(assets), iterations);
      writeJson(out, result);
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
      System.out.println("results: " + out.toAbsolutePath());
      return 0;
    }
  }

  /** Cross-camera batching service vs direct detector calls, for 1, 2 and 4 cameras. */
  @Command(name = "batching", mixinStandardHelpOptions = true,
      description = "Frames/s of 1, 2, 4 concurrent cameras through the batching detection service vs"
          + " direct detect calls on the same detector, with the batch-size distribution; JSON to --out.")
  static final class Batching implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "bench-batching.json", description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "24", description = "Timed frames per camera, mode and round (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "Alternating timed rounds per mode; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = "8", description = "Frames each camera keeps outstanding in the service (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--max-delay-ms", paramLabel = "MS", defaultValue = "10", description = "The service's batching delay in ms (default: ${DEFAULT-VALUE}).")
    long maxDelayMs;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu", description = "cpu, gpu, gpu:N or auto (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws java.io.IOException {
      String assets = System.getenv(dev.tracklight.inference.model.ModelRegistry.ASSETS_ENV);
      if (assets == null || assets.isBlank()) {
        throw new InvalidInputException("TRACKLIGHT_ASSETS is not set; expected the folder with models/ and images/");
      }
      if (maxDelayMs < 0) {
        throw new InvalidInputException("--max-delay-ms must not be negative, got " + maxDelayMs);
      }
      Map<String, Object> result = dev.tracklight.pipeline.bench.BatchingBench.run(Path.of(assets),
          dev.tracklight.inference.engine.DeviceSpec.parse(device), frames, inFlight, rounds,
          java.time.Duration.ofMillis(maxDelayMs), System::nanoTime);
      writeJson(out, result);
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
      System.out.println("results: " + out.toAbsolutePath());
      return 0;
    }
  }

  /** Live latency and heap with N RTSP cameras. */
  @Command(name = "live", mixinStandardHelpOptions = true,
      description = "Frame-to-tracks latency (p50/p99) and heap over time for N live RTSP cameras served by"
          + " tools/rtsp/rtsp_loop.py; JSON to --out. Run from the repository root.")
  static final class Live implements Callable<Integer> {

    @Option(names = "--cameras", paramLabel = "N", defaultValue = "4", description = "Cameras (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--fps", paramLabel = "FPS", defaultValue = "5", description = "Frames per second per camera (default: ${DEFAULT-VALUE}).")
    double fps;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "600", description = "Duration (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--video", paramLabel = "FILE", description = "H.264 MP4 each camera streams (default: people_walking_overhead_720p.mp4).")
    Path video;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "bench-live.json", description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--kafka", paramLabel = "HOST:PORT",
        description = "Also send alerts (line + zone rules on every camera) to this Kafka broker and"
            + " measure event time -> visible to a read_committed consumer.")
    String kafka;

    @Option(names = "--kinesis", paramLabel = "STREAM",
        description = "Or send the alerts to this Kinesis data stream (standard AWS configuration) and measure"
            + " event time -> readable by a consumer polling its shards.")
    String kinesis;

    @Option(names = "--kafka-delivery", defaultValue = "at_least_once", paramLabel = "MODE",
        description = "exactly_once (visible at checkpoint commits) or at_least_once (default: ${DEFAULT-VALUE}).")
    String delivery;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "10000", paramLabel = "MS",
        description = "Checkpoint interval of the live job (default: ${DEFAULT-VALUE}).")
    int checkpointMs;

    @Override
    public Integer call() throws Exception {
      if (!delivery.equals("exactly_once") && !delivery.equals("at_least_once")) {
        throw new InvalidInputException("--kafka-delivery must be exactly_once or at_least_once, got " + delivery);
      }
      if (kafka != null && kinesis != null) {
        throw new InvalidInputException("expected --kafka or --kinesis, not both");
      }
      if (checkpointMs < 100) {
        throw new InvalidInputException("--checkpoint-interval-ms must be >= 100, got " + checkpointMs);
      }
      if (cameras < 1 || fps <= 0 || seconds < 10) {
        throw new InvalidInputException("expected --cameras >= 1, --fps > 0 and --seconds >= 10");
      }
      Path v = video;
      if (v == null) {
        String assets = System.getenv(dev.tracklight.inference.model.ModelRegistry.ASSETS_ENV);
        if (assets == null || assets.isBlank()) {
          throw new InvalidInputException("TRACKLIGHT_ASSETS is not set and no --video given");
        }
        v = Path.of(assets, "videos", "people_walking_overhead_720p.mp4");
      }
      Map<String, Object> result = dev.tracklight.pipeline.bench.LiveLatencyBench.run(v, cameras, fps,
          java.time.Duration.ofSeconds(seconds), Path.of("tools/rtsp/rtsp_loop.py"),
          Files.createTempDirectory("tracklight-bench-live"),
          new dev.tracklight.pipeline.bench.LiveLatencyBench.AlertOptions(java.util.Optional.ofNullable(kafka),
              delivery.equals("exactly_once"), java.time.Duration.ofMillis(checkpointMs),
              java.util.Optional.ofNullable(kinesis)));
      writeJson(out, result);
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
      return 0;
    }
  }

  /** Flink replay vs serial loop vs detector alone, interleaved on one video and model. */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Frames/s of the Flink replay (also --parallelism 2 and --max-delay-ms 0) and the"
          + " serial loop, each a fresh process with start-up included, next to the detector alone on"
          + " frames in memory (batch 1 and 4); rounds interleaved, medians, stage times; JSON to --out.")
  static final class Replay implements Callable<Integer> {

    @Option(names = "--video", paramLabel = "FILE",
        description = "Video to replay (default: $TRACKLIGHT_ASSETS/videos/" + ReplayBench.DEFAULT_VIDEO + ").")
    Path video;

    @Option(names = "--out", defaultValue = "bench-replay.json", paramLabel = "FILE",
        description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
        description = "Rounds of every variant; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = {"-m", "--model"}, defaultValue = DetectorOptions.DEFAULT_MODEL, paramLabel = "MODEL",
        description = "Model for every variant (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--cached-frames", defaultValue = "" + ReplayBench.DEFAULT_CACHED_FRAMES, paramLabel = "N",
        description = "Decoded frames kept in memory and cycled for the detector-alone rate"
            + " (default: ${DEFAULT-VALUE}).")
    int cachedFrames;

    @Option(names = "--skip", split = ",", paramLabel = "VARIANT",
        description = "Standard variants to leave out: flink_max_delay_0, flink_parallelism_2,"
            + " serial_spinning_off (default: none).")
    java.util.List<String> skip = new java.util.ArrayList<>();

    @Option(names = "--variant", paramLabel = "NAME=ARGS",
        description = "An extra child variant compared with serial, e.g."
            + " 'flink_t1=replay --intra-op-threads 1' or 'serial_spin=demo --executor serial --spinning'"
            + " (video and model are added; repeatable).")
    java.util.List<String> variants = new java.util.ArrayList<>();

    @Option(names = "--python", paramLabel = "PYTHON",
        description = "Also time the lean Python loop a user writes (OpenCV + onnxruntime, one frame at"
            + " a time) with this interpreter, which needs numpy, opencv-python and onnxruntime"
            + " (default: not run).")
    Path python;

    @Option(names = "--fleet", description = "Also time the fleet case: the fleet videos in one job at"
        + " parallelism 1 and 2 (and, with --python, one Python process per video, all at once).")
    boolean fleet;

    @Option(names = "--fleet-video", paramLabel = "FILE",
        description = "A video of the fleet case (repeatable; default: the four videos"
            + " persons_one_by_one_432p, people_walking_overhead_720p, bottles_hands_360p and"
            + " dog_golden_retriever_swimming_360x204_h264 under $TRACKLIGHT_ASSETS/videos).")
    java.util.List<Path> fleetVideos = new java.util.ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
      java.util.List<ReplayBench.ProcessVariant> extra = variants.stream()
          .map(ReplayBench.ProcessVariant::parse).toList();
      Path input = video;
      if (input == null) {
        String assets = System.getenv(ModelRegistry.ASSETS_ENV);
        if (assets == null || assets.isBlank()) {
          throw new InvalidInputException("TRACKLIGHT_ASSETS is not set; expected the shared data folder"
              + " (for videos/" + ReplayBench.DEFAULT_VIDEO + ") or --video FILE");
        }
        input = Path.of(assets, "videos", ReplayBench.DEFAULT_VIDEO);
      }
      Path work = Files.createTempDirectory("tracklight-bench-replay");
      try {
        Path videosDir = input.toAbsolutePath().getParent();
        java.util.List<Path> fleetList = !fleet ? java.util.List.of() : !fleetVideos.isEmpty()
            ? fleetVideos : ReplayBench.DEFAULT_FLEET.stream().map(videosDir::resolve).toList();
        PythonLoop loop = python == null ? null : PythonLoop.prepare(python, work.resolve("python"));
        ReplayBench.Settings settings = new ReplayBench.Settings(input, model, rounds, cachedFrames, work,
            java.util.Set.copyOf(skip), extra, loop, fleetList);
        Map<String, Object> result = new ReplayBench(settings, ReplayProcess.likeThisJvm(),
            ModelRegistry.fromEnvironment(), System::nanoTime, java.time.Clock.systemUTC(),
            spec.commandLine().getErr()).run();
        writeJson(out, result);
        spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(result));
        spec.commandLine().getOut().println("results: " + out.toAbsolutePath());
        return 0;
      } finally {
        // Each run's folder is deleted after it; the copied Python script is all that is left.
        dev.tracklight.pipeline.bench.FleetBench.deleteTree(work);
      }
    }
  }

  /** Live clips: per-frame annotate + JPEG-buffer cost, and clip write time. */
  @Command(name = "clips", mixinStandardHelpOptions = true,
      description = "Live clips on a 720p video: per-frame cost of copy + annotate + JPEG + ring"
          + " (p50/mean/p99, OpenCV JPEG alongside), and the time to write a 10 s clip at the video's"
          + " rate and at 5 fps; JSON to --out.")
  static final class Clips implements Callable<Integer> {

    @Option(names = "--video", paramLabel = "FILE",
        description = "Video of at least 12 s (default: $TRACKLIGHT_ASSETS/videos/people_walking_overhead_720p.mp4).")
    Path video;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
        description = "Clip writes per variant; the median is reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--out", defaultValue = "bench-clips.json", paramLabel = "FILE",
        description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws java.io.IOException {
      if (rounds < 1) {
        throw new InvalidInputException("--rounds must be at least 1, got " + rounds);
      }
      Path input = video;
      if (input == null) {
        String assets = System.getenv(ModelRegistry.ASSETS_ENV);
        if (assets == null || assets.isBlank()) {
          throw new InvalidInputException("TRACKLIGHT_ASSETS is not set; expected the shared data folder"
              + " (for videos/people_walking_overhead_720p.mp4) or --video FILE");
        }
        input = Path.of(assets, "videos", "people_walking_overhead_720p.mp4");
      }
      Path work = Files.createTempDirectory("tracklight-bench-clips");
      try {
        Map<String, Object> result = dev.tracklight.pipeline.bench.LiveClipBench.run(input, rounds, work);
        writeJson(out, result);
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        System.out.println("results: " + out.toAbsolutePath());
        return 0;
      } finally {
        try (var left = Files.walk(work)) {
          left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** JMH micro-benchmarks (pre-processing, NMS, tracker, annotation, video I/O). */
  @Command(name = "jmh", mixinStandardHelpOptions = true,
      description = "Run JMH micro-benchmarks whose class matches REGEX (all when omitted); "
          + "JSON results go to --out.")
  static final class Jmh implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "REGEX",
        description = "Benchmark name patterns, e.g. TrackerBenchmark NmsBenchmark.")
    java.util.List<String> patterns = java.util.List.of();

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "bench-jmh.json", description = "JSON result file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "1 fork, 2 warm-up and 3 measurement iterations of 1 s (a smoke run; noisy).")
    boolean quick;

    @Override
    public Integer call() throws RunnerException {
      ChainedOptionsBuilder opts = new OptionsBuilder()
          .resultFormat(ResultFormatType.JSON)
          .result(out.toString())
          .shouldFailOnError(true);
      if (patterns.isEmpty()) {
        opts.include("dev\\.tracklight\\..*");
      }
      for (String p : patterns) {
        opts.include(p);
      }
      if (quick) {
        opts.forks(1).warmupIterations(2).measurementIterations(3)
            .warmupTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1))
            .measurementTime(org.openjdk.jmh.runner.options.TimeValue.seconds(1));
      }
      var results = new Runner(opts.build()).run();
      if (results.isEmpty()) {
        throw new InvalidInputException("no benchmark matches " + patterns
            + "; expected a pattern such as TrackerBenchmark, NmsBenchmark, PreprocessBenchmark");
      }
      Map<String, Object> summary = new LinkedHashMap<>();
      results.forEach(r -> summary.put(r.getParams().getBenchmark() + paramSuffix(r),
          r.getPrimaryResult().getScore() + " " + r.getPrimaryResult().getScoreUnit()));
      summary.forEach((k, v) -> System.out.println(k + ": " + v));
      System.out.println("results: " + out.toAbsolutePath());
      return 0;
    }

    private static String paramSuffix(org.openjdk.jmh.results.RunResult r) {
      var keys = r.getParams().getParamsKeys();
      if (keys.isEmpty()) {
        return "";
      }
      StringBuilder sb = new StringBuilder("(");
      for (String k : keys) {
        sb.append(sb.length() > 1 ? "," : "").append(k).append('=').append(r.getParams().getParam(k));
      }
      return sb.append(')').toString();
    }
  }
}
