package dev.tracklight.pipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs one {@code tracklight} command as a fresh JVM and times it from the outside, so process
 * start, class loading, model load and (for Flink) MiniCluster start are part of the measurement,
 * as they are for a user. The child runs the same code as this process: the shaded jar when this
 * process runs from it, otherwise this process's class path (tests), with this JVM's {@code -D},
 * {@code -X} and {@code --add-opens} options and environment.
 *
 * @param java the {@code java} launcher
 * @param launch what follows the JVM options: {@code -jar JAR} or {@code -cp PATH MAIN}
 * @param jvmOptions JVM options passed to the child
 */
public record ReplayProcess(Path java, List<String> launch, List<String> jvmOptions) {

  /**
   * A child that takes longer than this has hung (the full 1394-frame replay takes about a minute
   * on 2 cores); it is killed and the benchmark fails rather than waiting forever.
   */
  static final Duration CHILD_TIMEOUT = Duration.ofMinutes(20);
  private static final String MAIN = "dev.tracklight.pipeline.cli.TracklightMain";
  /** Lines of the child's output quoted when it fails. */
  private static final int FAILURE_TAIL_LINES = 20;

  public ReplayProcess {
    launch = List.copyOf(launch);
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** A child running the same code and JVM options as this process. */
  public static ReplayProcess likeThisJvm() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> launch;
    Path code = ownCodeSource();
    if (Files.isRegularFile(code) && code.toString().endsWith(".jar")) {
      launch = List.of("-jar", code.toString());
    } else {
      launch = List.of("-cp", System.getProperty("java.class.path"), MAIN);
    }
    List<String> options = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Settings (properties, heap, module opens) carry over; agents and debuggers do not.
      if (arg.startsWith("-D") || arg.startsWith("-X") && !arg.startsWith("-Xrunjdwp")
          || arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
        options.add(arg);
      }
    }
    return new ReplayProcess(java, launch, options);
  }

  private static Path ownCodeSource() {
    try {
      return Path.of(ReplayProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * One timed child run and the {@code summary.json} it wrote.
   *
   * @param processWallSeconds from just before the child was started until it exited
   * @param firstFrameSeconds from just before the start until the first frame reached the sink
   *     (Flink's {@code first_frame_epoch_ms}), or {@code NaN} when the summary does not say
   */
  public record Timed(double processWallSeconds, double firstFrameSeconds, JsonNode summary) {

    public long frames() {
      return summary.path("frames").asLong();
    }
  }

  /**
   * Runs {@code tracklight ARGS} with its outputs under {@code outDir} and reads the summary of
   * {@code video} there. Fails, quoting the end of the child's output, when it exits non-zero.
   */
  public Timed run(List<String> args, Path video, Path outDir, LongSupplier nanoClock, Clock wallClock) {
    long startEpochMs = wallClock.millis();
    double seconds = runTracklight(args, outDir, nanoClock);
    Path summaryFile = ReplayOutputs.under(outDir, video).summary();
    if (!Files.isRegularFile(summaryFile)) {
      throw new IllegalStateException("tracklight " + String.join(" ", args) + " wrote no " + summaryFile);
    }
    try {
      JsonNode summary = new ObjectMapper().readTree(summaryFile.toFile());
      JsonNode first = summary.get("first_frame_epoch_ms");
      double firstFrame = first == null ? Double.NaN : (first.asLong() - startEpochMs) / 1e3;
      return new Timed(seconds, firstFrame, summary);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + summaryFile, e);
    }
  }

  /**
   * Runs {@code tracklight ARGS} (its log in {@code outDir}) and returns its wall seconds from just
   * before the start until it exited. Fails, quoting the end of its output, on a non-zero exit.
   */
  public double runTracklight(List<String> args, Path outDir, LongSupplier nanoClock) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.addAll(launch);
    command.addAll(args);
    return timeTogether(List.of(command), outDir, nanoClock);
  }

  /**
   * Starts every command at once (each logging to {@code outDir/child-N.log}) and returns the wall
   * seconds until the last one exited: how a user's N processes side by side are timed. Fails,
   * quoting the end of the first failing command's output, when any exits non-zero or outlives
   * {@link #CHILD_TIMEOUT} (all are then killed).
   */
  static double timeTogether(List<List<String>> commands, Path outDir, LongSupplier nanoClock) {
    List<Process> processes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      Files.createDirectories(outDir);
      long start = nanoClock.getAsLong();
      for (int i = 0; i < commands.size(); i++) {
        Path log = outDir.resolve(commands.size() == 1 ? "child.log" : "child-" + (i + 1) + ".log");
        logs.add(log);
        processes.add(new ProcessBuilder(commands.get(i)).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start());
      }
      long deadline = start + CHILD_TIMEOUT.toNanos();
      for (int i = 0; i < processes.size(); i++) {
        Process p = processes.get(i);
        long left = deadline - nanoClock.getAsLong();
        boolean exited = left > 0 && p.waitFor(left, TimeUnit.NANOSECONDS);
        if (!exited) {
          throw new IllegalStateException(describe(commands.get(i)) + " did not finish in "
              + CHILD_TIMEOUT + "; its output ends with:\n" + tail(logs.get(i)));
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(describe(commands.get(i)) + " exited with "
              + p.exitValue() + "; its output ends with:\n" + tail(logs.get(i)));
        }
      }
      return (nanoClock.getAsLong() - start) / 1e9;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + commands, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + commands, e);
    } finally {
      processes.forEach(Process::destroyForcibly); // no-op for those that exited
    }
  }

  /** The command without the JVM's options and class path: what a reader needs in an error. */
  private static String describe(List<String> command) {
    int main = command.indexOf(MAIN);
    int jar = command.indexOf("-jar");
    List<String> shown = main >= 0 ? command.subList(main + 1, command.size())
        : jar >= 0 ? command.subList(Math.min(jar + 2, command.size()), command.size()) : command;
    return (main >= 0 || jar >= 0 ? "tracklight " : "") + String.join(" ", shown);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - FAILURE_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Fails fast on a video that is not a file (the children would each fail more slowly). */
  static void requireFile(Path video) {
    if (!Files.isRegularFile(video)) {
      throw new InvalidInputException("video " + video + " does not exist; expected a video file");
    }
  }
}
