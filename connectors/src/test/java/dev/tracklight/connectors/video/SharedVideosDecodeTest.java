package dev.tracklight.connectors.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Decodes each of the six shared videos completely once and checks the frame count, frame rate
 * and size against MANIFEST.md (measured there with {@code ffprobe -count_frames}), monotonic
 * timestamps, index/timestamp consistency and a COMPLETE end. Two videos decode at a time.
 */
class SharedVideosDecodeTest {

  record Expected(String file, int width, int height, FrameRate rate, long frames, String codec) {}

  private static final List<Expected> VIDEOS = List.of(
      new Expected("videos/people_walking_overhead_720p.mp4", 1280, 720, FrameRate.of(25), 341, "h264"),
      new Expected("videos/persons_one_by_one_432p.mp4", 768, 432, FrameRate.of(10), 1394, "h264"),
      new Expected("videos/bottles_hands_360p.mp4", 640, 360, new FrameRate(179, 6), 1189, "h264"),
      new Expected("videos/dog_golden_retriever_swimming_360p_vp9.webm", 360, 203,
          new FrameRate(24000, 1001), 816, "vp9"),
      new Expected("videos/dog_golden_retriever_swimming_360x204_h264.mp4", 360, 204,
          new FrameRate(24000, 1001), 816, "h264"),
      new Expected("videos/dog_german_shepherd_sniffing_360p.mp4", 640, 360,
          new FrameRate(30000, 1001), 1101, "h264"));

  record Decoded(long frames, long lastTimestampMs, ReadCompletion completion, VideoInfo info) {}

  @Test
  void everySharedVideoDecodesToTheManifestFrameCountAndRate() throws Exception {
    List<Path> paths = VIDEOS.stream().map(v -> TestAssets.file(v.file())).toList();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Decoded>> results = paths.stream()
          .map(p -> pool.submit(() -> decodeAll(p))).toList();
      for (int i = 0; i < VIDEOS.size(); i++) {
        Expected expected = VIDEOS.get(i);
        Decoded decoded = results.get(i).get();
        String name = expected.file();
        assertEquals(expected.frames(), decoded.frames(), name + " frame count");
        assertEquals(expected.rate(), decoded.info().frameRate(), name + " frame rate");
        assertEquals(expected.width(), decoded.info().width(), name + " width");
        assertEquals(expected.height(), decoded.info().height(), name + " height");
        assertEquals(expected.codec(), decoded.info().codec(), name + " codec");
        assertEquals(ReadCompletion.COMPLETE, decoded.completion(), name + " completion");
        double expectedLastMs = (expected.frames() - 1) * 1000.0 / expected.rate().fps();
        assertEquals(expectedLastMs, decoded.lastTimestampMs(), 1.0, name + " last timestamp");
        // The container's count is exact for MP4 and an estimate (duration x fps) for WebM.
        assertEquals(expected.frames(), decoded.info().frameCount(), 2, name + " container count");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Decoded decodeAll(Path path) {
    try (VideoReader reader = VideoReader.open(path, VideoReadOptions.defaults().withDecoderThreads(1))) {
      long count = 0;
      long lastTs = -1;
      Optional<VideoFrame> next;
      while ((next = reader.next()).isPresent()) {
        VideoFrame frame = next.get();
        assertEquals(count, frame.index(), path + " index");
        assertTrue(frame.timestampMs() > lastTs, path + " timestamps must increase at " + count);
        // Seeking derives indices from timestamps; that only works if they agree everywhere.
        assertEquals(count, reader.info().frameRate().frameIndexAt(frame.timestampMs() * 1000),
            path + " index from timestamp at " + count);
        assertEquals(reader.info().width() * reader.info().height() * 3, frame.image().pixels().length);
        lastTs = frame.timestampMs();
        count++;
      }
      return new Decoded(count, lastTs, reader.completion(), reader.info());
    }
  }
}
