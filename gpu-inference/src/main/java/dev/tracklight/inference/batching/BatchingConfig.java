package dev.tracklight.inference.batching;

import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;

/**
 * How a {@link BatchingDetectionService} forms batches and pushes back on callers. Validated on
 * construction; a value out of range fails with an {@link InvalidInputException} instead of being
 * clamped.
 *
 * @param maxBatch most requests per {@code detect} call; at most the detector's own
 *     {@link DetectorOptions#maxBatch()} (checked by {@link #requireFits(int)})
 * @param maxDelay how long a batch stays open for more requests after its first request arrived;
 *     zero batches only what is already queued
 * @param queueCapacity most requests waiting for the worker; at least {@code maxBatch} so that a
 *     full batch can queue up while the previous one runs
 * @param submitTimeout how long {@code submit} blocks on a full queue before it rejects the
 *     request; zero rejects at once
 * @param requestTimeout a request that has waited longer than this when its batch starts is failed
 *     instead of run late; must exceed {@code maxDelay}, or a request in a partial batch could
 *     expire merely by waiting for company
 */
public record BatchingConfig(int maxBatch, Duration maxDelay, int queueCapacity,
    Duration submitTimeout, Duration requestTimeout) implements java.io.Serializable {

  /** The detector's own default: a batch of 8 keeps a GPU busy and bounds input buffer memory. */
  public static final int DEFAULT_MAX_BATCH = DetectorOptions.DEFAULT_MAX_BATCH;
  /**
   * Less than a third of a frame interval at 30 fps: small next to the detection latency a tracker
   * tolerates, long enough for frames of several cameras decoded in the same instant to meet.
   */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(10);
  /**
   * Eight full batches: rides out a burst (every camera delivering at once after a network stall)
   * without rejecting, yet at CPU speed (about 17 ms per image) drains in about a second, so the
   * backlog never holds seconds of stale frames.
   */
  public static final int DEFAULT_QUEUE_CAPACITY = 64;
  /**
   * A full queue frees a slot within one batch time (well under a second) while the detector keeps
   * up, so one second of blocking is pure backpressure; longer means the detector is stalled and
   * the caller (a Flink task thread, which also has to pass checkpoint barriers) should see an
   * error rather than hang.
   */
  public static final Duration DEFAULT_SUBMIT_TIMEOUT = Duration.ofSeconds(1);
  /**
   * Twice the time a full default queue takes to drain on the CPU: only frames that waited through
   * a real stall expire, and a result that late is of no use to live tracking anyway.
   */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** Upper bound shared with {@link DetectorOptions#maxBatch()}. */
  private static final int MAX_BATCH_LIMIT = 1024;

  public BatchingConfig {
    if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
      throw new InvalidInputException("batching max batch must be in 1.." + MAX_BATCH_LIMIT
          + ", got " + maxBatch);
    }
    requireNonNegative("max delay", maxDelay);
    if (queueCapacity < maxBatch) {
      throw new InvalidInputException("queue capacity must be at least the max batch (" + maxBatch
          + ") so a full batch can queue while another runs, got " + queueCapacity);
    }
    requireNonNegative("submit timeout", submitTimeout);
    requireNonNegative("request timeout", requestTimeout);
    if (requestTimeout.compareTo(maxDelay) <= 0) {
      throw new InvalidInputException("request timeout (" + requestTimeout.toMillis()
          + " ms) must be longer than the max batching delay (" + maxDelay.toMillis() + " ms)");
    }
    // Nanosecond arithmetic on deadlines must not overflow (about 292 years).
    for (Duration d : new Duration[] {maxDelay, submitTimeout, requestTimeout}) {
      if (d.compareTo(Duration.ofDays(1)) > 0) {
        throw new InvalidInputException("batching durations must be at most one day, got " + d);
      }
    }
  }

  /** All defaults (batch 8, 10 ms, queue 64, submit timeout 1 s, request timeout 2 s). */
  public static BatchingConfig defaults() {
    return new BatchingConfig(DEFAULT_MAX_BATCH, DEFAULT_MAX_DELAY, DEFAULT_QUEUE_CAPACITY,
        DEFAULT_SUBMIT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * Checks that batches fit the detector: a service batch larger than the detector's max batch
   * would be split again inside the detector, so the batching delay would buy nothing.
   *
   * @param detectorMaxBatch the detector's {@link DetectorOptions#maxBatch()}
   * @return this config
   */
  public BatchingConfig requireFits(int detectorMaxBatch) {
    if (maxBatch > detectorMaxBatch) {
      throw new InvalidInputException("batching max batch " + maxBatch + " exceeds the detector's"
          + " max batch " + detectorMaxBatch + "; expected at most " + detectorMaxBatch);
    }
    return this;
  }

  public BatchingConfig withMaxBatch(int value) {
    return new BatchingConfig(value, maxDelay, queueCapacity, submitTimeout, requestTimeout);
  }

  public BatchingConfig withMaxDelay(Duration value) {
    return new BatchingConfig(maxBatch, value, queueCapacity, submitTimeout, requestTimeout);
  }

  public BatchingConfig withQueueCapacity(int value) {
    return new BatchingConfig(maxBatch, maxDelay, value, submitTimeout, requestTimeout);
  }

  public BatchingConfig withSubmitTimeout(Duration value) {
    return new BatchingConfig(maxBatch, maxDelay, queueCapacity, value, requestTimeout);
  }

  public BatchingConfig withRequestTimeout(Duration value) {
    return new BatchingConfig(maxBatch, maxDelay, queueCapacity, submitTimeout, value);
  }

  private static void requireNonNegative(String what, Duration value) {
    if (value == null) {
      throw new InvalidInputException("no " + what + " given; expected a duration of zero or more");
    }
    if (value.isNegative()) {
      throw new InvalidInputException(what + " must not be negative, got " + value);
    }
  }
}
