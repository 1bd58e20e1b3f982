package dev.tracklight.inference.batching;

/**
 * What a {@link BatchingDetectionService} reports as it works, for metrics (the Flink glue maps these
 * to a batch-size histogram, queue-wait and inference-time histograms and counters). Use
 * {@link #NO_OP} rather than null.
 *
 * <p><b>Threads.</b> {@link #onBatch}, {@link #onBatchFailed} and {@link #onTimeout} run on the
 * service's single worker thread, before the affected futures complete (so a caller that sees its
 * result also sees the metric); {@link #onRejected} runs on the submitting thread. Keep them short:
 * time spent here delays inference. An exception thrown here is logged and otherwise ignored.
 */
public interface BatchListener {

  /** Ignores everything. */
  BatchListener NO_OP = new BatchListener() {};

  /**
   * A batch ran successfully.
   *
   * @param size frames in the batch (expired and cancelled requests excluded)
   * @param queueWaitNanosMax the longest any of them waited between submit and the batch start
   * @param inferenceNanos the time {@code detect} took for the whole batch
   */
  default void onBatch(int size, long queueWaitNanosMax, long inferenceNanos) {}

  /** The detector threw on a batch of {@code size} frames; all of them failed with {@code cause}. */
  default void onBatchFailed(int size, Throwable cause) {}

  /** A frame of {@code cameraId} expired in the queue ({@link InferenceTimeoutException}). */
  default void onTimeout(String cameraId) {}

  /** A frame of {@code cameraId} found the queue full ({@link InferenceQueueFullException}). */
  default void onRejected(String cameraId) {}
}
