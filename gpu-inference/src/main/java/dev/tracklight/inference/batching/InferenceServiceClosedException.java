package dev.tracklight.inference.batching;

/** The service was closed (or its worker died) before the frame ran. */
public final class InferenceServiceClosedException extends DetectionRequestException {

  private static final long serialVersionUID = 1L;

  /**
   * @param cause why the service stopped when it was not closed on purpose (the worker's fatal
   *     error), else null
   */
  public InferenceServiceClosedException(String cameraId, Throwable cause) {
    super(cameraId, "detection service closed: camera " + cameraId + "'s frame was not detected"
        + (cause == null ? "" : " (the batching worker died: " + cause + ")"), cause);
  }
}
