package dev.tracklight.operators.highlights;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * The running state of one rule on one camera. Not thread-safe: a {@link RuleEngine} (one per
 * camera, one Flink key) drives it from a single thread. State is written and read in a fixed
 * binary layout so the engine snapshot is compact and free of Java serialization.
 */
interface RuleEvaluator {

  Rule rule();

  /** Consumes one frame, appending what happened to {@code out}. */
  void onFrame(FrameTracks frame, List<RuleEvent> out);

  /** Closes open spans at the end of the stream. */
  void finish(long endTimestampMs, List<RuleEvent> out);

  void writeState(DataOutput out) throws IOException;

  void readState(DataInput in) throws IOException;
}
