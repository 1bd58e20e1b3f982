package dev.tracklight.pipeline.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's goals on the demo clip (the swimming golden retriever, 816 frames, 34 s), every frame
 * detected by the default model as the demo does, then tracked by the default tracker:
 * <ul>
 *   <li>boxes whose label is not their track's majority label below 2 % (per-frame detection
 *       classes: about 24 %);
 *   <li>the dog keeps at most 2 track ids: tracks seen for at least a second, and the dog's main
 *       track covers nearly every frame it is detected in;
 *   <li>every such track is labelled {@code dog} in every frame (one steady label).
 * </ul>
 */
class DemoClipTrackingTest {

  private static final String CLIP = "videos/dog_golden_retriever_swimming_360x204_h264.mp4";
  private static final int DOG = 16;

  private static final List<Detections> frames = new ArrayList<>();
  private static double fps;

  @BeforeAll
  static void detectOnce() {
    Path root = TestAssets.root();
    try (YoloDetector detector = YoloDetector.open(
            DetectorOptions.forModel("yolox-nano").withDevice(DeviceSpec.CPU),
            new ModelRegistry(root, root.resolve("no-cache")));
        VideoReader reader = VideoReader.open(TestAssets.file(CLIP), VideoReadOptions.defaults())) {
      fps = reader.info().fps();
      Optional<VideoFrame> next;
      while ((next = reader.next()).isPresent()) {
        frames.add(detector.detect(next.get().image()));
      }
    }
  }

  @AfterAll
  static void release() {
    frames.clear();
  }

  /** Per track id: box count per track class, per detection class, first and last frame. */
  private record Tracks(Map<Integer, Map<Integer, Integer>> classes,
      Map<Integer, Map<Integer, Integer>> detClasses, Map<Integer, int[]> spans, int boxes) {

    double minorityShare(boolean detectionClass) {
      int minority = 0;
      for (Map<Integer, Integer> c : (detectionClass ? detClasses : classes).values()) {
        int total = c.values().stream().mapToInt(Integer::intValue).sum();
        minority += total - c.values().stream().mapToInt(Integer::intValue).max().orElse(0);
      }
      return 100.0 * minority / boxes;
    }
  }

  private static Tracks track(ByteTrackConfig config) {
    ByteTracker tracker = new ByteTracker(config.withFrameRate(fps));
    Map<Integer, Map<Integer, Integer>> classes = new TreeMap<>();
    Map<Integer, Map<Integer, Integer>> detClasses = new TreeMap<>();
    Map<Integer, int[]> spans = new TreeMap<>();
    int boxes = 0;
    for (int f = 0; f < frames.size(); f++) {
      Detections out = tracker.update(frames.get(f));
      for (int i = 0; i < out.size(); i++) {
        int id = out.trackId(i);
        classes.computeIfAbsent(id, k -> new HashMap<>()).merge(out.classId(i), 1, Integer::sum);
        detClasses.computeIfAbsent(id, k -> new HashMap<>())
            .merge(out.detectionClassId(i), 1, Integer::sum);
        int frame = f;
        spans.computeIfAbsent(id, k -> new int[] {frame, frame, 0})[1] = frame;
        spans.get(id)[2]++;
        boxes++;
      }
    }
    return new Tracks(classes, detClasses, spans, boxes);
  }

  private static String describe(String name, Tracks t) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%s: %d boxes, %d ids, minority labels %.2f %% (per-frame detection classes %.2f %%)%n",
        name, t.boxes(), t.spans().size(), t.minorityShare(false), t.minorityShare(true)));
    t.spans().forEach((id, s) -> sb.append(String.format(Locale.ROOT,
        "  id %d frames %d-%d (%d boxes) classes %s detections %s%n", id, s[0], s[1], s[2],
        t.classes().get(id), t.detClasses().get(id))));
    return sb.toString();
  }

  @Test
  void oneSteadyLabelAndAtMostTwoIdsForTheDog() {
    assertEquals(816, frames.size(), "frames of the demo clip");
    Tracks before = track(ByteTrackConfig.defaults());
    Tracks after = track(ByteTrackConfig.recommended());
    String report = describe("bytetrack", before) + describe("oc-bytetrack (default)", after);
    System.out.print(report);

    assertTrue(after.minorityShare(false) < 2.0, "minority labels\n" + report);
    assertTrue(after.minorityShare(true) > 15.0,
        "the detector's own classes flicker on this clip (else the test proves nothing)\n" + report);

    int secondLong = (int) Math.ceil(fps);
    long lasting = after.spans().values().stream().filter(s -> s[2] >= secondLong).count();
    assertTrue(lasting <= 2, "tracks seen for a second or more: " + lasting + "\n" + report);
    // The main track is the dog's: labelled dog, and present in nearly every frame with a dog box.
    // Every lasting track is the dog's (the clip's only other objects, a ball, last a few
    // frames), and every one of them is labelled dog in every frame.
    after.spans().forEach((id, s) -> {
      if (s[2] >= secondLong) {
        assertEquals(Map.of(DOG, s[2]), after.classes().get(id), "track " + id + "\n" + report);
      }
    });
    int[] main = after.spans().entrySet().stream().max((a, b) -> a.getValue()[2] - b.getValue()[2])
        .orElseThrow().getValue();
    int mainId = after.spans().entrySet().stream().filter(e -> e.getValue() == main).findFirst()
        .orElseThrow().getKey();
    assertEquals(Map.of(DOG, main[2]), after.classes().get(mainId), report);
    long dogFrames = frames.stream().filter(d -> {
      for (int i = 0; i < d.size(); i++) {
        if (d.classId(i) == DOG) {
          return true;
        }
      }
      return false;
    }).count();
    assertTrue(main[2] >= 0.85 * dogFrames, "main track " + main[2] + " boxes for " + dogFrames
        + " frames with a dog detection\n" + report);
  }
}
