package dev.tracklight.connectors.live;

/**
 * Receives a {@link LiveCameraReader}'s {@link CameraHealth} events. Calls come from the reader's
 * own threads (decoder and watchdog), one at a time and in order; keep them short and non-blocking
 * (hand the event to a queue or a metric). An exception thrown here is logged and otherwise ignored:
 * a broken listener must not stop the camera.
 */
@FunctionalInterface
public interface CameraHealthListener {

  void onHealth(CameraHealth health);

  /** A listener that ignores every event. */
  static CameraHealthListener ignoring() {
    return health -> {};
  }
}
