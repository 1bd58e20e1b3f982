package dev.tracklight.connectors.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.media.InputFiles;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoReaderTest {

  private static final String WALKING = "videos/people_walking_overhead_720p.mp4";
  private static final String BOTTLES = "videos/bottles_hands_360p.mp4";
  private static final String WEBM = "videos/dog_golden_retriever_swimming_360p_vp9.webm";
  private static final String DOG_MP4 = "videos/dog_golden_retriever_swimming_360x204_h264.mp4";

  @TempDir Path temp;

  @Test
  void infoDescribesTheStream() {
    try (VideoReader reader = VideoReader.open(TestAssets.file(BOTTLES), VideoReadOptions.defaults())) {
      VideoInfo info = reader.info();
      assertEquals(new FrameRate(179, 6), info.frameRate());
      assertEquals(179 / 6.0, info.fps(), 1e-12);
      assertEquals(1189, info.frameCount());
      assertEquals(39_850, info.durationMs(), 40);
      assertTrue(info.container().contains("mp4"), info.container());
      assertEquals("h264", info.codec());
    }
    try (VideoReader reader = VideoReader.open(TestAssets.file(WEBM), VideoReadOptions.defaults())) {
      assertEquals("vp9", reader.info().codec());
      assertTrue(reader.info().container().contains("webm"), reader.info().container());
      assertEquals(23.976, reader.info().fps(), 1e-3);
    }
  }

  @Test
  void everyNthKeepsOriginalIndices() {
    List<VideoFrame> frames = readAll(TestAssets.file(WALKING),
        VideoReadOptions.defaults().withSampling(FrameSampling.everyNth(10)));
    assertEquals(35, frames.size()); // 0, 10, ..., 340
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(10L * i, frames.get(i).index());
      assertEquals(400L * i, frames.get(i).timestampMs()); // 25 fps: 40 ms per frame
    }
  }

  @Test
  void targetFpsSpacesFramesByTimestamp() {
    // 179/6 = 29.83 fps sampled at 4 fps: one frame per 250 ms tick, the first at or after it.
    List<VideoFrame> frames = readAll(TestAssets.file(BOTTLES),
        VideoReadOptions.defaults().withSampling(FrameSampling.targetFps(4)));
    assertEquals(160, frames.size(), 1); // 39.85 s * 4
    for (int i = 1; i < frames.size(); i++) {
      long gap = frames.get(i).timestampMs() - frames.get(i - 1).timestampMs();
      assertTrue(gap >= 201 && gap <= 302, "gap " + gap + " ms at sample " + i);
      assertTrue(frames.get(i).index() > frames.get(i - 1).index());
    }
    // No drift: sample k lies within one source frame after k * 250 ms.
    VideoFrame last = frames.get(frames.size() - 1);
    long k = frames.size() - 1;
    assertTrue(last.timestampMs() >= k * 250 && last.timestampMs() < k * 250 + 34, last.toString());
  }

  @Test
  void targetFpsAboveSourceRateKeepsEveryFrame() {
    assertEquals(341, readAll(TestAssets.file(WALKING),
        VideoReadOptions.defaults().withSampling(FrameSampling.targetFps(60))).size());
  }

  @Test
  void seekToFrameIsExact() {
    Path video = TestAssets.file(WALKING);
    List<VideoFrame> sequential = readAll(video, VideoReadOptions.defaults());
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      // Forward, backward, onto a likely keyframe, the first and the last frame.
      for (long target : new long[] {200, 37, 250, 0, 340, 199}) {
        reader.seekToFrame(target);
        VideoFrame frame = reader.next().orElseThrow();
        assertEquals(target, frame.index());
        assertEquals(sequential.get((int) target).timestampMs(), frame.timestampMs());
        assertArrayEquals(sequential.get((int) target).image().pixels(), frame.image().pixels(),
            "pixels of frame " + target + " after seeking");
        Optional<VideoFrame> after = reader.next();
        if (target == 340) {
          assertTrue(after.isEmpty());
          assertEquals(ReadCompletion.COMPLETE, reader.completion());
        } else {
          assertEquals(target + 1, after.orElseThrow().index());
        }
      }
      assertThrows(InvalidInputException.class, () -> reader.seekToFrame(341));
      assertThrows(InvalidInputException.class, () -> reader.seekToFrame(-1));
    }
  }

  @Test
  void seekWorksInWebmAndOddFrameRates() {
    for (String file : List.of(WEBM, BOTTLES)) {
      Path video = TestAssets.file(file);
      VideoFrame expected;
      try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
        VideoFrame frame = null;
        for (int i = 0; i <= 500; i++) {
          frame = reader.next().orElseThrow();
        }
        expected = frame;
      }
      try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
        reader.seekToFrame(500);
        VideoFrame frame = reader.next().orElseThrow();
        assertEquals(500, frame.index(), file);
        assertEquals(expected.timestampMs(), frame.timestampMs(), file);
        assertArrayEquals(expected.image().pixels(), frame.image().pixels(), file);
        reader.seekToTimestamp(600_000); // far past the end: the stream ends, it is not truncated
        assertTrue(reader.next().isEmpty(), file);
        assertEquals(ReadCompletion.COMPLETE, reader.completion(), file);
        reader.seekToFrame(3); // and the reader recovers from the end
        assertEquals(3, reader.next().orElseThrow().index(), file);
      }
    }
  }

  @Test
  void seekToTimestampLandsOnTheFirstFrameAtOrAfterIt() {
    try (VideoReader reader = VideoReader.open(TestAssets.file(WALKING), VideoReadOptions.defaults())) {
      reader.seekToTimestamp(5_000);
      assertEquals(125, reader.next().orElseThrow().index()); // 5 s * 25 fps
      reader.seekToTimestamp(5_001);
      VideoFrame frame = reader.next().orElseThrow();
      assertEquals(126, frame.index());
      assertEquals(5_040, frame.timestampMs());
      reader.seekToTimestamp(60_000); // past the end: the stream simply ends
      assertTrue(reader.next().isEmpty());
      assertEquals(ReadCompletion.COMPLETE, reader.completion());
    }
  }

  @Test
  void truncatedFileDecodesWhatItCanAndSaysSo() throws IOException {
    Path source = TestAssets.file(DOG_MP4); // faststart: the index is at the front
    byte[] bytes = Files.readAllBytes(source);
    Path cut = temp.resolve("cut.mp4");
    Files.write(cut, java.util.Arrays.copyOf(bytes, (int) (bytes.length * 0.4)));
    try (VideoReader reader = VideoReader.open(cut, VideoReadOptions.defaults())) {
      assertEquals(816, reader.info().frameCount()); // the container still promises all frames
      long count = 0;
      while (reader.next().isPresent()) {
        assertEquals(ReadCompletion.IN_PROGRESS, reader.completion());
        count++;
      }
      assertTrue(count > 100 && count < 816, "decoded " + count);
      assertEquals(ReadCompletion.TRUNCATED, reader.completion());
      assertTrue(reader.truncated());
    }
  }

  @Test
  void truncatedWebmWithoutAnIndexIsDetectedByDuration() throws IOException {
    byte[] bytes = Files.readAllBytes(TestAssets.file(WEBM));
    Path cut = temp.resolve("cut.webm");
    Files.write(cut, java.util.Arrays.copyOf(bytes, (int) (bytes.length * 0.4)));
    try (VideoReader reader = VideoReader.open(cut, VideoReadOptions.defaults())) {
      long count = 0;
      while (reader.next().isPresent()) {
        count++;
      }
      assertTrue(count > 100 && count < 816, "decoded " + count);
      assertTrue(reader.truncated());
    }
  }

  @Test
  void completeReadIsNotTruncated() {
    try (VideoReader reader = VideoReader.open(TestAssets.file(WALKING),
        VideoReadOptions.defaults().withSampling(FrameSampling.everyNth(100)))) {
      while (reader.next().isPresent()) {
        assertFalse(reader.truncated());
      }
      assertEquals(ReadCompletion.COMPLETE, reader.completion());
    }
  }

  @Test
  void missingFileIsRejected() {
    assertRejected(temp.resolve("nope.mp4"), "not found");
  }

  @Test
  void directoryIsRejected() {
    assertRejected(temp, "is a directory");
  }

  @Test
  void unreadableFileIsRejected() throws IOException {
    Path file = Files.copy(TestAssets.file(WALKING), temp.resolve("locked.mp4"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    if (!Files.isReadable(file)) {
      assertRejected(file, "not readable"); // a normal user: the real permission check
    }
    // Root (CAP_DAC_OVERRIDE, as CI runs) reads mode-000 files: the same check, told "no access".
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> InputFiles.requireReadableFile(file, "video", p -> false));
    assertEquals("video file is not readable (permission denied): " + file
        + " (expected a file this process may read)", e.getMessage());
  }

  @Test
  void emptyFileIsRejected() throws IOException {
    assertRejected(Files.createFile(temp.resolve("empty.mp4")), "empty (0 bytes)");
  }

  @Test
  void textFileIsRejected() throws IOException {
    Path text = Files.writeString(temp.resolve("notes.txt"), "frame,id,x,y,w,h\n1,2,3,4,5,6\n".repeat(50));
    assertRejected(text, "expected a video file");
    Path disguised = Files.writeString(temp.resolve("notes.mp4"), "hello, not a video\n".repeat(50));
    assertRejected(disguised, "expected a video file");
  }

  @Test
  void imageIsRejectedAsVideo() throws IOException {
    assertRejected(TestAssets.file("images/dog.jpg"), "is an image, not a video");
    // Content decides, not the name.
    Path renamed = Files.copy(TestAssets.file("images/dog.jpg"), temp.resolve("dog.mp4"));
    assertRejected(renamed, "is an image, not a video");
  }

  @Test
  void headerlessTruncationIsRejectedClearly() throws IOException {
    // A cut-off MP4 whose index (moov) was at the end cannot be opened at all.
    Path source = TestAssets.file(BOTTLES);
    byte[] head;
    try (InputStream in = Files.newInputStream(source)) {
      head = in.readNBytes(4096);
    }
    Path cut = Files.write(temp.resolve("head.mp4"), head);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> VideoReader.open(cut, VideoReadOptions.defaults()).close());
    assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
  }

  @Test
  void badOptionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> FrameSampling.everyNth(0));
    assertThrows(IllegalArgumentException.class, () -> FrameSampling.targetFps(0));
    assertThrows(IllegalArgumentException.class, () -> FrameSampling.targetFps(Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> VideoReadOptions.defaults().withDecoderThreads(-1));
  }

  @Test
  void closedReaderRefusesWork() {
    VideoReader reader = VideoReader.open(TestAssets.file(WALKING), VideoReadOptions.defaults());
    reader.close();
    reader.close(); // idempotent
    assertThrows(IllegalStateException.class, reader::next);
  }

  private static void assertRejected(Path path, String expectedFragment) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> VideoReader.open(path, VideoReadOptions.defaults()).close());
    assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  static List<VideoFrame> readAll(Path path, VideoReadOptions options) {
    List<VideoFrame> frames = new ArrayList<>();
    try (VideoReader reader = VideoReader.open(path, options)) {
      Optional<VideoFrame> frame;
      while ((frame = reader.next()).isPresent()) {
        frames.add(frame.get());
      }
    }
    return frames;
  }
}
