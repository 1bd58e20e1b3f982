package dev.tracklight.connectors.live;

/**
 * The time a {@link LiveCameraReader} reads: wall-clock time for frame and health timestamps, and a
 * monotonic clock for ages, rates and back-off (immune to wall-clock steps). Injected so that tests
 * and replays control both.
 */
public interface CameraClock {

  /** Wall-clock time, epoch milliseconds. */
  long epochMillis();

  /** Monotonic time in nanoseconds from an arbitrary origin (only differences mean anything). */
  long monotonicNanos();

  /** The system's clocks. */
  static CameraClock system() {
    return SystemCameraClock.INSTANCE;
  }

  /** {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
  enum SystemCameraClock implements CameraClock {
    INSTANCE;

    @Override
    public long epochMillis() {
      return System.currentTimeMillis();
    }

    @Override
    public long monotonicNanos() {
      return System.nanoTime();
    }
  }
}
