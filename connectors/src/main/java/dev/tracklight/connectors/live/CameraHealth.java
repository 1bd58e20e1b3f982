package dev.tracklight.connectors.live;

import java.util.Objects;

/**
 * One camera-health event, emitted by a {@link LiveCameraReader} on every state change and on every
 * failed connection attempt.
 *
 * @param cameraId the camera's id ({@link LiveCameraOptions#cameraId()})
 * @param state the new state
 * @param attempt the connection attempt this event is about, counted from 1 since the camera last
 *     streamed (STREAMING: the attempt that succeeded; RECONNECTING: the attempt about to be made
 *     after the back-off; STOPPED: the last attempt made)
 * @param lastError why the last connection failed or ended, with credentials redacted; null when
 *     there was no error (first CONNECTING, STREAMING, STOPPED after a clean close)
 * @param timestampMs when this happened, epoch milliseconds from the reader's injected clock
 */
public record CameraHealth(String cameraId, CameraState state, int attempt, String lastError,
    long timestampMs) {

  public CameraHealth {
    Objects.requireNonNull(cameraId, "cameraId");
    Objects.requireNonNull(state, "state");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
    }
  }
}
