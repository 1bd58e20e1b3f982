package dev.tracklight.inference.batching;

import java.time.Duration;

/** The service's queue stayed full for the whole submit timeout; the frame was not queued. */
public final class InferenceQueueFullException extends DetectionRequestException {

  private static final long serialVersionUID = 1L;

  public InferenceQueueFullException(String cameraId, int queueCapacity, Duration submitTimeout) {
    super(cameraId, "inference queue full: camera " + cameraId + "'s frame waited "
        + submitTimeout.toMillis() + " ms for one of " + queueCapacity + " slots; expected the"
        + " detector to keep up (raise queueCapacity or submitTimeout, or lower the frame rate)",
        null);
  }
}
