package dev.tracklight.connectors.live;

/**
 * Keeps about {@code fps} frames per second of a live stream, by the monotonic clock: the first
 * frame at or after each tick of a {@code 1/fps} grid. The grid advances by whole periods so rounding
 * never accumulates, and restarts at the current frame after a gap (a reconnect, a stall) so that a
 * burst of catch-up frames is not all kept. Single-threaded (the decoder thread).
 */
final class FrameRateGate {

  private final long periodNanos;
  private boolean started;
  private long nextDueNanos;

  /** @param fps frames per second to keep; 0 keeps every frame */
  FrameRateGate(double fps) {
    if (!(fps >= 0) || Double.isInfinite(fps)) {
      throw new IllegalArgumentException("fps must be 0 or positive, got " + fps);
    }
    periodNanos = fps == 0 ? 0 : Math.max(1, Math.round(1e9 / fps));
  }

  boolean keep(long nowNanos) {
    if (periodNanos == 0) {
      return true;
    }
    if (started && nowNanos - nextDueNanos < 0) {
      return false;
    }
    nextDueNanos = !started || nowNanos - nextDueNanos >= periodNanos
        ? nowNanos + periodNanos : nextDueNanos + periodNanos;
    started = true;
    return true;
  }
}
