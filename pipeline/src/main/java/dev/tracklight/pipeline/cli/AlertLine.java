package dev.tracklight.pipeline.cli;

import dev.tracklight.operators.alerts.Alert;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One alert as one line for people, with every field that matters for its type and nothing empty:
 *
 * <pre>
 * 2026-09-21T14:13:20.040Z  lobby  INFO      crossing  rule=door line=door direction=in count=42 tracks=17 classes=person
 * +0:12.480                 hall   INFO      occupancy  rule=left-half zone=left-half count=1 tracks=3 classes=person
 * +0:40.000                 ward   CRITICAL  loiter  rule=bed-exit zone=bed-exit for=20.0s tracks=5 classes=person
 * </pre>
 *
 * Fields: {@code zone=} / {@code line=} name the geometry; {@code direction=} a crossing's side;
 * {@code count=} what the type counts (tracks in the zone after the event, crossings of this class
 * and direction so far, the crowd's size, the tracks of an appearance, peak or highlight);
 * {@code for=} how long a span lasted (loitering, crowds, highlights); {@code score=} for activity
 * peaks and highlights; {@code clip=} / {@code thumbnail=} when written.
 */
final class AlertLine {

  /**
   * Event times from this value on are epoch ms (live cameras, 2001 and later); smaller ones are
   * offsets from a replayed video's start, shown as {@code +m:ss.SSS}.
   */
  static final long EPOCH_FROM_MS = 1_000_000_000_000L;

  /** UTC with milliseconds always shown, so the columns line up. */
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private AlertLine() {}

  static String of(Alert a) {
    StringBuilder s = new StringBuilder();
    s.append(time(a.eventTimeMs())).append("  ").append(a.camera()).append("  ")
        .append(String.format(Locale.ROOT, "%-8s", a.severity().name())).append("  ").append(a.type())
        .append("  rule=").append(a.rule());
    if (a.zone() != null) {
      s.append(" zone=").append(a.zone());
    }
    if (a.line() != null) {
      s.append(" line=").append(a.line());
    }
    if (a.direction() != null) {
      s.append(" direction=").append(a.direction());
    }
    // Every type counts something (occupancy after an entry or exit, crossings so far, a crowd's size).
    s.append(" count=").append(a.count());
    if (a.startMs() < a.eventTimeMs()) {
      s.append(String.format(Locale.ROOT, " for=%.1fs", (a.eventTimeMs() - a.startMs()) / 1000.0));
    }
    if (a.type().equals("activity_peak") || a.type().equals(Alert.HIGHLIGHT)) {
      s.append(String.format(Locale.ROOT, " score=%.2f", a.score()));
    }
    if (!a.trackIds().isEmpty()) {
      s.append(" tracks=").append(a.trackIds().stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    if (!a.classes().isEmpty()) {
      s.append(" classes=").append(String.join(",", a.classes()));
    }
    if (a.clipUri() != null) {
      s.append(" clip=").append(a.clipUri());
    }
    if (a.thumbnailUri() != null) {
      s.append(" thumbnail=").append(a.thumbnailUri());
    }
    return s.toString();
  }

  static String time(long eventTimeMs) {
    if (eventTimeMs >= EPOCH_FROM_MS) {
      return UTC.format(Instant.ofEpochMilli(eventTimeMs));
    }
    long ms = Math.max(0, eventTimeMs);
    return String.format(Locale.ROOT, "+%d:%02d.%03d", ms / 60_000, ms / 1000 % 60, ms % 1000);
  }
}
