package dev.tracklight.operators.stream;

/**
 * Whether a frame is the last of its stream, and if so whether the stream ended cleanly. Archived
 * videos end; the sink commits a video's outputs on its last frame and marks a truncated one as
 * incomplete. Live cameras never end.
 */
public enum StreamEnd {
  /** More frames follow (or may follow, for a live camera). */
  NONE,
  /** The last frame of a complete stream. */
  COMPLETE,
  /** The last decodable frame of a truncated or corrupt file. */
  TRUNCATED;

  /** True for the last frame of a stream. */
  public boolean isLast() {
    return this != NONE;
  }
}
