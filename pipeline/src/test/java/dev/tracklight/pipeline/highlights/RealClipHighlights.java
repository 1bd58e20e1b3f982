package dev.tracklight.pipeline.highlights;

import dev.tracklight.connectors.video.FrameSampling;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.HighlightBuilder;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleEngine;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the real detector (YOLOX-nano, CPU) and the default tracker over a clip sampled at 4 fps and feeds
 * the tracks through a {@link RuleEngine} and a {@link HighlightBuilder}, as the replay will.
 */
final class RealClipHighlights implements AutoCloseable {

  static final double SAMPLE_FPS = 4.0;

  /** What one clip produced: ranked highlights and the raw detections of every sampled frame. */
  record ClipRun(List<Highlight> highlights, Map<Long, Detections> detections) {}

  private final YoloDetector detector;

  /** Loads the model from {@code TRACKLIGHT_ASSETS} (skips when unset, fails when missing). */
  RealClipHighlights() {
    Path root = TestAssets.root();
    detector = YoloDetector.open(DetectorOptions.forModel("yolox-nano").withDevice(DeviceSpec.CPU),
        new ModelRegistry(root, root.resolve("no-cache")));
  }

  ClipRun run(String video, List<Rule> rules) {
    RuleEngine engine = new RuleEngine(rules);
    HighlightBuilder builder = new HighlightBuilder("cam1", rules, ClassNames.COCO);
    // The replay's tracker; its buffer is in seconds, the config scales it to the sampled rate.
    ByteTracker tracker = new ByteTracker(ByteTrackConfig.recommended().withFrameRate(SAMPLE_FPS));
    Map<Long, Detections> raw = new HashMap<>();
    long lastMs = 0;
    try (VideoReader reader = VideoReader.open(TestAssets.file(video),
        VideoReadOptions.defaults().withSampling(FrameSampling.targetFps(SAMPLE_FPS)))) {
      Optional<VideoFrame> next;
      while ((next = reader.next()).isPresent()) {
        VideoFrame f = next.get();
        Detections dets = detector.detect(f.image());
        raw.put(f.index(), dets);
        builder.acceptAll(engine.onFrame(f.index(), f.timestampMs(), f.image().width(),
            f.image().height(), tracker.update(dets)));
        lastMs = f.timestampMs();
      }
    }
    builder.acceptAll(engine.finish(lastMs));
    return new ClipRun(builder.build(lastMs), raw);
  }

  static double timeIou(double s1, double e1, double s2, double e2) {
    double inter = Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
    double union = Math.max(e1, e2) - Math.min(s1, s2);
    return union > 0 ? inter / union : 0;
  }

  static boolean hasClass(Detections dets, int classId) {
    if (dets == null) {
      return false;
    }
    for (int i = 0; i < dets.size(); i++) {
      if (dets.classId(i) == classId) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    detector.close();
  }
}
