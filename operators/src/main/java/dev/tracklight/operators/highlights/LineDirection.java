package dev.tracklight.operators.highlights;

/**
 * Which crossings of a line count. For a line drawn from point A to point B, {@link #IN} is a move
 * from the left-hand side to the right-hand side as seen walking from A to B on the image (y down);
 * {@link #OUT} is the opposite. A crossing event carries {@code IN} or {@code OUT}, never {@code BOTH}.
 */
public enum LineDirection {
  IN, OUT, BOTH;

  /** Whether a crossing in direction {@code crossing} ({@code IN} or {@code OUT}) counts. */
  public boolean accepts(LineDirection crossing) {
    return this == BOTH || this == crossing;
  }
}
