package dev.tracklight.connectors.kvs;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a KVS camera resumes: the next frame to process is block {@code frameOffset} of fragment
 * {@code fragmentNumber} (it may equal the fragment's block count: the fragment was read whole).
 * This is the checkpointed position of a KVS camera split.
 *
 * @param fragmentProducerMs the fragment's producer timestamp: a restored reader asks for the
 *     fragment by it (GetMedia's FRAGMENT_NUMBER selector starts <em>after</em> a fragment)
 * @param previousEventMs event time of the frame before that one, or -1: it keeps frame-rate
 *     sampling deterministic across a restore ({@link EventTimeSampler})
 */
public record KvsPosition(String fragmentNumber, long fragmentProducerMs, int frameOffset, long previousEventMs) implements Serializable {

  public KvsPosition {
    Objects.requireNonNull(fragmentNumber, "fragmentNumber");
    if (frameOffset < 0) {
      throw new IllegalArgumentException("frameOffset must be >= 0, got " + frameOffset);
    }
  }

  @Override
  public String toString() {
    return fragmentNumber + "+" + frameOffset;
  }
}
