package dev.tracklight.connectors.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JpegCodecTest {

  private static BgrImage frame170() {
    try (VideoReader r = VideoReader.open(TestAssets.file("videos/people_walking_overhead_720p.mp4"),
        VideoReadOptions.defaults())) {
      r.seekToFrame(170);
      return r.next().orElseThrow().image();
    }
  }

  private static double meanAbsDiff(BgrImage a, BgrImage b) {
    long sum = 0;
    for (int i = 0; i < a.pixels().length; i++) {
      sum += Math.abs((a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff));
    }
    return (double) sum / a.pixels().length;
  }

  @Test
  void roundTripOfARealFrameKeepsItsColoursAndCompressesIt() {
    BgrImage frame = frame170();
    byte[] before = frame.pixels().clone();
    try (JpegCodec codec = JpegCodec.create(80)) {
      byte[] jpeg = codec.encode(frame);
      assertTrue(jpeg.length > 20_000 && jpeg.length < frame.pixels().length / 10,
          "720p JPEG of " + jpeg.length + " bytes");
      assertEquals((byte) 0xff, jpeg[0]);
      assertEquals((byte) 0xd8, jpeg[1]);
      BgrImage back = codec.decode(jpeg, null);
      assertEquals(1280, back.width());
      assertEquals(720, back.height());
      double diff = meanAbsDiff(frame, back);
      assertTrue(diff < 4, "mean abs difference " + diff); // swapped B/R channels would give ~20
      assertTrue(java.util.Arrays.equals(before, frame.pixels()), "encode must not change the frame");
    }
  }

  @Test
  void decodeReusesAnImageOfTheSameSizeOnly() {
    BgrImage frame = frame170();
    try (JpegCodec codec = JpegCodec.create(90)) {
      byte[] jpeg = codec.encode(frame);
      BgrImage reuse = BgrImage.allocate(1280, 720);
      assertSame(reuse, codec.decode(jpeg, reuse));
      assertTrue(meanAbsDiff(frame, reuse) < 3);
      BgrImage other = BgrImage.allocate(640, 360);
      BgrImage decoded = codec.decode(jpeg, other);
      assertNotSame(other, decoded);
      assertEquals(1280, decoded.width());
    }
  }

  @Test
  void itsJpegIsWhatOpenCvReads(@TempDir Path dir) throws Exception {
    BgrImage frame = frame170();
    try (JpegCodec codec = JpegCodec.create(85)) {
      Path file = dir.resolve("f.jpg");
      Files.write(file, codec.encode(frame));
      assertTrue(meanAbsDiff(frame, ImageReader.read(file)) < 4);
    }
  }

  @Test
  void badInputFailsClearly() {
    InvalidInputException q = assertThrows(InvalidInputException.class, () -> JpegCodec.create(0));
    assertEquals("JPEG quality must be in 1..100, got 0", q.getMessage());
    try (JpegCodec codec = JpegCodec.create(80)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> codec.decode("not a jpeg".getBytes(), null));
      assertTrue(e.getMessage().startsWith("not a decodable colour JPEG (10 bytes)"), e.getMessage());
    }
  }
}
