package dev.tracklight.pipeline.replay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Wall time spent per pipeline stage, accumulated from an injected nanosecond clock (tests pass a
 * fake one). Not thread-safe: one per replay loop.
 */
final class StageTimes {

  /** The stages of a replay, in pipeline order. */
  enum Stage { DECODE, DETECT, TRACK, ANNOTATE, ENCODE, WRITE }

  private final LongSupplier nanoClock;
  private final long[] totals = new long[Stage.values().length];
  private long mark;

  StageTimes(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.mark = nanoClock.getAsLong();
  }

  /** Restarts the stopwatch without charging anything. */
  void reset() {
    mark = nanoClock.getAsLong();
  }

  /** Charges the time since the last mark to {@code stage}. */
  void charge(Stage stage) {
    long now = nanoClock.getAsLong();
    totals[stage.ordinal()] += now - mark;
    mark = now;
  }

  long nanos(Stage stage) {
    return totals[stage.ordinal()];
  }

  /** Milliseconds per stage, rounded to 0.1 ms, in pipeline order. */
  Map<String, Double> millis() {
    Map<String, Double> m = new LinkedHashMap<>();
    for (Stage s : Stage.values()) {
      m.put(s.name().toLowerCase(java.util.Locale.ROOT), Math.round(totals[s.ordinal()] / 1e5) / 10.0);
    }
    return m;
  }
}
