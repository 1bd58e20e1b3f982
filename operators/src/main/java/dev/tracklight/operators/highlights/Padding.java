package dev.tracklight.operators.highlights;

import dev.tracklight.inference.InvalidInputException;

/**
 * Seconds of context added before ({@code preRollSeconds}) and after ({@code postRollSeconds}) a
 * rule's moments when they become highlights.
 */
public record Padding(double preRollSeconds, double postRollSeconds)
    implements java.io.Serializable {

  /**
   * Default for point-like moments (entries, crossings, loitering...): two seconds either side is
   * enough to see the object arrive and leave the spot, short enough not to swallow neighbours.
   */
  public static final Padding AROUND_MOMENT = new Padding(2.0, 2.0);
  /** Default for {@code appearance}: the highlight is exactly the presence. */
  public static final Padding NONE = new Padding(0, 0);

  public Padding {
    if (!(preRollSeconds >= 0 && Double.isFinite(preRollSeconds))
        || !(postRollSeconds >= 0 && Double.isFinite(postRollSeconds))) {
      throw new InvalidInputException("invalid padding " + preRollSeconds + "/" + postRollSeconds
          + " s: expected finite seconds >= 0");
    }
  }

  long preRollMs() {
    return Math.round(preRollSeconds * 1000);
  }

  long postRollMs() {
    return Math.round(postRollSeconds * 1000);
  }
}
