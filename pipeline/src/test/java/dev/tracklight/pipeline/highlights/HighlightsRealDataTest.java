package dev.tracklight.pipeline.highlights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.tracklight.operators.highlights.HighlightJsonWriter;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleEngine;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.highlights.WebVttChaptersWriter;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appearance highlights from the real detector and tracker on real clips sampled at 4 fps: the
 * person clip must give exactly the six documented person segments of the MANIFEST, the dog clip
 * highlights whose peak frames show a dog.
 */
class HighlightsRealDataTest {

  /** The MANIFEST's person segments of persons_one_by_one_432p.mp4, seconds. */
  private static final double[][] PERSON_SEGMENTS = {{6.3, 19.5}, {22.8, 44.5}, {50.4, 69.7},
      {74.6, 86.5}, {92.7, 119.6}, {123.7, 135.8}};
  private static final double SAMPLE_FPS = 4.0;
  /** The MANIFEST's dog segments of the golden-retriever clip (YOLOX, conf .4, 4 fps), seconds. */
  private static final double[][] DOG_SEGMENTS = {{0.3, 13.0}, {14.3, 24.0}, {27.5, 29.8},
      {31.0, 33.8}};
  private static final int DOG = ClassNames.COCO.idOf("dog");

  static YoloDetector detector;

  @TempDir
  Path tmp;

  @BeforeAll
  static void loadModel() {
    Path root = TestAssets.root();
    detector = YoloDetector.open(DetectorOptions.forModel("yolox-nano").withDevice(DeviceSpec.CPU),
        new ModelRegistry(root, root.resolve("no-cache")));
  }

  @AfterAll
  static void closeModel() {
    if (detector != null) {
      detector.close();
    }
  }

  /** What one clip produced: ranked highlights and the raw detections of every sampled frame. */
  private record ClipRun(List<Highlight> highlights, Map<Long, Detections> detections) {}

  private static ClipRun run(String video, List<Rule> rules) {
    RuleEngine engine = new RuleEngine(rules);
    HighlightBuilder builder = new HighlightBuilder("cam1", rules, ClassNames.COCO);
    // ByteTrack's 30-frame buffer is given at 30 fps; the config scales it to the sampled rate.
    ByteTracker tracker = new ByteTracker(ByteTrackConfig.of(ByteTrackConfig.DEFAULT_TRACK_THRESH,
        ByteTrackConfig.DEFAULT_TRACK_BUFFER, ByteTrackConfig.DEFAULT_MATCH_THRESH, SAMPLE_FPS));
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

  private static double timeIou(double s1, double e1, double s2, double e2) {
    double inter = Math.max(0, Math.min(e1, e2) - Math.max(s1, s2));
    double union = Math.max(e1, e2) - Math.min(s1, s2);
    return union > 0 ? inter / union : 0;
  }

  @Test
  void personAppearancesAreTheSixDocumentedSegments() throws Exception {
    List<Rule> rules = new RuleParser(ClassNames.COCO).parse(List.of(Map.of("type", "appearance",
        "name", "person-arrives", "classes", List.of("person"), "min_absence_seconds", 1.0)));
    ClipRun run = run("videos/persons_one_by_one_432p.mp4", rules);
    List<Highlight> byTime = new ArrayList<>(run.highlights());
    byTime.sort(Comparator.comparingDouble(Highlight::startS));
    StringBuilder found = new StringBuilder();
    byTime.forEach(h -> found.append(String.format(" [%.2f-%.2f]", h.startS(), h.endS())));
    assertEquals(PERSON_SEGMENTS.length, byTime.size(), "person highlights:" + found);
    for (int i = 0; i < PERSON_SEGMENTS.length; i++) {
      Highlight h = byTime.get(i);
      double iou = timeIou(h.startS(), h.endS(), PERSON_SEGMENTS[i][0], PERSON_SEGMENTS[i][1]);
      assertTrue(iou >= 0.7, "segment " + i + " IoU " + iou + "; highlights:" + found);
      assertEquals(List.of("person-arrives"), h.reasons());
      assertEquals(List.of("person"), h.classes());
      assertTrue(hasClass(run.detections().get(h.peakFrame()), 0), "peak frame shows a person");
    }
    System.out.println("person highlights:" + found);

    // The same run written out: highlights.json parses back, highlights.vtt is valid WebVTT.
    Path json = tmp.resolve("highlights.json");
    HighlightJsonWriter.write(run.highlights(), json);
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals(6, root.get("highlights").size());
    JsonNode best = root.get("highlights").get(0);
    assertEquals(run.highlights().get(0).id(), best.get("id").asText());
    assertEquals("cam1", best.get("camera").asText());
    assertTrue(best.get("end_s").asDouble() > best.get("start_s").asDouble());
    assertFalse(best.get("track_ids").isEmpty());
    Path vtt = tmp.resolve("highlights.vtt");
    WebVttChaptersWriter.write(run.highlights(), vtt);
    List<String> lines = Files.readAllLines(vtt);
    assertTrue(lines.get(0).startsWith("WEBVTT"));
    long cues = lines.stream().filter(l -> l.matches(
        "\\d{2}:\\d{2}:\\d{2}\\.\\d{3} --> \\d{2}:\\d{2}:\\d{2}\\.\\d{3}")).count();
    assertEquals(6, cues);
  }

  @Test
  void dogAppearancesPeakOnFramesWithADog() {
    List<Rule> rules = new RuleParser(ClassNames.COCO).parse(List.of(Map.of("type", "appearance",
        "name", "dog", "classes", List.of("dog"))));
    ClipRun run = run("videos/dog_golden_retriever_swimming_360x204_h264.mp4", rules);
    assertFalse(run.highlights().isEmpty(), "the dog is in most of the clip");
    double covered = 0;
    StringBuilder found = new StringBuilder();
    for (Highlight h : run.highlights()) {
      found.append(String.format(" [%.2f-%.2f] peak %d", h.startS(), h.endS(), h.peakFrame()));
      assertTrue(hasClass(run.detections().get(h.peakFrame()), DOG),
          "peak frame " + h.peakFrame() + " has a dog box: " + run.detections().get(h.peakFrame()));
      assertEquals(List.of("dog"), h.classes());
      boolean documented = false;
      for (double[] seg : DOG_SEGMENTS) {
        documented |= timeIou(h.startS(), h.endS(), seg[0], seg[1]) > 0;
      }
      assertTrue(documented, "highlight [" + h.startS() + ", " + h.endS()
          + "] lies outside every documented dog segment");
      covered += h.durationS();
    }
    System.out.println("dog highlights:" + found);
    // The tracker confirms fewer dogs than raw detections at conf .4 (ByteTrack starts tracks at
    // 0.6), so the highlights cover less than the MANIFEST's segments, but at least half of them.
    double documentedTotal = 0;
    for (double[] seg : DOG_SEGMENTS) {
      documentedTotal += seg[1] - seg[0];
    }
    assertTrue(covered >= documentedTotal / 2, "dog highlights cover " + covered + " s of "
        + documentedTotal + " s documented:" + found);
  }

  private static boolean hasClass(Detections dets, int classId) {
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
}
