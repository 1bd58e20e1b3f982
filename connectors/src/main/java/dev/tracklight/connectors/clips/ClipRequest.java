package dev.tracklight.connectors.clips;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One highlight's media to write: the buffered frames of its span and where the files go.
 *
 * @param camera the camera id
 * @param highlightId the highlight's id (names the files)
 * @param frames the frames of the clip, oldest first, at least one (shared with the buffer, never
 *     written to)
 * @param peakFrame frame index the thumbnail shows (the buffered frame nearest to it)
 * @param clip the MP4 to write
 * @param thumbnail the JPEG to write
 */
public record ClipRequest(String camera, String highlightId, List<BufferedFrame> frames,
    long peakFrame, Path clip, Path thumbnail) {

  public ClipRequest {
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(highlightId, "highlightId");
    Objects.requireNonNull(clip, "clip");
    Objects.requireNonNull(thumbnail, "thumbnail");
    frames = List.copyOf(frames);
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("clip of " + highlightId + " has no frames");
    }
  }

  /** The frame nearest to the peak by frame index (the earlier one on a tie). */
  public BufferedFrame thumbnailFrame() {
    BufferedFrame best = frames.get(0);
    for (BufferedFrame f : frames) {
      if (Math.abs(f.frameIndex() - peakFrame) < Math.abs(best.frameIndex() - peakFrame)) {
        best = f;
      }
    }
    return best;
  }

  /** Event-time span of the buffered frames, in ms. */
  public long spanMs() {
    return frames.get(frames.size() - 1).timestampMs() - frames.get(0).timestampMs();
  }
}
