package dev.tracklight.connectors.video;

import java.util.Objects;

/**
 * How a {@link VideoReader} decodes.
 *
 * @param sampling which frames to return
 * @param decoderThreads FFmpeg decoder threads; 0 lets FFmpeg choose (one per core). In a Flink job
 *     with one reader per slot, 1 avoids oversubscribing the cores.
 */
public record VideoReadOptions(FrameSampling sampling, int decoderThreads) implements java.io.Serializable {

  public VideoReadOptions {
    Objects.requireNonNull(sampling, "sampling");
    if (decoderThreads < 0) {
      throw new IllegalArgumentException("decoderThreads must be >= 0 (0 = automatic), got "
          + decoderThreads);
    }
  }

  /** Every frame, automatic decoder threads. */
  public static VideoReadOptions defaults() {
    return new VideoReadOptions(FrameSampling.all(), 0);
  }

  public VideoReadOptions withSampling(FrameSampling newSampling) {
    return new VideoReadOptions(newSampling, decoderThreads);
  }

  public VideoReadOptions withDecoderThreads(int threads) {
    return new VideoReadOptions(sampling, threads);
  }
}
