package dev.tracklight.operators.highlights;

import java.util.Locale;

/**
 * How urgent a rule's alerts are, for the people who act on them ({@code severity:} in a rule).
 * Defaults by kind: {@code loitering} and {@code crowd} describe situations someone should look at
 * ({@link #WARNING}); entries, crossings, appearances and activity are informational.
 */
public enum Severity {
  INFO, WARNING, CRITICAL;

  /** The configuration and JSON spelling ({@code info}, {@code warning}, {@code critical}). */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The default severity of a kind's alerts. */
  public static Severity defaultFor(RuleKind kind) {
    return kind == RuleKind.LOITERING || kind == RuleKind.CROWD ? WARNING : INFO;
  }
}
