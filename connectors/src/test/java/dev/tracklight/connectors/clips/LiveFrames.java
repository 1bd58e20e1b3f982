package dev.tracklight.connectors.clips;

import dev.tracklight.connectors.media.JpegCodec;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.connectors.video.FrameSampling;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Real frames for the clip tests: {@code people_walking_overhead_720p.mp4} (1280x720, 13.6 s)
 * sampled at 5 fps like a live camera with {@code fps: 5}, JPEG-encoded once per test JVM, with
 * live-style event times (epoch ms from {@link #EPOCH_MS}).
 */
final class LiveFrames {

  static final String VIDEO = "videos/people_walking_overhead_720p.mp4";
  /** A live camera's event time: epoch ms (2023-11-14T22:13:20Z) + the video's timestamp. */
  static final long EPOCH_MS = 1_700_000_000_000L;

  private static List<BufferedFrame> cached;

  private LiveFrames() {}

  /** The 5 fps frames as JPEG (quality 80), oldest first; about 69 frames, 200 ms apart. */
  static synchronized List<BufferedFrame> jpegAt5Fps() {
    if (cached == null) {
      List<BufferedFrame> frames = new ArrayList<>();
      try (VideoReader reader = VideoReader.open(TestAssets.file(VIDEO),
              VideoReadOptions.defaults().withSampling(FrameSampling.targetFps(5)));
          JpegCodec jpeg = JpegCodec.create(80)) {
        for (var f = reader.next(); f.isPresent(); f = reader.next()) {
          VideoFrame v = f.get();
          frames.add(new BufferedFrame(v.index(), EPOCH_MS + v.timestampMs(), jpeg.encode(v.image())));
        }
      }
      cached = List.copyOf(frames);
    }
    return cached;
  }
}
