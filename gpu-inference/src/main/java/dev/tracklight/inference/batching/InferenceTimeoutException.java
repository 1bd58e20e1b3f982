package dev.tracklight.inference.batching;

import java.time.Duration;

/** The frame waited in the queue longer than the request timeout and was failed instead of run. */
public final class InferenceTimeoutException extends DetectionRequestException {

  private static final long serialVersionUID = 1L;

  public InferenceTimeoutException(String cameraId, long waitedNanos, Duration requestTimeout) {
    super(cameraId, "camera " + cameraId + "'s frame waited " + waitedNanos / 1_000_000
        + " ms in the inference queue, longer than the request timeout of "
        + requestTimeout.toMillis() + " ms; it was dropped instead of detected late", null);
  }
}
