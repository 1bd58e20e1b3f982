package dev.tracklight.connectors.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoWriterTest {

  private static final int FRAMES = 60;
  private static List<VideoFrame> source;
  private static VideoInfo sourceInfo;

  @TempDir Path temp;

  @BeforeAll
  static void decodeSource() {
    // bottles: 640x360 at the odd rate 179/6, which the output must keep exactly.
    Path video = TestAssets.file("videos/bottles_hands_360p.mp4");
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      sourceInfo = reader.info();
      source = Stream.generate(() -> reader.next().orElseThrow()).limit(FRAMES).toList();
    }
  }

  @Test
  void writesBrowserPlayableH264ThatReadsBackFaithfully() throws IOException {
    Path out = temp.resolve("annotated.mp4");
    try (VideoWriter writer = VideoWriter.create(out, 640, 360,
        VideoWriteOptions.h264(sourceInfo.frameRate()))) {
      for (VideoFrame frame : source) {
        writer.write(frame.image());
      }
      assertEquals(FRAMES, writer.framesWritten());
      assertFalse(Files.exists(out), "target must not exist before close");
    }
    assertTrue(Files.exists(out));
    assertEquals(List.of(out), listDirectory(), "no temporary file may be left");
    Path plain = Files.writeString(temp.resolve("plain.txt"), "x"); // mode from the umask
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out),
        "published video must get the usual file mode, not a temp file's 0600");
    Files.delete(plain);

    List<String> boxes = Mp4TopLevelBoxes.read(out);
    assertTrue(boxes.indexOf("moov") >= 0 && boxes.indexOf("moov") < boxes.indexOf("mdat"),
        "faststart: moov before mdat, got " + boxes);

    List<VideoFrame> decoded = new java.util.ArrayList<>();
    try (VideoReader reader = VideoReader.open(out, VideoReadOptions.defaults())) {
      VideoInfo info = reader.info();
      assertEquals("h264", info.codec());
      assertEquals("yuv420p", info.pixelFormat());
      assertEquals(new FrameRate(179, 6), info.frameRate());
      assertEquals(FRAMES, info.frameCount());
      assertEquals(FRAMES * 6000.0 / 179, info.durationMs(), 2.0);
      while (reader.next().map(decoded::add).isPresent()) {
        // every frame lands in decoded
      }
      assertEquals(ReadCompletion.COMPLETE, reader.completion());
    }
    assertEquals(FRAMES, decoded.size());
    for (int i = 0; i < FRAMES; i += 7) {
      assertEquals(source.get(i).timestampMs(), decoded.get(i).timestampMs(), 1, "ts " + i);
      double error = meanAbsoluteError(source.get(i).image(), decoded.get(i).image());
      assertTrue(error < 6, "frame " + i + " differs by " + error + " per channel on average");
    }
    // The frames really are the source frames in order, not a repeated picture.
    assertTrue(meanAbsoluteError(source.get(0).image(), decoded.get(FRAMES - 1).image())
        > meanAbsoluteError(source.get(FRAMES - 1).image(), decoded.get(FRAMES - 1).image()));
  }

  @Test
  void deblockingOffReachesTheEncoderAndStillReadsBackFaithfully() throws IOException {
    Path on = temp.resolve("on.mp4");
    Path off = temp.resolve("off.mp4");
    VideoWriteOptions options = VideoWriteOptions.h264(sourceInfo.frameRate());
    try (VideoWriter a = VideoWriter.create(on, 640, 360, options);
        VideoWriter b = VideoWriter.create(off, 640, 360, options.withDeblocking(false))) {
      for (VideoFrame frame : source) {
        a.write(frame.image());
        b.write(frame.image());
      }
    }
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(on), Files.readAllBytes(off)),
        "loopfilter=0 must change the bitstream");
    try (VideoReader reader = VideoReader.open(off, VideoReadOptions.defaults())) {
      for (int i = 0; i < FRAMES; i++) {
        BgrImage decoded = reader.next().orElseThrow().image();
        if (i % 7 == 0) {
          double error = meanAbsoluteError(source.get(i).image(), decoded);
          assertTrue(error < 6, "frame " + i + " differs by " + error + " per channel on average");
        }
      }
    }
  }

  @Test
  void selectableEncoderWritesMpeg4Part2ThatTheReaderDecodes() throws IOException {
    Path out = temp.resolve("legacy.mp4");
    try (VideoWriter writer = VideoWriter.create(out, 640, 360,
        VideoWriteOptions.h264(FrameRate.of(10)).withEncoder("mpeg4").withBitrate(1_000_000))) {
      source.subList(0, 20).forEach(f -> writer.write(f.image()));
    }
    try (VideoReader reader = VideoReader.open(out, VideoReadOptions.defaults())) {
      assertEquals("mpeg4", reader.info().codec());
      assertEquals(FrameRate.of(10), reader.info().frameRate());
    }
    assertEquals(20, VideoReaderTest.readAll(out, VideoReadOptions.defaults()).size());
  }

  @Test
  void oddSizedFramesArePaddedOnlyWhenAskedTo() throws IOException {
    Path webm = TestAssets.file("videos/dog_golden_retriever_swimming_360p_vp9.webm");
    List<VideoFrame> dog;
    VideoInfo info;
    try (VideoReader reader = VideoReader.open(webm, VideoReadOptions.defaults())) {
      info = reader.info();
      dog = Stream.generate(() -> reader.next().orElseThrow()).limit(24).toList();
    }
    assertThrows(InvalidInputException.class, () -> VideoWriter.create(temp.resolve("odd.mp4"),
        360, 203, VideoWriteOptions.h264(info.frameRate())));
    Path out = temp.resolve("padded.mp4");
    try (VideoWriter writer = VideoWriter.create(out, 360, 203,
        VideoWriteOptions.h264(info.frameRate()).withPadToEven())) {
      dog.forEach(f -> writer.write(f.image()));
    }
    List<VideoFrame> back = VideoReaderTest.readAll(out, VideoReadOptions.defaults());
    assertEquals(24, back.size());
    try (VideoReader reader = VideoReader.open(out, VideoReadOptions.defaults())) {
      assertEquals(360, reader.info().width());
      assertEquals(204, reader.info().height());
      assertEquals(new FrameRate(24000, 1001), reader.info().frameRate());
    }
    BgrImage last = back.get(23).image();
    int bottomRow = 0;
    for (int i = 203 * 360 * 3; i < last.pixels().length; i++) {
      bottomRow = Math.max(bottomRow, last.pixels()[i] & 0xFF);
    }
    assertTrue(bottomRow < 40, "padding row should be black, max value " + bottomRow);
    int at = (100 * 360 + 180) * 3; // an image pixel keeps its place (no shift or stretch)
    assertEquals(dog.get(23).image().pixels()[at] & 0xFF, last.pixels()[at] & 0xFF, 12);
  }

  @Test
  void abortLeavesNothingBehind() throws IOException {
    Path out = temp.resolve("aborted.mp4");
    VideoWriter writer = VideoWriter.create(out, 640, 360, VideoWriteOptions.h264(FrameRate.of(25)));
    writer.write(source.get(0).image());
    assertEquals(1, listDirectory().size(), "the temporary file lives next to the target");
    writer.abort();
    writer.close();
    assertEquals(List.of(), listDirectory());
    assertThrows(IllegalStateException.class, () -> writer.write(source.get(1).image()));
  }

  @Test
  void closingWithoutFramesPublishesNothing() throws IOException {
    Path out = temp.resolve("empty.mp4");
    VideoWriter writer = VideoWriter.create(out, 640, 360, VideoWriteOptions.h264(FrameRate.of(25)));
    assertThrows(IllegalStateException.class, writer::close);
    assertEquals(List.of(), listDirectory());
  }

  @Test
  void replacesAnExistingFileOnlyOnSuccess() throws IOException {
    Path out = Files.writeString(temp.resolve("old.mp4"), "previous version");
    VideoWriter writer = VideoWriter.create(out, 640, 360, VideoWriteOptions.h264(FrameRate.of(25)));
    writer.write(source.get(0).image());
    writer.abort();
    assertEquals("previous version", Files.readString(out));
    try (VideoWriter second = VideoWriter.create(out, 640, 360,
        VideoWriteOptions.h264(FrameRate.of(25)))) {
      second.write(source.get(0).image());
    }
    assertTrue(Files.size(out) > 1000);
  }

  @Test
  void wrongFrameSizeIsRejectedWithoutBreakingTheWriter() {
    try (VideoWriter writer = VideoWriter.create(temp.resolve("x.mp4"), 640, 360,
        VideoWriteOptions.h264(FrameRate.of(25)))) {
      assertThrows(IllegalArgumentException.class, () -> writer.write(BgrImage.allocate(320, 180)));
      writer.write(source.get(0).image());
      assertEquals(1, writer.framesWritten());
    }
  }

  @Test
  void libx264IsRefusedOnTheLgplBuildInsteadOfSilentlyWritingMpeg4() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> VideoWriter.create(
        temp.resolve("x.mp4"), 640, 360, VideoWriteOptions.h264(FrameRate.of(25)).withEncoder("libx264")));
    assertTrue(e.getMessage().contains("linux-x86_64-gpl"), e.getMessage());
    assertThrows(InvalidInputException.class, () -> VideoWriter.create(temp.resolve("x.mp4"), 640,
        360, VideoWriteOptions.h264(FrameRate.of(25)).withEncoder("aac")));
  }

  @Test
  void badSettingsAreRejected() {
    VideoWriteOptions options = VideoWriteOptions.h264(FrameRate.of(25));
    assertThrows(InvalidInputException.class,
        () -> VideoWriter.create(temp.resolve("x.mp4"), 360, 203, options));
    assertThrows(InvalidInputException.class,
        () -> VideoWriter.create(temp.resolve("missing/x.mp4"), 640, 360, options));
    assertThrows(IllegalArgumentException.class, () -> options.withBitrate(0));
    assertThrows(IllegalArgumentException.class, () -> new FrameRate(0, 1));
    assertEquals(2_304_000, VideoWriteOptions.defaultBitrate(1280, 720, FrameRate.of(25)));
  }

  private List<Path> listDirectory() throws IOException {
    try (Stream<Path> files = Files.list(temp)) {
      return files.toList();
    }
  }

  private static double meanAbsoluteError(BgrImage a, BgrImage b) {
    long sum = 0;
    byte[] pa = a.pixels();
    byte[] pb = b.pixels();
    for (int i = 0; i < pa.length; i++) {
      sum += Math.abs((pa[i] & 0xFF) - (pb[i] & 0xFF));
    }
    return (double) sum / pa.length;
  }
}
