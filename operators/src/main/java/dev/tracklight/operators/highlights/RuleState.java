package dev.tracklight.operators.highlights;

import java.util.List;
import java.util.Objects;

/**
 * What one rule of a camera looks like at one frame, for drawing it over the video: its geometry
 * and its running figures, as {@link RuleEngine#states} reports them after the frame.
 *
 * @param rule the rule's name
 * @param kind the rule's kind
 * @param geometry normalised points: a zone's polygon (loitering, crowd too), a line's two ends,
 *     or none (appearance, activity)
 * @param occupancy tracks inside the zone now (zone kinds; 0 otherwise)
 * @param in crossings counted in the line's {@code in} direction so far, all classes (lines)
 * @param out crossings counted in the {@code out} direction so far, all classes (lines)
 * @param alerting the rule has an open alert (a loitering track, a crowd, a present class) or
 *     raised an event within {@link RuleEngine#ALERT_HOLD_MS} of this frame
 */
public record RuleState(String rule, RuleKind kind, List<NormalizedPoint> geometry, int occupancy,
    long in, long out, boolean alerting) {

  public RuleState {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(kind, "kind");
    geometry = List.copyOf(geometry);
  }

  /** The geometry of {@code rule}: its polygon's points, its line's ends, or none. */
  public static List<NormalizedPoint> geometryOf(Rule rule) {
    if (rule instanceof Rule.Zone z) {
      return z.polygon().points();
    } else if (rule instanceof Rule.Loitering l) {
      return l.polygon().points();
    } else if (rule instanceof Rule.Crowd c) {
      return c.polygon().points();
    } else if (rule instanceof Rule.Line l) {
      return List.of(l.a(), l.b());
    }
    return List.of();
  }

  /** True for rules with a polygon (zone, loitering, crowd). */
  public boolean isZone() {
    return kind == RuleKind.ZONE || kind == RuleKind.LOITERING || kind == RuleKind.CROWD;
  }
}
