package dev.tracklight.pipeline.bench;

import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The fleet case of {@code bench replay --fleet}: several videos at once, as cameras and archives
 * come. Our single job over all of them (parallelism 1 and 2) against what a user does with the
 * lean Python loop: one process per video, all started together on the same cores. Each variant is
 * timed from outside as whole processes (start-up included); rounds rotate the order, medians are
 * reported, and the ratio is the Python processes' wall time over our job's. Our job also runs at
 * parallelism 1 with {@code --input-shape fit} (the model at fitted input sizes), whose outputs are
 * not the square's bit for bit, so it is reported beside the default, not as it.
 *
 * @param videos the videos of the fleet
 * @param model the registry name or file every variant uses
 * @param modelFile the ONNX file that name resolves to (what the Python loop loads)
 * @param python the Python loop, or null to time our job alone
 * @param rounds rounds of every variant
 * @param workDir where the runs write (each run's folder is deleted after it)
 */
public record FleetBench(List<Path> videos, String model, Path modelFile, PythonLoop python, int rounds,
    Path workDir) {

  /** The goal: our job at least 1.3x faster than the user's N Python processes at once. */
  static final double GOAL_OVER_PYTHON = 1.3;

  public FleetBench {
    videos = List.copyOf(videos);
    videos.forEach(ReplayProcess::requireFile);
  }

  public Map<String, Object> run(ReplayProcess child, LongSupplier nanoClock, PrintWriter log) {
    long frames = 0;
    for (Path v : videos) {
      try (VideoReader reader = VideoReader.open(v, VideoReadOptions.defaults())) {
        frames += reader.info().frameCount();
      }
    }
    List<String> names = new ArrayList<>(List.of("fleet_flink_p1", "fleet_flink_p2", "fleet_flink_fit_p1"));
    if (python != null) {
      names.add("fleet_python_parallel");
    }
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    names.forEach(n -> seconds.put(n, new ArrayList<>()));
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((k + round) % names.size());
        Path out = workDir.resolve("fleet-round" + (round + 1) + "-" + name);
        try {
          double s = switch (name) {
            case "fleet_flink_p1" -> child.runTracklight(replayArgs(out, 1), out, nanoClock);
            case "fleet_flink_p2" -> child.runTracklight(replayArgs(out, 2), out, nanoClock);
            case "fleet_flink_fit_p1" -> child.runTracklight(fit(replayArgs(out, 1)), out, nanoClock);
            default -> ReplayProcess.timeTogether(pythonCommands(out), out, nanoClock);
          };
          seconds.get(name).add(s);
          log.printf(Locale.ROOT, "fleet round %d %s: %.1f s (%d videos, %d frames)%n", round + 1, name,
              s, videos.size(), frames);
        } finally {
          deleteTree(out);
        }
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("videos", videos.stream().map(v -> v.getFileName().toString()).toList());
    report.put("frames", frames);
    Map<String, Object> results = new LinkedHashMap<>();
    for (String name : names) {
      Map<String, Object> r = new LinkedHashMap<>();
      double median = ReplayBench.median(seconds.get(name));
      r.put("process_wall_s", round3(median));
      r.put("fps", round3(frames / median));
      r.put("process_wall_s_rounds", seconds.get(name).stream().map(FleetBench::round3).toList());
      results.put(name, r);
    }
    report.put("results", results);
    Map<String, Object> ratios = new LinkedHashMap<>();
    double p1 = ReplayBench.median(seconds.get("fleet_flink_p1"));
    double p2 = ReplayBench.median(seconds.get("fleet_flink_p2"));
    ratios.put("flink_p2_over_p1_speed", round3(p1 / p2));
    double fitP1 = ReplayBench.median(seconds.get("fleet_flink_fit_p1"));
    ratios.put("flink_fit_p1_over_p1_speed", round3(p1 / fitP1));
    if (python != null) {
      double py = ReplayBench.median(seconds.get("fleet_python_parallel"));
      double best = Math.min(p1, p2);
      ratios.put("flink_p1_over_python_parallel_speed", round3(py / p1));
      ratios.put("flink_p2_over_python_parallel_speed", round3(py / p2));
      ratios.put("flink_fit_p1_over_python_parallel_speed", round3(py / fitP1));
      ratios.put("flink_best_over_python_parallel_by_round", byRound(seconds));
      ratios.put("goal_over_python", GOAL_OVER_PYTHON);
      ratios.put("goal_met", py / best >= GOAL_OVER_PYTHON);
    }
    ratios.put("goal_p2_not_slower_than_p1", p2 <= p1);
    report.put("ratios", ratios);
    return report;
  }

  /** Per round, the Python processes' seconds over the faster of our two job variants. */
  private static List<Double> byRound(Map<String, List<Double>> seconds) {
    List<Double> out = new ArrayList<>();
    List<Double> py = seconds.get("fleet_python_parallel");
    for (int i = 0; i < py.size(); i++) {
      double best = Math.min(seconds.get("fleet_flink_p1").get(i), seconds.get("fleet_flink_p2").get(i));
      out.add(round3(py.get(i) / best));
    }
    return out;
  }

  private static List<String> fit(List<String> args) {
    List<String> out = new ArrayList<>(args);
    out.addAll(List.of("--input-shape", "fit"));
    return out;
  }

  private List<String> replayArgs(Path out, int parallelism) {
    List<String> args = new ArrayList<>();
    args.add("replay");
    videos.forEach(v -> args.add(v.toAbsolutePath().toString()));
    args.addAll(List.of("--model", model, "--parallelism", Integer.toString(parallelism),
        "--out", out.toString()));
    return args;
  }

  private List<List<String>> pythonCommands(Path out) {
    List<List<String>> commands = new ArrayList<>();
    for (int i = 0; i < videos.size(); i++) {
      commands.add(python.command(modelFile, videos.get(i), out.resolve("python-" + (i + 1) + ".mp4")));
    }
    return commands;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
