package dev.tracklight.connectors.clips;

import java.util.Objects;

/**
 * One annotated frame kept by a {@link FrameRing}, as JPEG.
 *
 * <p><b>Ownership.</b> The JPEG array is never written after construction, so the ring and any
 * clip job that took the frame share it across threads without copying.
 *
 * @param frameIndex the frame's index in its camera's stream
 * @param timestampMs the frame's event time
 * @param jpeg the annotated frame, JPEG-encoded
 */
public record BufferedFrame(long frameIndex, long timestampMs, byte[] jpeg) {

  public BufferedFrame {
    Objects.requireNonNull(jpeg, "jpeg");
  }

  /** Bytes this frame holds (its JPEG; the record's own few bytes are ignored). */
  public int bytes() {
    return jpeg.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BufferedFrame f && f.frameIndex == frameIndex
        && f.timestampMs == timestampMs && java.util.Arrays.equals(f.jpeg, jpeg);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(frameIndex) * 31 + Long.hashCode(timestampMs);
  }

  @Override
  public String toString() {
    return "BufferedFrame[" + frameIndex + " @ " + timestampMs + " ms, " + jpeg.length + " B]";
  }
}
