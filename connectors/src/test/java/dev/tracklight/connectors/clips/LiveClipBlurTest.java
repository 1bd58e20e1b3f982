package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.media.JpegCodec;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.FrameRules;
import dev.tracklight.operators.stream.StreamEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-camera privacy: one clip function, two cameras fed the same frames and boxes, one of them
 * styled to blur persons. The blurred camera's thumbnail and clip keep little of the detail inside
 * the person box; the other camera's keep it (the control: the check cannot pass on flat pixels).
 */
class LiveClipBlurTest {

  private static final long T0 = LiveFrames.EPOCH_MS;
  /** The peak frame; {@link ClipFrames#twoPersons} puts track 3 at x 175..295, y 100..380 there. */
  private static final long PEAK = 75;

  @TempDir
  Path dir;

  @Test
  void aCameraThatBlursPersonsHasNoSharpPersonInItsClipOrThumbnailAndTheOtherCameraIsUntouched()
      throws Exception {
    AnnotationStyle plain = AnnotationStyle.defaults();
    AnnotationStyle blurred = plain.withBlur(Set.of(ClassNames.COCO.idOf("person")), 31);
    LiveClipFunction fn = new LiveClipFunction(ClipLayout.at(dir), LiveClipConfig.defaults(),
        ClassNames.COCO.names(), plain, Map.of("ward", blurred), HighlightSeverity.byRule(Map.of()),
        Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC));
    OneInputStreamOperatorTestHarness<FrameDetections, FrameDetections> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(fn);
    try (JpegCodec jpeg = JpegCodec.create(80)) {
      List<BufferedFrame> frames = LiveFrames.jpegAt5Fps();
      for (int i = 0; i < frames.size(); i++) {
        BufferedFrame f = frames.get(i);
        for (String camera : List.of("ward", "lobby")) {
          BgrImage image = jpeg.decode(f.jpeg(), null);
          List<Highlight> closing = f.timestampMs() - T0 == 5000
              ? List.of(ClipFrames.highlight(camera, T0 + 2_000, T0 + 4_000, PEAK, "door")) : List.of();
          harness.processElement(new FrameDetections(camera, f.frameIndex(), f.timestampMs(), image,
              ClipFrames.twoPersons(f.frameIndex(), image),
              i == frames.size() - 1 ? StreamEnd.COMPLETE : StreamEnd.NONE,
              new FrameRules(List.of(), closing)), f.timestampMs());
        }
      }
      harness.close(); // drains the writer
      ClipLayout layout = ClipLayout.at(dir);
      // Thumbnails are 320 px wide (1280 / 4): track 3's box interior, clear of its 2 px edges,
      // its label above the box and its trail through the box's centre (thumbnail rows 55..65).
      BgrImage wardThumb = jpeg.decode(Files.readAllBytes(layout.thumbnail("ward", id("ward"))), null);
      BgrImage lobbyThumb = jpeg.decode(Files.readAllBytes(layout.thumbnail("lobby", id("lobby"))), null);
      double wardDetail = detail(wardThumb, 46, 30, 72, 52) + detail(wardThumb, 46, 68, 72, 92);
      double lobbyDetail = detail(lobbyThumb, 46, 30, 72, 52) + detail(lobbyThumb, 46, 68, 72, 92);
      assertTrue(lobbyDetail > 2 * wardDetail, "thumbnail: the plain camera's person box keeps its detail ("
          + lobbyDetail + ") and the blurring camera's does not (" + wardDetail + ")");
      // The clip's first frame (frame 50 at 2 s: track 3 at x 150..270, y 100..380), full size.
      BgrImage wardClip = firstFrame(layout.clip("ward", id("ward")));
      BgrImage lobbyClip = firstFrame(layout.clip("lobby", id("lobby")));
      double wardClipDetail = detail(wardClip, 160, 120, 260, 220) + detail(wardClip, 160, 260, 260, 370);
      double lobbyClipDetail = detail(lobbyClip, 160, 120, 260, 220) + detail(lobbyClip, 160, 260, 260, 370);
      assertTrue(lobbyClipDetail > 2 * wardClipDetail, "clip: the plain camera's person box keeps its detail ("
          + lobbyClipDetail + ") and the blurring camera's does not (" + wardClipDetail + ")");
    }
  }

  private static String id(String camera) {
    return ClipFrames.highlight(camera, T0 + 2_000, T0 + 4_000, PEAK).id();
  }

  private static BgrImage firstFrame(Path clip) throws Exception {
    try (VideoReader reader = VideoReader.open(clip, VideoReadOptions.defaults())) {
      VideoFrame f = reader.next().orElseThrow(() -> new AssertionError("empty clip " + clip));
      BgrImage copy = BgrImage.allocate(f.image().width(), f.image().height());
      System.arraycopy(f.image().pixels(), 0, copy.pixels(), 0, copy.pixels().length);
      return copy;
    }
  }

  /** Mean absolute difference of horizontally adjacent pixel values in [x1, x2) x [y1, y2). */
  private static double detail(BgrImage image, int x1, int y1, int x2, int y2) {
    long sum = 0;
    long n = 0;
    byte[] p = image.pixels();
    for (int y = y1; y < y2; y++) {
      for (int x = x1; x + 1 < x2; x++) {
        int i = (y * image.width() + x) * 3;
        for (int c = 0; c < 3; c++) {
          sum += Math.abs((p[i + c] & 0xff) - (p[i + 3 + c] & 0xff));
          n++;
        }
      }
    }
    return (double) sum / n;
  }
}
