package dev.tracklight.inference.batching;

/**
 * A frame the {@link BatchingDetectionService} did not run: rejected on a full queue, expired in
 * the queue, or caught by the service closing. Catch this type to handle all three alike.
 *
 * <p>These are expected outcomes under load, not bugs, so they are created without a stack trace:
 * overload can raise thousands per second, and the stack of the thread that creates them (mostly the
 * service's worker) says nothing about the caller. The message and {@link #cameraId()} carry what
 * matters.
 */
public abstract class DetectionRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String cameraId;

  protected DetectionRequestException(String cameraId, String message, Throwable cause) {
    super(message, cause, true, false);
    this.cameraId = cameraId;
  }

  /** The camera whose frame was not run. */
  public String cameraId() {
    return cameraId;
  }
}
