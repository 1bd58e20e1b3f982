package dev.tracklight.connectors.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream-copy clips of a video written like a replay's annotated.mp4 (OpenH264, 1 s keyframes):
 * the first 30 s of the persons clip (10 fps), cut at two of the MANIFEST's person segments.
 */
class VideoClipperTest {

  private static final int FRAMES = 300;
  private static final long FRAME_MS = 100;

  @TempDir static Path dir;
  static Path annotated;

  @BeforeAll
  static void writeSource() {
    annotated = dir.resolve("annotated.mp4");
    try (VideoReader reader = VideoReader.open(TestAssets.file("videos/persons_one_by_one_432p.mp4"),
        VideoReadOptions.defaults().withDecoderThreads(1));
        VideoWriter writer = VideoWriter.create(annotated, 768, 432,
            VideoWriteOptions.h264(reader.info().frameRate()).withKeyframeInterval(1.0))) {
      for (int i = 0; i < FRAMES; i++) {
        writer.write(reader.next().orElseThrow().image());
      }
    }
  }

  @Test
  void keyframeIntervalIsHonouredInFrames() {
    assertEquals(IntStream.iterate(0, i -> i < FRAMES, i -> i + 10).boxed().toList(),
        VideoPackets.keyframes(annotated), "1 s at 10 fps: a keyframe every 10 frames");
    VideoWriteOptions base = VideoWriteOptions.h264(new FrameRate(30000, 1001));
    assertEquals(60, base.keyframeIntervalFrames(), "default 2 s");
    assertEquals(30, base.withKeyframeInterval(1.0).keyframeIntervalFrames());
    assertEquals(1, base.withKeyframeInterval(0.001).keyframeIntervalFrames(), "at least every frame");
    for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, 61}) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> base.withKeyframeInterval(bad));
      assertTrue(e.getMessage().startsWith("keyframe interval must be in (0, 60.0] seconds, got "),
          e.getMessage());
    }
  }

  @Test
  void clipStartsAtTheKeyframeBeforeItsStartAndEndsWithinAFrameOfItsEnd() throws IOException {
    try (VideoClipper clipper = VideoClipper.open(annotated)) {
      assertEquals(FRAMES * FRAME_MS, clipper.durationMs());
      // MANIFEST segment 1 of persons_one_by_one: 6.3 .. 19.5 s.
      VideoClipper.Clip clip = clipper.cut(6300, 19500, dir.resolve("segment1.mp4"));
      assertEquals(6000, clip.startMs(), "keyframe at or before 6.3 s");
      assertTrue(clip.endMs() >= 19500 && clip.endMs() <= 19500 + FRAME_MS, "end " + clip.endMs());
      assertEquals(135, clip.frames(), "frames 60..194");
      assertClipIsThatPartOfTheSource(clip, 60);

      // A start exactly on a keyframe starts there; an end past the source stops at its end.
      VideoClipper.Clip tail = clipper.cut(22000, 99_000, dir.resolve("tail.mp4"));
      assertEquals(22000, tail.startMs());
      assertEquals(FRAMES * FRAME_MS, tail.endMs());
      assertEquals(80, tail.frames());
      assertClipIsThatPartOfTheSource(tail, 220);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
          "no temporary file left");
    }
  }

  @Test
  void badRangesAndFilesAreOneLineInputErrors() throws IOException {
    try (VideoClipper clipper = VideoClipper.open(annotated)) {
      assertEquals("clip start -1 ms is outside " + annotated + "; expected 0 <= start < 30000 ms",
          assertThrows(InvalidInputException.class, () -> clipper.cut(-1, 100, dir.resolve("x.mp4")))
              .getMessage());
      assertThrows(InvalidInputException.class, () -> clipper.cut(30_000, 31_000, dir.resolve("x.mp4")));
      assertEquals("clip end 5000 ms must be after its start 5000 ms",
          assertThrows(InvalidInputException.class, () -> clipper.cut(5000, 5000, dir.resolve("x.mp4")))
              .getMessage());
      assertThrows(InvalidInputException.class, () -> clipper.cut(0, 1000, dir.resolve("no/x.mp4")));
      assertTrue(Files.notExists(dir.resolve("x.mp4")));
    }
    assertThrows(InvalidInputException.class, () -> VideoClipper.open(dir.resolve("missing.mp4")));
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a video at all\n");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> VideoClipper.open(text));
    assertTrue(e.getMessage().startsWith(text + " is not a video FFmpeg can read"), e.getMessage());
    VideoClipper closed = VideoClipper.open(annotated);
    closed.close();
    assertThrows(IllegalStateException.class, () -> closed.cut(0, 1000, dir.resolve("y.mp4")));
  }

  /**
   * The clip decodes with FFmpeg to exactly the source's frames from {@code firstFrame} on (stream
   * copy: same bitstream, same pixels), at the source's rate, timestamps from 0, index first.
   */
  private static void assertClipIsThatPartOfTheSource(VideoClipper.Clip clip, int firstFrame)
      throws IOException {
    List<String> boxes = Mp4TopLevelBoxes.read(clip.path());
    assertTrue(boxes.indexOf("moov") < boxes.indexOf("mdat"), "faststart: " + boxes);
    List<VideoFrame> frames = VideoReaderTest.readAll(clip.path(), VideoReadOptions.defaults());
    assertEquals(clip.frames(), frames.size());
    try (VideoReader reader = VideoReader.open(clip.path(), VideoReadOptions.defaults());
        VideoReader source = VideoReader.open(annotated, VideoReadOptions.defaults())) {
      assertEquals(FrameRate.of(10), reader.info().frameRate());
      assertEquals(clip.frames(), reader.info().frameCount());
      assertEquals(clip.durationMs(), reader.info().durationMs(), 1.0);
      for (int i : new int[] {0, 1, frames.size() - 1}) {
        assertEquals(i * FRAME_MS, frames.get(i).timestampMs(), "timestamps rebased to 0");
        source.seekToFrame(firstFrame + i);
        assertArrayEquals(source.next().orElseThrow().image().pixels(), frames.get(i).image().pixels(),
            "clip frame " + i + " is source frame " + (firstFrame + i));
      }
    }
  }
}
