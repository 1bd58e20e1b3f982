package dev.tracklight.connectors.video;

/**
 * Decides, frame by frame, whether a {@link FrameSampling} keeps a decoded frame.
 *
 * <p>Stateful (the target-fps clock) and single-threaded, owned by one {@link VideoReader}.
 * {@link #restart()} re-arms the clock after a seek so that the first frame after the seek is kept.
 */
final class FrameSampler {

  private final FrameSampling sampling;
  /** Target-fps mode: timestamp (µs) at or after which the next frame is kept; MIN = keep next. */
  private long nextDueMicros = Long.MIN_VALUE;
  private final long periodMicros;

  FrameSampler(FrameSampling sampling) {
    this.sampling = sampling;
    this.periodMicros = sampling instanceof FrameSampling.TargetFps t
        ? Math.max(1, Math.round(1_000_000.0 / t.fps())) : 0;
  }

  void restart() {
    nextDueMicros = Long.MIN_VALUE;
  }

  boolean keep(long index, long timestampMicros) {
    if (sampling instanceof FrameSampling.EveryNth every) {
      return index % every.n() == 0;
    }
    if (sampling instanceof FrameSampling.TargetFps) {
      if (timestampMicros < nextDueMicros) {
        return false;
      }
      // Advance on the tick grid, not from this frame's time, so rounding never accumulates; a
      // gap longer than one period (after a seek or a stall) restarts the grid at this frame.
      nextDueMicros = nextDueMicros == Long.MIN_VALUE || timestampMicros - nextDueMicros >= periodMicros
          ? timestampMicros + periodMicros : nextDueMicros + periodMicros;
      return true;
    }
    return true;
  }
}
