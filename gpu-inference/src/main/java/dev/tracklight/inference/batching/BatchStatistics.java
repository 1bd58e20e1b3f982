package dev.tracklight.inference.batching;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of a {@link BatchingDetectionService}'s work, for metrics: a count per batch
 * size, frames, time spent waiting in the queue and in the detector, timeouts and rejections.
 *
 * <p>Called from the service's worker and submitting threads; all counters are lock-free and
 * monotonic, so readers (metric reporters on other threads) see consistent-enough values without
 * blocking the hot path. Batch sizes above {@link #MAX_TRACKED_BATCH} are counted in the last bucket.
 */
public final class BatchStatistics implements BatchListener {

  /** Enough buckets for any batch a detector accepts by default (1024 is DetectorOptions' cap). */
  public static final int MAX_TRACKED_BATCH = 1024;

  private final AtomicLongArray batchesBySize = new AtomicLongArray(MAX_TRACKED_BATCH + 1);
  private final LongAdder batches = new LongAdder();
  private final LongAdder frames = new LongAdder();
  private final LongAdder queueWaitNanos = new LongAdder();
  private final LongAdder inferenceNanos = new LongAdder();
  private final LongAdder failedBatches = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder rejected = new LongAdder();

  @Override
  public void onBatch(int size, long queueWaitNanosMax, long inferenceNanos) {
    batchesBySize.incrementAndGet(Math.min(Math.max(size, 0), MAX_TRACKED_BATCH));
    batches.increment();
    frames.add(size);
    queueWaitNanos.add(queueWaitNanosMax);
    this.inferenceNanos.add(inferenceNanos);
  }

  @Override
  public void onBatchFailed(int size, Throwable cause) {
    failedBatches.increment();
  }

  @Override
  public void onTimeout(String cameraId) {
    timeouts.increment();
  }

  @Override
  public void onRejected(String cameraId) {
    rejected.increment();
  }

  /** Batches that had {@code size} frames. */
  public long batchesOfSize(int size) {
    return batchesBySize.get(Math.min(Math.max(size, 0), MAX_TRACKED_BATCH));
  }

  public long batches() {
    return batches.sum();
  }

  public long frames() {
    return frames.sum();
  }

  /** Mean of each batch's longest queue wait, in milliseconds (0 before the first batch). */
  public double meanQueueWaitMs() {
    long n = batches.sum();
    return n == 0 ? 0 : queueWaitNanos.sum() / 1e6 / n;
  }

  /** Mean detector time per batch, in milliseconds. */
  public double meanInferenceMs() {
    long n = batches.sum();
    return n == 0 ? 0 : inferenceNanos.sum() / 1e6 / n;
  }

  public long failedBatches() {
    return failedBatches.sum();
  }

  public long timeouts() {
    return timeouts.sum();
  }

  public long rejected() {
    return rejected.sum();
  }

  /** One line for a log: frames, batches, mean batch size, inference and queue wait per batch. */
  @Override
  public String toString() {
    long n = batches.sum();
    return String.format(java.util.Locale.ROOT,
        "%d frames in %d batches (mean %.1f), %.1f ms inference and %.1f ms queue wait per batch",
        frames.sum(), n, n == 0 ? 0.0 : (double) frames.sum() / n, meanInferenceMs(), meanQueueWaitMs());
  }
}
