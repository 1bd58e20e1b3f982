package dev.tracklight.pipeline.cli;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.highlights.EventType;
import dev.tracklight.operators.highlights.Severity;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which alerts {@code alerts tail} shows: any of the cameras, any of the types (empty = all), at
 * least a severity.
 */
record AlertFilter(Set<String> cameras, Set<String> types, Severity minSeverity) {

  /** Every alert type of schema v1: the rule event types and {@code highlight}. */
  static final Set<String> TYPES = new TreeSet<>(Stream.concat(
      Arrays.stream(EventType.values()).map(t -> t.name().toLowerCase(Locale.ROOT)),
      Stream.of(Alert.HIGHLIGHT)).toList());

  AlertFilter {
    cameras = Set.copyOf(cameras);
    types = Set.copyOf(types);
    for (String t : types) {
      if (!TYPES.contains(t)) {
        throw new InvalidInputException("--type '" + t + "' is not an alert type; expected one of "
            + String.join(", ", TYPES));
      }
    }
  }

  boolean matches(Alert a) {
    return (cameras.isEmpty() || cameras.contains(a.camera()))
        && (types.isEmpty() || types.contains(a.type()))
        && a.severity().compareTo(minSeverity) >= 0;
  }
}
