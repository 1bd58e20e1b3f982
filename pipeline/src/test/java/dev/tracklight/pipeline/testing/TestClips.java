package dev.tracklight.pipeline.testing;

import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.connectors.video.VideoWriteOptions;
import dev.tracklight.connectors.video.VideoWriter;
import java.nio.file.Path;

/** Short clips cut from the shared videos, so end-to-end tests stay fast on a 2-core CI. */
public final class TestClips {

  private TestClips() {}

  /**
   * Writes the first {@code frames} frames of {@code source} to {@code target} (H.264 MP4, same
   * size and frame rate) and returns {@code target}.
   */
  public static Path firstFrames(Path source, int frames, Path target) {
    try (VideoReader reader = VideoReader.open(source, VideoReadOptions.defaults());
        VideoWriter writer = VideoWriter.create(target, reader.info().width(), reader.info().height(),
            VideoWriteOptions.h264(reader.info().frameRate()))) {
      for (int i = 0; i < frames; i++) {
        writer.write(reader.next().orElseThrow(() -> new AssertionError(source + " has fewer than "
            + frames + " frames")).image());
      }
    }
    return target;
  }
}
