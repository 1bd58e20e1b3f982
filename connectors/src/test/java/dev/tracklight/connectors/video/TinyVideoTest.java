package dev.tracklight.connectors.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.inference.BgrImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pictures so narrow that FFmpeg pads their rows (JavaCV then reports a bogus channel count from
 * the stride): decoded exactly, pixel for pixel, from a lossless file.
 */
class TinyVideoTest {

  @TempDir Path temp;

  @ParameterizedTest
  @CsvSource({"16,16", "8,8", "10,6", "2,2"})
  void paddedRowsOfTinyPicturesDecodeExactly(int width, int height) throws Exception {
    Path file = temp.resolve("tiny-" + width + "x" + height + ".mkv");
    List<byte[]> written = new ArrayList<>();
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height)) {
      recorder.setFormat("matroska");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1); // lossless: decoded bytes must match
      recorder.setPixelFormat(avutil.AV_PIX_FMT_BGR0);
      recorder.setFrameRate(10);
      recorder.start();
      for (int f = 0; f < 5; f++) {
        Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
        ByteBuffer buf = (ByteBuffer) frame.image[0];
        byte[] bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            int i = (y * width + x) * 3;
            bgr[i] = (byte) (x * 17 + f);
            bgr[i + 1] = (byte) (y * 29 + 3 * f);
            bgr[i + 2] = (byte) ((x + y) * 7 + 50 * f);
            buf.put(y * frame.imageStride + x * 3, bgr[i]);
            buf.put(y * frame.imageStride + x * 3 + 1, bgr[i + 1]);
            buf.put(y * frame.imageStride + x * 3 + 2, bgr[i + 2]);
          }
        }
        written.add(bgr);
        recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
      }
    }
    List<BgrImage> read = new ArrayList<>();
    try (VideoReader reader = VideoReader.open(file, VideoReadOptions.defaults())) {
      reader.next().ifPresent(f -> read.add(f.image()));
      for (var next = reader.next(); next.isPresent(); next = reader.next()) {
        read.add(next.get().image());
      }
    }
    assertEquals(written.size(), read.size());
    for (int f = 0; f < read.size(); f++) {
      assertEquals(width, read.get(f).width());
      assertEquals(height, read.get(f).height());
      assertArrayEquals(written.get(f), read.get(f).pixels(), "frame " + f);
    }
  }
}
