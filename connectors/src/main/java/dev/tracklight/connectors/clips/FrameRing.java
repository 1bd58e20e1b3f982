package dev.tracklight.connectors.clips;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The recent annotated frames of one camera, as JPEG, oldest first: what a clip of a highlight that
 * just closed is cut from.
 *
 * <p><b>Bounds.</b> Two, both enforced on every {@link #add} by evicting the oldest frames: time
 * (frames older than the newest one minus {@code maxAgeMs} go) and bytes (while the JPEGs add up to
 * more than {@code maxBytes}). The time bound is the normal one; the byte bound is the safety net
 * against a camera whose frames are larger or faster than planned, so its evictions are counted
 * separately ({@link #evictedForBytes()}): when it is non-zero the ring holds less than its
 * seconds. A single frame larger than {@code maxBytes} is refused (counted), never kept alone.
 *
 * <p><b>Order.</b> Event time of one camera is monotonic; a frame older than the newest kept one
 * (the camera's clock was set back) empties the ring first ({@link #resets()}), since clips are cut
 * by timestamp and the old frames would land in the wrong place.
 *
 * <p><b>Threading.</b> Not thread-safe: owned by the task thread. {@link #between} hands out the
 * (immutable) frames themselves, which other threads may then read.
 */
public final class FrameRing {

  private final long maxAgeMs;
  private final long maxBytes;
  private final ArrayDeque<BufferedFrame> frames = new ArrayDeque<>();
  private long bytes;
  private long evictedForAge;
  private long evictedForBytes;
  private long refused;
  private long resets;

  /**
   * @param maxAgeMs span kept, in ms of event time before the newest frame (positive)
   * @param maxBytes JPEG bytes kept at most (positive)
   */
  public FrameRing(long maxAgeMs, long maxBytes) {
    if (maxAgeMs <= 0 || maxBytes <= 0) {
      throw new IllegalArgumentException("ring bounds must be positive, got " + maxAgeMs + " ms, "
          + maxBytes + " B");
    }
    this.maxAgeMs = maxAgeMs;
    this.maxBytes = maxBytes;
  }

  /** A ring with {@code config}'s bounds. */
  public static FrameRing of(LiveClipConfig config) {
    return new FrameRing(config.bufferMillis(), config.bufferBytesPerCamera());
  }

  /**
   * Appends the newest frame and evicts what the bounds no longer allow.
   *
   * @return false if the frame alone exceeds the byte bound (it is not kept)
   */
  public boolean add(BufferedFrame frame) {
    if (frame.bytes() > maxBytes) {
      refused++;
      return false;
    }
    if (!frames.isEmpty() && frame.timestampMs() < frames.peekLast().timestampMs()) {
      resets++;
      frames.clear();
      bytes = 0;
    }
    frames.addLast(frame);
    bytes += frame.bytes();
    long oldestKept = frame.timestampMs() - maxAgeMs;
    while (frames.peekFirst().timestampMs() < oldestKept) {
      bytes -= frames.pollFirst().bytes();
      evictedForAge++;
    }
    while (bytes > maxBytes) {
      bytes -= frames.pollFirst().bytes();
      evictedForBytes++;
    }
    return true;
  }

  /** The kept frames with {@code startMs <= timestamp <= endMs}, oldest first. */
  public List<BufferedFrame> between(long startMs, long endMs) {
    List<BufferedFrame> out = new ArrayList<>();
    for (BufferedFrame f : frames) {
      if (f.timestampMs() > endMs) {
        break;
      }
      if (f.timestampMs() >= startMs) {
        out.add(f);
      }
    }
    return out;
  }

  /** Event time of the oldest kept frame, if any. */
  public OptionalLong oldestMs() {
    return frames.isEmpty() ? OptionalLong.empty() : OptionalLong.of(frames.peekFirst().timestampMs());
  }

  /** Event time of the newest kept frame, if any. */
  public OptionalLong newestMs() {
    return frames.isEmpty() ? OptionalLong.empty() : OptionalLong.of(frames.peekLast().timestampMs());
  }

  /** JPEG bytes kept now. */
  public long bytes() {
    return bytes;
  }

  /** Frames kept now. */
  public int size() {
    return frames.size();
  }

  public long maxAgeMs() {
    return maxAgeMs;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Frames evicted because they were older than the time bound (normal operation). */
  public long evictedForAge() {
    return evictedForAge;
  }

  /** Frames evicted by the byte bound before their time: the ring held less than its seconds. */
  public long evictedForBytes() {
    return evictedForBytes;
  }

  /** Frames refused because a single one exceeded the byte bound. */
  public long refused() {
    return refused;
  }

  /** Times the ring was emptied because event time went backwards. */
  public long resets() {
    return resets;
  }
}
