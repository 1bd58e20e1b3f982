package dev.tracklight.connectors.clips;

import dev.tracklight.inference.InvalidInputException;
import java.io.Serializable;

/**
 * How live cameras' highlight clips are buffered and written (proposed keys of {@code highlights:} in
 * cameras.yaml, next to {@code buffer_seconds} and {@code clips_dir}; the error messages name them). Validated on construction.
 *
 * <p><b>Memory.</b> Each camera keeps the last {@code bufferSeconds} of annotated frames as JPEG,
 * at most {@code bufferBytesPerCamera}. Measured with {@code tracklight bench clips} on the busy hall
 * video ({@code people_walking_overhead_720p.mp4}, 1280x720) at quality 80: 138 KB per frame with
 * 20 labelled boxes and trails drawn (78 KB unannotated), 1/20 of its 2.7 MB of pixels. So
 * 4 cameras x 5 fps x 30 s = 600 frames take 600 x 138 KB = 83 MB (raw pixels would take 1.6 GB);
 * one 25 fps camera needs 104 MB for 30 s, so the default byte bound (64 MiB per camera) keeps
 * about 19 s of it, and bounds the whole buffer at 64 MiB x cameras whatever the frame rate or
 * content. Frames of clips waiting in the writer's queue are shared with the buffer, not copied;
 * they outlive their eviction until written, so the worst case adds
 * {@code queueCapacity + writerThreads} clips of at most one camera's buffer each.
 *
 * @param bufferSeconds how much recent video each camera keeps, 1..{@value #MAX_BUFFER_SECONDS} s;
 *     a highlight's part older than this is cut from its clip
 * @param bufferBytesPerCamera JPEG bytes each camera keeps at most ({@value #MIN_BUFFER_BYTES} B
 *     .. 4 GiB); the oldest frames are evicted first
 * @param jpegQuality JPEG quality of the buffered frames and thumbnails, 1..100
 * @param writerThreads threads encoding clips, 1..{@value #MAX_WRITER_THREADS}, shared by the
 *     cameras of one subtask
 * @param queueCapacity clips waiting for a writer thread at most, 1..{@value #MAX_QUEUE}; a clip
 *     that finds the queue full is skipped (counted), never waited for
 * @param drainTimeoutMs how long {@code close()} waits for queued clips before abandoning them,
 *     0..{@value #MAX_DRAIN_MS} ms
 */
public record LiveClipConfig(double bufferSeconds, long bufferBytesPerCamera, int jpegQuality,
    int writerThreads, int queueCapacity, long drainTimeoutMs) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Ten minutes: beyond that a recording (NVR) is the right tool, not a RAM buffer. */
  public static final double MAX_BUFFER_SECONDS = 600;
  /** One 1080p JPEG frame fits in 1 MiB; a smaller buffer could hold no frame at all. */
  public static final long MIN_BUFFER_BYTES = 1L << 20;
  public static final long MAX_BUFFER_BYTES = 4L << 30;
  /**
   * Each OpenH264 encoder thread keeps about one core busy (42-50 fps at 720p measured here); more
   * threads than cores only queue at the CPU.
   */
  public static final int MAX_WRITER_THREADS = 16;
  public static final int MAX_QUEUE = 1000;
  /** Flink's default task cancellation watchdog is 180 s; a drain must fit well inside it. */
  public static final long MAX_DRAIN_MS = 120_000;

  /** 30 s back: a highlight's pre-roll plus the typical length of a moment worth a clip. */
  public static final double DEFAULT_BUFFER_SECONDS = 30;
  /** See the class note: 19 s of a busy 25 fps 720p camera, 90 s of a 5 fps one. */
  public static final long DEFAULT_BUFFER_BYTES = 64L << 20;
  /**
   * One thread: a 10 s 720p clip takes 2.5 s at 5 fps and 5-11 s at 25 fps on the shared 2-core
   * test machine ({@code tracklight bench clips}), small against the detector's share of the
   * machine; four queued clips absorb a burst of highlights closing together (e.g. one event seen
   * by several rules).
   */
  public static final int DEFAULT_WRITER_THREADS = 1;
  public static final int DEFAULT_QUEUE = 4;
  /** Long enough for one queued 30 s clip at 5 fps, short against Flink's cancellation watchdog. */
  public static final long DEFAULT_DRAIN_MS = 10_000;

  public LiveClipConfig {
    if (!(bufferSeconds >= 1 && bufferSeconds <= MAX_BUFFER_SECONDS)) {
      throw new InvalidInputException("highlights.buffer_seconds: expected a number in [1, "
          + (int) MAX_BUFFER_SECONDS + "], got " + bufferSeconds);
    }
    if (bufferBytesPerCamera < MIN_BUFFER_BYTES || bufferBytesPerCamera > MAX_BUFFER_BYTES) {
      throw new InvalidInputException("highlights.buffer_bytes_per_camera: expected " + MIN_BUFFER_BYTES
          + " (1 MiB) .. " + MAX_BUFFER_BYTES + " (4 GiB), got " + bufferBytesPerCamera);
    }
    if (jpegQuality < 1 || jpegQuality > 100) {
      throw new InvalidInputException("highlights.jpeg_quality: expected an integer in [1, 100], got "
          + jpegQuality);
    }
    if (writerThreads < 1 || writerThreads > MAX_WRITER_THREADS) {
      throw new InvalidInputException("highlights.clip_writer_threads: expected an integer in [1, "
          + MAX_WRITER_THREADS + "], got " + writerThreads);
    }
    if (queueCapacity < 1 || queueCapacity > MAX_QUEUE) {
      throw new InvalidInputException("highlights.clip_queue_capacity: expected an integer in [1, " + MAX_QUEUE
          + "], got " + queueCapacity);
    }
    if (drainTimeoutMs < 0 || drainTimeoutMs > MAX_DRAIN_MS) {
      throw new InvalidInputException("highlights.clip_drain_timeout_ms: expected 0.." + MAX_DRAIN_MS
          + ", got " + drainTimeoutMs);
    }
  }

  /** The documented defaults. */
  public static LiveClipConfig defaults() {
    return new LiveClipConfig(DEFAULT_BUFFER_SECONDS, DEFAULT_BUFFER_BYTES, 80,
        DEFAULT_WRITER_THREADS, DEFAULT_QUEUE, DEFAULT_DRAIN_MS);
  }

  public long bufferMillis() {
    return Math.round(bufferSeconds * 1000);
  }

  public LiveClipConfig withBuffer(double seconds, long bytesPerCamera) {
    return new LiveClipConfig(seconds, bytesPerCamera, jpegQuality, writerThreads, queueCapacity,
        drainTimeoutMs);
  }

  public LiveClipConfig withWriter(int threads, int queue, long drainMs) {
    return new LiveClipConfig(bufferSeconds, bufferBytesPerCamera, jpegQuality, threads, queue,
        drainMs);
  }

  public LiveClipConfig withJpegQuality(int quality) {
    return new LiveClipConfig(bufferSeconds, bufferBytesPerCamera, quality, writerThreads,
        queueCapacity, drainTimeoutMs);
  }
}
