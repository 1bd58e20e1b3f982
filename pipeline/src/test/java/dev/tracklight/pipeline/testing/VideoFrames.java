package dev.tracklight.pipeline.testing;

import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import java.nio.file.Path;

/** Frames of videos for tests that compare thumbnails and clips with the frames they came from. */
public final class VideoFrames {

  private VideoFrames() {}

  /** Frame {@code index} of {@code video} (exact seek). */
  public static BgrImage frame(Path video, long index) {
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      reader.seekToFrame(index);
      return reader.next().orElseThrow().image();
    }
  }

  /** Mean absolute difference per channel value of two same-sized images. */
  public static double mae(BgrImage a, BgrImage b) {
    long sum = 0;
    for (int i = 0; i < a.pixels().length; i++) {
      sum += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
    }
    return (double) sum / a.pixels().length;
  }
}
