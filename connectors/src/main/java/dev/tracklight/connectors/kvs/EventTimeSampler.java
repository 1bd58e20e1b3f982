package dev.tracklight.connectors.kvs;

/**
 * Keeps about {@code fps} frames per second of event time: a frame is kept when it is the first in
 * its 1/fps slot of event time. The decision depends only on the frame's and its predecessor's
 * event times, so a restored reader that knows the predecessor ({@link KvsPosition#previousEventMs()})
 * keeps exactly the frames an uninterrupted one kept. fps 0 keeps every frame. One owner thread.
 */
final class EventTimeSampler {

  private final double fps;
  private long previous;

  EventTimeSampler(double fps, long previousEventMs) {
    this.fps = fps;
    this.previous = previousEventMs;
  }

  boolean keep(long eventMs) {
    long before = previous;
    previous = eventMs;
    if (fps <= 0 || before < 0) {
      return true;
    }
    return slot(eventMs) != slot(before);
  }

  private long slot(long ms) {
    return (long) Math.floor(ms * fps / 1000.0);
  }
}
