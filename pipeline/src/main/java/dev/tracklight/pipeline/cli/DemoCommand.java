package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ReplicatedDetector;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.pipeline.replay.SerialReplay;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracklight demo}: replays the sample video (a golden retriever swimming, "Golden Woofs",
 * Wikimedia Commons, CC BY) with the default model and prints where the outputs are.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Replay the sample video through the Flink job (or the serial loop) with the"
        + " default model: annotated video, tracks, highlights with clips, thumbnails and reel, summary.")
final class DemoCommand implements Callable<Integer> {

  /** Sample clips in preference order: the H.264 copy decodes fastest, the WebM is the original. */
  static final List<String> SAMPLE_FILES = List.of(
      "dog_golden_retriever_swimming_360x204_h264.mp4", "dog_golden_retriever_swimming_360p_vp9.webm");

  @Option(names = "--out", defaultValue = "tracklight-out", paramLabel = "DIR",
      description = "Output directory, or an S3 prefix (default: ${DEFAULT-VALUE}).")
  String out;

  @Option(names = "--video", paramLabel = "FILE",
      description = "Replay this video (a file or an s3:// object) instead of the sample.")
  String video;

  @Mixin
  DetectorOptionsMixin detectorOptions;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--executor", defaultValue = "flink", paramLabel = "KIND",
      description = "flink (the Flink job on an embedded MiniCluster) or serial (one in-process loop)"
          + " (default: ${DEFAULT-VALUE}).")
  String executor;

  @Option(names = "--no-draw-rules",
      description = "Do not draw the rules' geometry and alert state into the annotated video.")
  boolean noDrawRules;

  @Option(names = "--tracker", defaultValue = "oc-bytetrack", paramLabel = "NAME",
      description = "Tracking algorithm: oc-bytetrack or bytetrack (default: ${DEFAULT-VALUE}).")
  String tracker = "oc-bytetrack";

  @Override
  public Integer call() throws Exception {
    ByteTrackConfig tracking = ReplayCommand.trackingConfig(tracker); // validates before any work
    String input = video != null ? video : sampleVideo().toString();
    if ("flink".equals(executor)) {
      // The replay stages S3 inputs and uploads an S3 --out, as `tracklight replay` does.
      ReplayCommand replay = new ReplayCommand();
      replay.videoArgs = List.of(input);
      replay.outArg = out;
      replay.parallelism = 1;
      replay.maxDelayMs = 0; // one camera: waiting for a fuller batch only adds latency
      // Fields set by hand get no picocli defaults: every option that has one is set here.
      replay.reelSeconds = dev.tracklight.connectors.media.HighlightMediaOptions.DEFAULT_REEL_SECONDS;
      replay.detectorOptions = detectorOptions;
      replay.noDrawRules = noDrawRules;
      replay.tracker = tracker;
      replay.spec = spec;
      return replay.call();
    }
    if (!"serial".equals(executor)) {
      throw new InvalidInputException("--executor must be flink or serial, got '" + executor + "'");
    }
    if (S3Uri.isS3(input) || S3Uri.isS3(out) || S3Uri.isS3(detectorOptions.model)) {
      throw new InvalidInputException("--executor serial reads and writes local files only; expected local"
          + " paths, or the default flink executor for s3:// locations");
    }
    return serial(Path.of(input), Path.of(out), tracking);
  }

  private int serial(Path input, Path out, ByteTrackConfig tracking) throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    try (Detector detector = ReplicatedDetector.open(detectorOptions.toOptions(), ModelRegistry.fromEnvironment())) {
      SerialReplay replay = new SerialReplay(detector, tracking,
          AnnotationStyle.defaults().withRules(!noDrawRules), System::nanoTime);
      SerialReplay.Result r = replay.replay(input, ReplayOutputs.under(out, input),
          ProgressBar.forTerminal(err, input.getFileName().toString()));
      stdout.printf(Locale.ROOT, "replayed %s: %d frames in %.1f s (%.1f fps) with %s on %s%n",
          input, r.frames(), r.wallSeconds(), r.fps(), detector.info().name(), detector.info().device());
      ReplayOutputs o = r.outputs();
      for (Path p : ReplayCommand.outputFiles(o)) {
        stdout.println("  " + p.toAbsolutePath());
      }
      if (!r.complete()) {
        throw new InvalidInputException(r.problem());
      }
    }
    return 0;
  }

  private static Path sampleVideo() {
    return sampleVideo(System.getenv(ModelRegistry.ASSETS_ENV),
        Path.of(System.getProperty("user.home"), ".cache", "tracklight", "videos"));
  }

  /**
   * The first sample file found in {@code assets/videos}, else in {@code cache}; when none is, the
   * error names only the file the demo would use (the preferred H.264 copy).
   */
  static Path sampleVideo(String assets, Path cache) {
    for (String name : SAMPLE_FILES) {
      if (assets != null && !assets.isBlank() && Files.isRegularFile(Path.of(assets, "videos", name))) {
        return Path.of(assets, "videos", name);
      }
      if (Files.isRegularFile(cache.resolve(name))) {
        return cache.resolve(name);
      }
    }
    throw new InvalidInputException("sample video " + SAMPLE_FILES.get(0) + " not found in $"
        + ModelRegistry.ASSETS_ENV + "/videos" + (assets == null ? " (" + ModelRegistry.ASSETS_ENV
            + " is not set)" : "") + " or " + cache + "; expected TRACKLIGHT_ASSETS to point at the"
        + " shared data folder, or pass --video FILE");
  }
}
