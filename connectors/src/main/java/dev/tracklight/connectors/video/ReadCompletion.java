package dev.tracklight.connectors.video;

/** How far a {@link VideoReader} got. */
public enum ReadCompletion {
  /** The end of the stream has not been reached yet. */
  IN_PROGRESS,
  /** Every frame the container announces was decoded. */
  COMPLETE,
  /**
   * The stream ended early: the file is cut off or corrupt. The frames returned before the end are
   * valid; frames after the damage are missing.
   */
  TRUNCATED
}
