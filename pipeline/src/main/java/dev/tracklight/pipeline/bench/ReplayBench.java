package dev.tracklight.pipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InputShape;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code tracklight bench replay}: the Flink replay, the serial loop and the detector alone, side
 * by side in one run on the same video and model, so their ratios are not skewed by different load.
 *
 * <p><b>What is measured.</b> (a) the inference-only ceiling ({@link InferenceLimit}: decoded
 * frames in memory, {@code detect} at batch 1 and 4, in this JVM after warm-up); (b) the Flink replay
 * ({@code tracklight replay}) as a fresh process, also with {@code --parallelism 2} and with
 * {@code --max-delay-ms 0}; (c) the serial loop ({@code tracklight demo --executor serial}) as a
 * fresh process, with its default thread settings (ONNX Runtime's, spinning) and with spinning off
 * as the Flink job uses it; the goal is judged against the faster of the two, so no thread setting
 * favours Flink. {@code --skip} leaves optional variants out and {@code --variant} adds child runs
 * with other arguments (each compared with (c)), e.g. to try thread settings. Processes are timed from outside ({@link ReplayProcess}): frames/s of (b) and (c)
 * include JVM start, model load and MiniCluster start, as a user sees them; the replays' own
 * {@code summary.json} adds the in-pipeline rate and where the task thread's time went
 * ({@code stage_ms}).
 *
 * <p><b>Rounds.</b> Each round runs every variant once; the order rotates from round to round so
 * that no variant always follows the same neighbour (the page cache, thermal state and other users
 * of the machine change over minutes). Medians over rounds are reported; every round's numbers are
 * kept in the JSON. The detector for (a) stays loaded in this JVM for the whole run (memory only;
 * it is idle while a child runs).
 */
public final class ReplayBench {

  /** The fleet case's default videos (3,740 frames together), under $TRACKLIGHT_ASSETS/videos. */
  public static final List<String> DEFAULT_FLEET = List.of("persons_one_by_one_432p.mp4",
      "people_walking_overhead_720p.mp4", "bottles_hands_360p.mp4",
      "dog_golden_retriever_swimming_360x204_h264.mp4");
  /** The reference clip: 1394 frames at 10 fps, 768x432, one person at a time. */
  public static final String DEFAULT_VIDEO = "persons_one_by_one_432p.mp4";
  /** Frames kept decoded for (a): 200 frames of 768x432 are 200 MB, enough variety for the detector. */
  public static final int DEFAULT_CACHED_FRAMES = 200;
  /** The goal for Flink over serial on a 2-core machine (overlapped decode/encode). */
  static final double GOAL_FLINK_OVER_SERIAL = 1.3;
  /** The goal for our replay over the lean Python loop a user writes, same machine and model. */
  static final double GOAL_FLINK_OVER_PYTHON = 1.3;
  static final String PYTHON_VARIANT = "python_loop";
  private static final int[] INFERENCE_BATCHES = {1, 4};

  /**
   * What to run.
   *
   * @param video the replayed video
   * @param model registry name or file of the model, used by every variant
   * @param rounds rounds of all variants; medians over them are reported
   * @param cachedFrames frames kept decoded for the inference-only ceiling
   * @param workDir where the children write their outputs (deleted after each run)
   * @param skip standard variants left out (never {@code flink} or {@code serial}: the goal's ratio)
   * @param extra more child variants, compared with {@code serial} like {@code flink}
   * @param python the lean Python loop as a further variant ({@code python_loop}), or null
   * @param fleet videos replayed together in the fleet case ({@link FleetBench}); empty for none
   */
  public record Settings(Path video, String model, int rounds, int cachedFrames, Path workDir,
      Set<String> skip, List<ProcessVariant> extra, PythonLoop python, List<Path> fleet) {

    /** All standard variants and no extra ones. */
    public Settings(Path video, String model, int rounds, int cachedFrames, Path workDir) {
      this(video, model, rounds, cachedFrames, workDir, Set.of(), List.of());
    }

    /** No Python loop and no fleet case. */
    public Settings(Path video, String model, int rounds, int cachedFrames, Path workDir,
        Set<String> skip, List<ProcessVariant> extra) {
      this(video, model, rounds, cachedFrames, workDir, skip, extra, null, List.of());
    }

    public Settings {
      if (rounds < 1) {
        throw new InvalidInputException("--rounds must be at least 1, got " + rounds);
      }
      if (cachedFrames < 1) {
        throw new InvalidInputException("--cached-frames must be at least 1, got " + cachedFrames);
      }
      ReplayProcess.requireFile(video);
      skip = Set.copyOf(skip);
      extra = List.copyOf(extra);
      fleet = List.copyOf(fleet);
      Set<String> standard = new HashSet<>(STANDARD_VARIANTS);
      for (String name : skip) {
        if (!standard.contains(name) || REQUIRED_VARIANTS.contains(name)) {
          throw new InvalidInputException("--skip " + name + ": expected one of "
              + STANDARD_VARIANTS.stream().filter(n -> !REQUIRED_VARIANTS.contains(n)).toList());
        }
      }
      Set<String> names = new HashSet<>(standard);
      for (ProcessVariant v : extra) {
        if (!names.add(v.name())) {
          throw new InvalidInputException("--variant " + v.name() + " is defined twice or names a"
              + " standard variant; expected a new name");
        }
      }
    }
  }

  /**
   * A replay run as its own process: a name for the report and the CLI arguments, the video and
   * model excluded (added per variant kind by {@link #withInput}).
   */
  public record ProcessVariant(String name, List<String> args) {

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,39}");

    public ProcessVariant {
      args = List.copyOf(args);
    }

    /**
     * Parses {@code NAME=COMMAND ARGS...} from {@code --variant}, e.g.
     * {@code flink_t1=replay --intra-op-threads 1} or {@code serial_spin=demo --executor serial --spinning}.
     */
    public static ProcessVariant parse(String spec) {
      int eq = spec.indexOf('=');
      String name = eq < 0 ? "" : spec.substring(0, eq).strip();
      List<String> args = eq < 0 ? List.of() : List.of(spec.substring(eq + 1).strip().split("\\s+"));
      if (!NAME.matcher(name).matches() || args.isEmpty()
          || !(args.get(0).equals("replay") || args.get(0).equals("demo"))) {
        throw new InvalidInputException("--variant '" + spec + "': expected NAME=replay ARGS... or"
            + " NAME=demo ARGS... with NAME in lower case letters, digits and _");
      }
      return new ProcessVariant(name, args);
    }

    /** The full command line: the video (positional for replay, --video for demo) and model added. */
    ProcessVariant withInput(Path video, String model) {
      List<String> full = new ArrayList<>();
      full.add(args.get(0));
      if (args.get(0).equals("demo")) {
        full.add("--video");
      }
      full.add(video.toAbsolutePath().toString());
      full.add("--model");
      full.add(model);
      full.addAll(args.subList(1, args.size()));
      return new ProcessVariant(name, full);
    }
  }

  /** Standard process variants, in report order. */
  static final List<String> STANDARD_VARIANTS = List.of("flink", "flink_max_delay_0", "flink_parallelism_2",
      "serial", "serial_spinning_off");
  private static final Set<String> REQUIRED_VARIANTS = Set.of("flink", "serial");

  private final Settings settings;
  private final ReplayProcess child;
  private final ModelRegistry registry;
  private final LongSupplier nanoClock;
  private final Clock wallClock;
  private final PrintWriter log;

  public ReplayBench(Settings settings, ReplayProcess child, ModelRegistry registry, LongSupplier nanoClock,
      Clock wallClock, PrintWriter log) {
    this.settings = settings;
    this.child = child;
    this.registry = registry;
    this.nanoClock = nanoClock;
    this.wallClock = wallClock;
    this.log = log;
  }

  static List<ProcessVariant> processVariants(Path video, String model) {
    return processVariants(video, model, Set.of(), List.of());
  }

  static List<ProcessVariant> processVariants(Path video, String model, Set<String> skip,
      List<ProcessVariant> extra) {
    List<ProcessVariant> all = new ArrayList<>();
    for (ProcessVariant v : List.of(
        new ProcessVariant("flink", List.of("replay")),
        new ProcessVariant("flink_max_delay_0", List.of("replay", "--max-delay-ms", "0")),
        new ProcessVariant("flink_parallelism_2", List.of("replay", "--parallelism", "2")),
        new ProcessVariant("serial", List.of("demo", "--executor", "serial")),
        // The serial loop with the job's no-spinning setting: faster than its default on a busy
        // machine, slower on a quiet one; the goal is judged against the faster of the two.
        new ProcessVariant("serial_spinning_off", List.of("demo", "--executor", "serial", "--spinning", "false")))) {
      if (!skip.contains(v.name())) {
        all.add(v.withInput(video, model));
      }
    }
    // Extras before serial would change nothing; they go last so the standard order stays.
    extra.forEach(v -> all.add(v.withInput(video, model)));
    return all;
  }

  /** Runs all rounds and returns the JSON-ready report. */
  public Map<String, Object> run() {
    long videoFrames;
    double videoFps;
    try (VideoReader reader = VideoReader.open(settings.video(), VideoReadOptions.defaults())) {
      videoFrames = reader.info().frameCount();
      videoFps = reader.info().fps();
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("video", settings.video().toAbsolutePath().toString());
    report.put("video_frames", videoFrames);
    report.put("video_fps", videoFps);
    report.put("model", settings.model());
    report.put("device", "cpu");
    report.put("cpu_cores", Runtime.getRuntime().availableProcessors());
    report.put("rounds", settings.rounds());
    report.put("load_average_before", loadAverage());

    List<ProcessVariant> variants = new ArrayList<>(processVariants(settings.video(), settings.model(),
        settings.skip(), settings.extra()));
    if (settings.python() != null) {
      variants.add(new ProcessVariant(PYTHON_VARIANT, List.of()));
    }
    Path modelFile = registry.resolve(settings.model()).path();
    Map<String, List<Double>> inferenceFps = new LinkedHashMap<>();
    Map<String, List<Map<String, Object>>> processRounds = new LinkedHashMap<>();
    variants.forEach(v -> processRounds.put(v.name(), new ArrayList<>()));
    DetectorOptions options = DetectorOptions.forModel(settings.model()).withDevice(DeviceSpec.CPU);
    try (YoloDetector detector = YoloDetector.open(options, registry);
        YoloDetector fitted = YoloDetector.open(options.withInputShape(InputShape.FIT), registry)) {
      report.put("engine", detector.info().engine().cliName());
      report.put("model_file", detector.info().source().getFileName().toString());
      report.put("batch_mode", detector.info().batchMode().name());
      report.put("fitted_input_available", fitted.fittedInput());
      InferenceLimit limit = InferenceLimit.load(detector, settings.video(), settings.cachedFrames(), videoFrames);
      // The same frames through the model at fitted sizes (--input-shape fit), when it takes them.
      InferenceLimit fitLimit = fitted.fittedInput()
          ? InferenceLimit.load(fitted, settings.video(), settings.cachedFrames(), videoFrames) : null;
      report.put("inference_cached_frames", limit.cachedFrames());
      for (int batch : INFERENCE_BATCHES) {
        limit.warmUp(batch);
        inferenceFps.put("inference_only_batch_" + batch, new ArrayList<>());
        if (fitLimit != null) {
          fitLimit.warmUp(batch);
          inferenceFps.put("inference_only_fit_batch_" + batch, new ArrayList<>());
        }
      }
      // Slot 0 is the in-process inference; 1.. are the processes. Rotated per round.
      int slots = variants.size() + 1;
      for (int round = 0; round < settings.rounds(); round++) {
        for (int k = 0; k < slots; k++) {
          int slot = (k + round) % slots;
          if (slot == 0) {
            for (int batch : INFERENCE_BATCHES) {
              double fps = limit.imagesPerSecond(batch, nanoClock);
              inferenceFps.get("inference_only_batch_" + batch).add(fps);
              log.printf(java.util.Locale.ROOT, "round %d inference batch %d: %.1f frames/s%n", round + 1, batch, fps);
              if (fitLimit != null) {
                double fit = fitLimit.imagesPerSecond(batch, nanoClock);
                inferenceFps.get("inference_only_fit_batch_" + batch).add(fit);
                log.printf(java.util.Locale.ROOT, "round %d inference fitted batch %d: %.1f frames/s%n",
                    round + 1, batch, fit);
              }
            }
          } else {
            ProcessVariant v = variants.get(slot - 1);
            Map<String, Object> r = v.name().equals(PYTHON_VARIANT)
                ? runPython(modelFile, round, videoFrames) : runProcess(v, round);
            processRounds.get(v.name()).add(r);
            log.printf(java.util.Locale.ROOT, "round %d %s: %s frames/s (process), %s s to first frame%n",
                round + 1, v.name(), r.get("fps"), r.get("time_to_first_frame_s"));
          }
        }
      }
    }
    if (!settings.fleet().isEmpty()) {
      report.put("fleet", new FleetBench(settings.fleet(), settings.model(), modelFile,
          settings.python(), settings.rounds(), settings.workDir()).run(child, nanoClock, log));
    }
    report.put("load_average_after", loadAverage());

    Map<String, Object> results = new LinkedHashMap<>();
    inferenceFps.forEach((name, fps) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("fps", round1(median(fps)));
      m.put("fps_rounds", fps.stream().map(ReplayBench::round1).toList());
      results.put(name, m);
    });
    processRounds.forEach((name, rounds) -> results.put(name, summarize(rounds)));
    report.put("results", results);
    report.put("ratios", ratios(results));
    report.put("where_time_goes", whereTimeGoes(results, videoFrames));
    return report;
  }

  private Map<String, Object> runProcess(ProcessVariant v, int round) {
    Path out = settings.workDir().resolve("round" + (round + 1) + "-" + v.name());
    List<String> args = new ArrayList<>(v.args());
    args.add("--out");
    args.add(out.toString());
    try {
      ReplayProcess.Timed t = child.run(args, settings.video(), out, nanoClock, wallClock);
      JsonNode s = t.summary();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("frames", t.frames());
      r.put("fps", round1(t.frames() / t.processWallSeconds()));
      r.put("process_wall_s", round3(t.processWallSeconds()));
      r.put("pipeline_fps", s.path("throughput_fps").asDouble());
      r.put("pipeline_wall_s", s.path("wall_s").asDouble());
      // Process time outside the pipeline's own clock: JVM start, model load, MiniCluster start
      // and stop, JVM exit.
      r.put("outside_pipeline_s", round3(t.processWallSeconds() - s.path("wall_s").asDouble()));
      r.put("time_to_first_frame_s", Double.isNaN(t.firstFrameSeconds()) ? null : round3(t.firstFrameSeconds()));
      Map<String, Double> stages = new LinkedHashMap<>();
      s.path("stage_ms").fields().forEachRemaining(e -> stages.put(e.getKey(), e.getValue().asDouble()));
      r.put("stage_ms", stages);
      return r;
    } finally {
      deleteTree(out);
    }
  }

  /** One timed run of the Python loop on the video (whole process, like the other variants). */
  private Map<String, Object> runPython(Path modelFile, int round, long frames) {
    Path out = settings.workDir().resolve("round" + (round + 1) + "-" + PYTHON_VARIANT);
    try {
      double seconds = ReplayProcess.timeTogether(List.of(settings.python().command(modelFile,
          settings.video(), out.resolve("python.mp4"))), out, nanoClock);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("frames", frames);
      r.put("fps", round1(frames / seconds));
      r.put("process_wall_s", round3(seconds));
      r.put("stage_ms", Map.of());
      return r;
    } finally {
      deleteTree(out);
    }
  }

  /** Medians over rounds of every per-round number, plus the rounds themselves. */
  private static Map<String, Object> summarize(List<Map<String, Object>> rounds) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String key : List.of("fps", "process_wall_s", "pipeline_fps", "pipeline_wall_s",
        "outside_pipeline_s", "time_to_first_frame_s")) {
      List<Double> values = rounds.stream().map(r -> r.get(key)).filter(x -> x != null)
          .map(x -> ((Number) x).doubleValue()).toList();
      m.put(key, values.isEmpty() ? null : round3(median(values)));
    }
    Map<String, Double> stages = new LinkedHashMap<>();
    @SuppressWarnings("unchecked")
    Map<String, Double> first = (Map<String, Double>) rounds.get(0).get("stage_ms");
    for (String stage : first.keySet()) {
      @SuppressWarnings("unchecked")
      List<Double> values = rounds.stream().map(r -> ((Map<String, Double>) r.get("stage_ms")).get(stage))
          .filter(x -> x != null).toList();
      stages.put(stage, round1(median(values)));
    }
    m.put("stage_ms", stages);
    m.put("rounds", rounds);
    return m;
  }

  private static Map<String, Object> ratios(Map<String, Object> results) {
    double flink = fps(results, "flink");
    double serial = fps(results, "serial");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("flink_over_serial", round3(flink / serial));
    if (results.containsKey("flink_max_delay_0")) {
      r.put("flink_max_delay_0_over_serial", round3(fps(results, "flink_max_delay_0") / serial));
    }
    if (results.containsKey("flink_parallelism_2")) {
      r.put("flink_parallelism_2_over_flink", round3(fps(results, "flink_parallelism_2") / flink));
    }
    r.put("flink_over_inference_only_batch_1", round3(flink / fps(results, "inference_only_batch_1")));
    r.put("flink_over_inference_only_batch_4", round3(flink / fps(results, "inference_only_batch_4")));
    r.put("serial_over_inference_only_batch_1", round3(serial / fps(results, "inference_only_batch_1")));
    // In-pipeline rates leave out process and MiniCluster start-up: the steady-state comparison.
    r.put("flink_over_serial_in_pipeline", round3(
        pipelineFps(results, "flink") / pipelineFps(results, "serial")));
    // Other users of the machine change its speed from minute to minute; a ratio within one round
    // (runs minutes apart at most) is steadier than the ratio of medians taken over all rounds.
    r.put("flink_over_serial_by_round", byRound(results, "flink", "serial"));
    if (results.containsKey("flink_max_delay_0")) {
      r.put("flink_max_delay_0_over_flink_by_round", byRound(results, "flink_max_delay_0", "flink"));
    }
    if (results.containsKey("flink_parallelism_2")) {
      r.put("flink_parallelism_2_over_flink_by_round", byRound(results, "flink_parallelism_2", "flink"));
    }
    // Extra variants (--variant): each against serial, like flink.
    for (String name : results.keySet()) {
      if (!name.startsWith("inference_only_") && !STANDARD_VARIANTS.contains(name)
          && !name.equals(PYTHON_VARIANT)) {
        r.put(name + "_over_serial", round3(fps(results, name) / serial));
        r.put(name + "_over_serial_by_round", byRound(results, name, "serial"));
        r.put(name + "_over_flink_by_round", byRound(results, name, "flink"));
        if (results.containsKey(PYTHON_VARIANT)) {
          r.put(name + "_over_python_loop", round3(fps(results, name) / fps(results, PYTHON_VARIANT)));
          r.put(name + "_over_python_loop_by_round", byRound(results, name, PYTHON_VARIANT));
        }
      }
    }
    if (results.containsKey(PYTHON_VARIANT)) {
      double python = fps(results, PYTHON_VARIANT);
      r.put("flink_over_python_loop", round3(flink / python));
      r.put("flink_over_python_loop_by_round", byRound(results, "flink", PYTHON_VARIANT));
      r.put("goal_flink_over_python_loop", GOAL_FLINK_OVER_PYTHON);
      r.put("goal_flink_over_python_loop_met", flink / python >= GOAL_FLINK_OVER_PYTHON);
    }
    double bestSerial = serial;
    List<Double> bestByRound = byRound(results, "flink", "serial");
    if (results.containsKey("serial_spinning_off")) {
      bestSerial = Math.max(serial, fps(results, "serial_spinning_off"));
      r.put("serial_spinning_off_over_serial", round3(fps(results, "serial_spinning_off") / serial));
      r.put("serial_spinning_off_over_serial_by_round", byRound(results, "serial_spinning_off", "serial"));
      List<Double> other = byRound(results, "flink", "serial_spinning_off");
      for (int i = 0; i < bestByRound.size(); i++) {
        bestByRound.set(i, Math.min(bestByRound.get(i), other.get(i)));
      }
    }
    // Judged against the better serial setting, so no thread setting favours Flink.
    r.put("flink_over_best_serial", round3(flink / bestSerial));
    r.put("flink_over_best_serial_by_round", bestByRound);
    r.put("goal_flink_over_serial", GOAL_FLINK_OVER_SERIAL);
    r.put("goal_met", flink / bestSerial >= GOAL_FLINK_OVER_SERIAL);
    return r;
  }

  /**
   * Where the time goes: the serial loop's stages add up to its wall time; Flink's task-thread
   * stages run while the inference thread detects, and the inference-only rate says how long
   * detection alone needs for the video.
   */
  private static Map<String, Object> whereTimeGoes(Map<String, Object> results, long frames) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("serial_stage_ms", stageMs(results, "serial"));
    m.put("flink_task_thread_stage_ms", stageMs(results, "flink"));
    m.put("detect_alone_ms_batch_1", round1(frames / fps(results, "inference_only_batch_1") * 1000));
    m.put("detect_alone_ms_batch_4", round1(frames / fps(results, "inference_only_batch_4") * 1000));
    m.put("flink_time_to_first_frame_s", ((Map<?, ?>) results.get("flink")).get("time_to_first_frame_s"));
    m.put("flink_outside_pipeline_s", ((Map<?, ?>) results.get("flink")).get("outside_pipeline_s"));
    m.put("serial_outside_pipeline_s", ((Map<?, ?>) results.get("serial")).get("outside_pipeline_s"));
    return m;
  }

  private static Object stageMs(Map<String, Object> results, String variant) {
    return ((Map<?, ?>) results.get(variant)).get("stage_ms");
  }

  /** Per round, frames/s of process variant {@code a} over that of {@code b}. */
  private static List<Double> byRound(Map<String, Object> results, String a, String b) {
    List<?> ra = (List<?>) ((Map<?, ?>) results.get(a)).get("rounds");
    List<?> rb = (List<?>) ((Map<?, ?>) results.get(b)).get("rounds");
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < ra.size(); i++) {
      double fa = ((Number) ((Map<?, ?>) ra.get(i)).get("fps")).doubleValue();
      double fb = ((Number) ((Map<?, ?>) rb.get(i)).get("fps")).doubleValue();
      ratios.add(round3(fa / fb));
    }
    return ratios;
  }

  private static double fps(Map<String, Object> results, String variant) {
    return ((Number) ((Map<?, ?>) results.get(variant)).get("fps")).doubleValue();
  }

  private static double pipelineFps(Map<String, Object> results, String variant) {
    return ((Number) ((Map<?, ?>) results.get(variant)).get("pipeline_fps")).doubleValue();
  }

  /** The 1-minute system load average, or null where the OS does not report one. */
  private static Double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? null : round3(load);
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      throw new IllegalArgumentException("median of nothing");
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static void deleteTree(Path dir) {
    FleetBench.deleteTree(dir);
  }
}
