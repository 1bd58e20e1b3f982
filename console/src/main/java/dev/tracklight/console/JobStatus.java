package dev.tracklight.console;

import java.util.Locale;

/** A job's life: queued → running → done | failed (cancel is a failure with its reason). */
public enum JobStatus {
  QUEUED, RUNNING, DONE, FAILED;

  /** The lower-case name used by the API and the database. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobStatus parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  public boolean finished() {
    return this == DONE || this == FAILED;
  }
}
