package dev.tracklight.operators.highlights;

/**
 * What a {@link RuleEvent} reports. Alerts ({@link #ENTRY}, {@link #LOITER}, {@link #CROWD},
 * {@link #APPEARANCE}, {@link #CROSSING}...) are emitted as soon as the engine is sure; the
 * {@code *_END} types and {@link #ACTIVITY_PEAK} close a span and carry its start and peak, which is
 * what {@link HighlightBuilder} turns into moments.
 */
public enum EventType {
  /** A track's bottom-centre entered a zone (after {@code inertia} frames inside). */
  ENTRY,
  /** A track left a zone, or vanished while inside. */
  EXIT,
  /** The number of tracks inside a zone changed; {@link RuleEvent#count()} is the new value. */
  OCCUPANCY,
  /** A track has stayed in a zone longer than the rule's limit (alert). */
  LOITER,
  /** A loitering span ended; span = entry to exit. */
  LOITER_END,
  /** A track crossed a line; {@link RuleEvent#direction()} says which way. */
  CROSSING,
  /** A zone has held at least {@code min_count} tracks for {@code min_seconds} (alert). */
  CROWD,
  /** A crowd span ended. */
  CROWD_END,
  /** An object of a watched class appeared after an absence (alert). */
  APPEARANCE,
  /** The watched class has been absent long enough; span = the presence. */
  APPEARANCE_END,
  /** The activity score rose above its adaptive threshold and fell back; span = the peak. */
  ACTIVITY_PEAK;

  /** Whether events of this type close a span that makes a highlight on its own. */
  public boolean closesSpan() {
    return this == LOITER_END || this == CROWD_END || this == APPEARANCE_END
        || this == ACTIVITY_PEAK;
  }
}
