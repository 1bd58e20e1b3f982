package dev.tracklight.operators.highlights;

import java.util.Locale;

/** The kinds of highlight rule, by their {@code type} key in the rules configuration. */
public enum RuleKind {
  ZONE, LOITERING, LINE, CROWD, APPEARANCE, ACTIVITY;

  /** The configuration spelling ({@code zone}, {@code loitering}, ...). */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
