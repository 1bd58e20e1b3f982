package dev.tracklight.pipeline.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.ModelInfo;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.pipeline.testing.TestClips;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serial replay on a real clip with the real model: outputs, counts, and failure behaviour. */
class SerialReplayTest {

  /** Long enough for tracks to form and persist; short enough for a 2-core CI. */
  private static final int CLIP_FRAMES = 60;

  @TempDir
  static Path shared;
  static Path clip;
  static YoloDetector detector;

  @TempDir
  Path tmp;

  @BeforeAll
  static void makeClipAndLoadModel() {
    Path root = TestAssets.root();
    clip = TestClips.firstFrames(TestAssets.file("videos/people_walking_overhead_720p.mp4"), CLIP_FRAMES,
        shared.resolve("walking60.mp4"));
    detector = YoloDetector.open(DetectorOptions.forModel("yolox-nano").withDevice(DeviceSpec.CPU),
        new ModelRegistry(root, root.resolve("no-cache")));
  }

  @AfterAll
  static void closeModel() {
    if (detector != null) {
      detector.close();
    }
  }

  private static SerialReplay replay(Detector d) {
    return new SerialReplay(d, ByteTrackConfig.defaults(), AnnotationStyle.defaults(), System::nanoTime);
  }

  @Test
  void writesCompleteOutputs() throws IOException {
    ReplayOutputs out = ReplayOutputs.under(tmp, clip);
    long[] lastProgress = new long[2];
    SerialReplay.Result r = replay(detector).replay(clip, out, (done, total, ns) -> {
      lastProgress[0] = done;
      lastProgress[1] = total;
    });
    assertTrue(r.complete());
    assertEquals(CLIP_FRAMES, r.frames());
    assertEquals(CLIP_FRAMES, lastProgress[0]);
    assertEquals(CLIP_FRAMES, lastProgress[1]);
    assertEquals(tmp.resolve("walking60"), out.dir());

    // The annotated video: same frame count and frame rate as the input, H.264, pixels changed.
    try (VideoReader annotated = VideoReader.open(out.annotatedVideo(), VideoReadOptions.defaults());
        VideoReader original = VideoReader.open(clip, VideoReadOptions.defaults())) {
      assertEquals("h264", annotated.info().codec());
      assertEquals(original.info().frameRate(), annotated.info().frameRate());
      long frames = 0;
      long differing = 0;
      for (var a = annotated.next(); a.isPresent(); a = annotated.next()) {
        VideoFrame o = original.next().orElseThrow();
        differing += countDifferent(a.get().image(), o.image()) > 1000 ? 1 : 0;
        frames++;
      }
      assertEquals(CLIP_FRAMES, frames);
      assertTrue(differing > CLIP_FRAMES / 2, "annotations visible in " + differing + " frames");
    }

    // tracks.jsonl: one line per frame, persons with ids that persist.
    List<String> lines = Files.readAllLines(out.tracksJsonl());
    assertEquals(CLIP_FRAMES, lines.size());
    ObjectMapper json = new ObjectMapper();
    Map<Integer, Integer> framesPerId = new HashMap<>();
    int onTheEdge = 0;
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = json.readTree(lines.get(i));
      assertEquals(i, line.get("frame").asInt());
      assertEquals(i * 40, line.get("timestamp_ms").asLong(), 1.0, "25 fps timestamps");
      for (JsonNode t : line.get("tracks")) {
        framesPerId.merge(t.get("id").asInt(), 1, Integer::sum);
        JsonNode b = t.get("box");
        assertEquals(4, b.size());
        assertTrue(b.get(0).asDouble() >= 0 && b.get(1).asDouble() >= 0 && b.get(2).asDouble() <= 1280
            && b.get(3).asDouble() <= 720, "box outside the 1280x720 frame: " + t);
        onTheEdge += b.get(0).asDouble() == 0 || b.get(1).asDouble() == 0
            || b.get(2).asDouble() == 1280 || b.get(3).asDouble() == 720 ? 1 : 0;
      }
    }
    assertTrue(onTheEdge > 0, "people walking out of view have boxes clipped at the edge");
    long longLived = framesPerId.values().stream().filter(n -> n >= CLIP_FRAMES / 2).count();
    assertTrue(longLived >= 8, "persons tracked through half the clip: " + longLived + " of " + framesPerId);

    // tracks.mot.txt agrees with the JSON lines.
    List<String> motRows = Files.readAllLines(out.tracksMot());
    assertEquals(framesPerId.values().stream().mapToInt(Integer::intValue).sum(), motRows.size());
    for (String row : motRows) {
      String[] c = row.split(",");
      double x = Double.parseDouble(c[2]);
      double y = Double.parseDouble(c[3]);
      assertTrue(x >= 0 && y >= 0 && x + Double.parseDouble(c[4]) <= 1280.01
          && y + Double.parseDouble(c[5]) <= 720.01, "MOT row outside the frame: " + row);
    }

    // The serial loop writes the highlight media too (default rule: activity).
    assertTrue(Files.isRegularFile(out.highlightsJson()), "highlights.json");
    assertTrue(Files.isRegularFile(out.highlightsVtt()), "highlights.vtt");

    JsonNode summary = json.readTree(out.summary().toFile());
    assertTrue(summary.get("complete").asBoolean());
    assertEquals(CLIP_FRAMES, summary.get("frames").asInt());
    assertEquals(25.0, summary.get("fps").asDouble(), 1e-9);
    assertEquals(2.4, summary.get("duration_s").asDouble(), 1e-9);
    assertTrue(summary.get("tracks_per_class").get("person").asInt() >= 8, summary.toString());
    assertEquals("yolox-nano", summary.get("model").asText());
    assertEquals("onnxruntime", summary.get("engine").asText());
    assertTrue(summary.get("parallelism").isInt(), "a number, as from the Flink replay: " + summary);
    assertTrue(summary.has("highlights"), summary.toString());
    assertTrue(summary.get("stage_ms").get("detect").asDouble() > 0);
    assertNoPartFiles(out.dir());
  }

  @Test
  void truncatedInputIsReplayedAndMarkedIncomplete() throws IOException {
    Path cut = tmp.resolve("cut.mp4");
    try (InputStream in = Files.newInputStream(clip)) {
      Files.write(cut, in.readNBytes((int) (Files.size(clip) * 0.5)));
    }
    ReplayOutputs out = ReplayOutputs.under(tmp, cut);
    SerialReplay.Result r = replay(detector).replay(cut, out, SerialReplay.Progress.NONE);
    assertFalse(r.complete());
    assertTrue(r.frames() > 5 && r.frames() < CLIP_FRAMES, "decoded " + r.frames());
    JsonNode summary = new ObjectMapper().readTree(out.summary().toFile());
    assertFalse(summary.get("complete").asBoolean());
    assertTrue(summary.get("problem").asText().contains("truncated"), summary.toString());
    assertEquals(r.frames(), Files.readAllLines(out.tracksJsonl()).size());
  }

  @Test
  void failureMidRunLeavesNoOutputUnderAFinalName() throws IOException {
    ReplayOutputs out = ReplayOutputs.under(tmp, clip);
    Detector failing = new FailingDetector(detector, 20);
    assertThrows(IllegalStateException.class,
        () -> replay(failing).replay(clip, out, SerialReplay.Progress.NONE));
    try (Stream<Path> files = Files.list(out.dir())) {
      List<Path> left = files.toList();
      assertTrue(left.isEmpty(), "left behind: " + left);
    }
  }

  private static void assertNoPartFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList());
    }
  }

  private static long countDifferent(BgrImage a, BgrImage b) {
    long n = 0;
    for (int i = 0; i < a.pixels().length; i += 3) {
      if (Math.abs(a.pixels()[i] - b.pixels()[i]) > 60) {
        n++;
      }
    }
    return n;
  }

  /** Delegates to a real detector, then fails on the n-th call, like a GPU fault mid-run. */
  private static final class FailingDetector implements Detector {
    private final Detector delegate;
    private int callsLeft;

    FailingDetector(Detector delegate, int failOnCall) {
      this.delegate = delegate;
      this.callsLeft = failOnCall;
    }

    @Override
    public List<Detections> detect(List<BgrImage> images) {
      if (--callsLeft == 0) {
        throw new IllegalStateException("injected inference failure");
      }
      return delegate.detect(images);
    }

    @Override
    public ClassNames classNames() {
      return delegate.classNames();
    }

    @Override
    public ModelInfo info() {
      return delegate.info();
    }

    @Override
    public void close() {}
  }
}
