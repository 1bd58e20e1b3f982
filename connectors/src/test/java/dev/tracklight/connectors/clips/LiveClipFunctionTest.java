package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.media.JpegCodec;
import dev.tracklight.connectors.media.Thumbnails;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.Severity;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.FrameRules;
import dev.tracklight.operators.stream.StreamEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clip function driven frame by frame with a real Flink runtime context (test harness). */
class LiveClipFunctionTest {

  private static final long NOW = 1_800_000_000_000L;
  private static final long T0 = LiveFrames.EPOCH_MS;

  @TempDir
  Path dir;

  private LiveClipFunction function(LiveClipConfig config) {
    return new LiveClipFunction(ClipLayout.at(dir), config, ClassNames.COCO.names(),
        AnnotationStyle.defaults(), HighlightSeverity.byRule(Map.of("door", Severity.WARNING)),
        Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
  }

  /**
   * Feeds the 5 fps frames of the hall video as camera "lobby", attaching {@code closing} highlights
   * to the frame at their key's time; returns the alerts emitted after each frame time.
   */
  private Map<Long, List<Alert>> run(LiveClipFunction fn, Map<Long, List<Highlight>> closing,
      List<FrameDetections> passedOn) throws Exception {
    Map<Long, List<Alert>> alertsAt = new HashMap<>();
    OneInputStreamOperatorTestHarness<FrameDetections, FrameDetections> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(fn);
    try (JpegCodec jpeg = JpegCodec.create(80)) {
      List<BufferedFrame> frames = LiveFrames.jpegAt5Fps();
      for (int i = 0; i < frames.size(); i++) {
        BufferedFrame f = frames.get(i);
        BgrImage image = jpeg.decode(f.jpeg(), null);
        long relative = f.timestampMs() - T0;
        FrameRules rules = new FrameRules(List.of(), closing.getOrDefault(relative, List.of()));
        FrameDetections frame = new FrameDetections("lobby", f.frameIndex(), f.timestampMs(), image,
            ClipFrames.twoPersons(f.frameIndex(), image),
            i == frames.size() - 1 ? StreamEnd.COMPLETE : StreamEnd.NONE, rules);
        byte[] pixels = image.pixels().clone();
        int before = harness.getSideOutput(LiveClipFunction.ALERTS) == null ? 0
            : harness.getSideOutput(LiveClipFunction.ALERTS).size();
        harness.processElement(frame, f.timestampMs());
        assertArrayEquals(pixels, image.pixels(), "the frame passed on keeps its own pixels");
        var side = harness.getSideOutput(LiveClipFunction.ALERTS);
        if (side != null && side.size() > before) {
          List<Alert> now = new ArrayList<>();
          side.stream().skip(before).map(r -> ((StreamRecord<Alert>) r).getValue()).forEach(now::add);
          alertsAt.put(relative, now);
        }
      }
    }
    passedOn.addAll(harness.extractOutputValues());
    harness.close(); // drains the writer
    return alertsAt;
  }

  @Test
  void aClosedHighlightGetsItsClipThumbnailAndAlertAndFramesPassOn() throws Exception {
    LiveClipFunction fn = function(LiveClipConfig.defaults());
    Highlight h = ClipFrames.highlight("lobby", T0 + 2000, T0 + 8000, 125, "door", "crowd");
    List<FrameDetections> passed = new ArrayList<>();
    Map<Long, List<Alert>> alerts = run(fn, Map.of(9000L, List.of(h)), passed);

    assertEquals(LiveFrames.jpegAt5Fps().size(), passed.size(), "every frame passed on");
    assertEquals(List.of(9000L), List.copyOf(alerts.keySet()), "alert at the closing frame");
    Alert a = alerts.get(9000L).get(0);
    Path clip = ClipLayout.at(dir).clip("lobby", h.id());
    Path thumb = ClipLayout.at(dir).thumbnail("lobby", h.id());
    assertEquals(Alert.of(h, Severity.WARNING, NOW, clip.toUri().toString(), thumb.toUri().toString()), a);
    assertEquals("highlight", a.type());
    assertTrue(a.clipUri().startsWith("file:///"), a.clipUri());

    try (VideoReader reader = VideoReader.open(clip, VideoReadOptions.defaults())) {
      assertEquals(5.0, reader.info().fps(), 1e-9);
      int n = 0;
      while (reader.next().isPresent()) {
        n++;
      }
      assertEquals(30, n, 1, "6 s at 5 fps");
    }
    try (JpegCodec jpeg = JpegCodec.create(80)) {
      BgrImage still = jpeg.decode(Files.readAllBytes(thumb), null);
      assertEquals(Thumbnails.MAX_WIDTH, still.width(), "a thumbnail of the 1280x720 frame");
      assertEquals(180, still.height());
    }
    Map<String, Long> m = fn.metricValues();
    assertEquals(1, m.get("clipsWritten"));
    assertEquals(0, m.get("clipsSkipped"));
    assertEquals(0, m.get("clipsCut"));
    assertEquals(0, m.get("clipQueueDepth"));
    assertTrue(m.get("bufferBytes") > 50 * 40_000, "all 13.6 s of frames buffered: " + m.get("bufferBytes"));
  }

  @Test
  void theThumbnailIsTheAnnotatedPeakFrame() throws Exception {
    LiveClipFunction fn = function(LiveClipConfig.defaults());
    Highlight h = ClipFrames.highlight("lobby", T0 + 2000, T0 + 4000, 75, "door");
    run(fn, Map.of(5000L, List.of(h)), new ArrayList<>());
    try (JpegCodec jpeg = JpegCodec.create(80)) {
      BgrImage still = jpeg.decode(Files.readAllBytes(ClipLayout.at(dir).thumbnail("lobby", h.id())), null);
      BufferedFrame raw = LiveFrames.jpegAt5Fps().stream().filter(f -> f.frameIndex() == 75).findFirst().orElseThrow();
      BgrImage plain = Thumbnails.fit(jpeg.decode(raw.jpeg(), null));
      // Track 3's box (class person, colour of track 3) is drawn at x = 100 + 75 = 175, 2 px wide:
      // a quarter of thumbnail columns 43 and 44 (1280 -> 320 px averages 4 x 4 pixels).
      int changed = 0;
      for (int y = 110 / 4; y < 370 / 4; y++) {
        int diff = 0;
        for (int x = 43; x <= 44; x++) {
          int i = (y * still.width() + x) * 3;
          for (int c = 0; c < 3; c++) {
            diff += Math.abs((still.pixels()[i + c] & 0xff) - (plain.pixels()[i + c] & 0xff));
          }
        }
        if (diff > 30) {
          changed++;
        }
      }
      assertTrue(changed > 50, "box edge drawn on the thumbnail: " + changed + " of 65 rows differ");
    }
  }

  @Test
  void aPostRollHighlightWaitsForItsEndAndAPartOlderThanTheBufferIsCut() throws Exception {
    LiveClipFunction fn = function(LiveClipConfig.defaults().withBuffer(5, 64L << 20));
    Highlight postRoll = ClipFrames.highlight("lobby", T0 + 6000, T0 + 11000, 50, "door");
    Highlight tooOld = ClipFrames.highlight("lobby", T0 + 1000, T0 + 8000, 150, "other");
    Highlight gone = ClipFrames.highlight("lobby", T0, T0 + 2000, 0, "other");
    Map<Long, List<Alert>> alerts = run(fn, Map.of(9000L, List.of(postRoll, tooOld, gone)),
        new ArrayList<>());

    assertEquals(2, alerts.get(9000L).size(), "the post-roll highlight is not released yet");
    Alert old = alerts.get(9000L).get(0);
    assertEquals(List.of(T0 + 1000, T0 + 8000), List.of(old.startMs(), old.eventTimeMs()));
    assertEquals(Severity.INFO, old.severity());
    assertTrue(old.clipUri() != null, "cut, not skipped");
    Alert none = alerts.get(9000L).get(1);
    assertEquals(List.of(T0, T0 + 2000), List.of(none.startMs(), none.eventTimeMs()));
    assertNull(none.clipUri(), "nothing of it is buffered any more");
    assertNull(none.thumbnailUri());
    assertEquals(1, alerts.get(11000L).size(), "post-roll highlight released at its end");
    assertEquals(Severity.WARNING, alerts.get(11000L).get(0).severity());

    Map<String, Long> m = fn.metricValues();
    assertEquals(2, m.get("clipsWritten"));
    assertEquals(1, m.get("clipsCut"));
    assertEquals(1, m.get("clipsSkipped"));
    try (VideoReader reader = VideoReader.open(ClipLayout.at(dir).clip("lobby", postRoll.id()),
        VideoReadOptions.defaults())) {
      int n = 0;
      while (reader.next().isPresent()) {
        n++;
      }
      assertEquals(25, n, 1, "the whole 5 s post-roll highlight, written after its end");
    }
    try (VideoReader reader = VideoReader.open(ClipLayout.at(dir).clip("lobby", tooOld.id()),
        VideoReadOptions.defaults())) {
      int n = 0;
      while (reader.next().isPresent()) {
        n++;
      }
      assertEquals(20, n, 1, "cut to the buffer's 5 s before the closing frame: 4 s .. 8 s");
    }
  }
}
