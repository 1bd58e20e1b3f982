package dev.tracklight.pipeline.cli;

import dev.tracklight.operators.alerts.Alert;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One alert as one line for people:
 * {@code 2026-09-21T14:13:20.040Z  lobby  WARNING   loiter  rule=dwell tracks=3 classes=person clip=...}.
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
        .append("  rule=").append(a.rule())
        .append(" tracks=").append(a.trackIds().stream().map(String::valueOf).collect(Collectors.joining(",")))
        .append(" classes=").append(String.join(",", a.classes()));
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
