package dev.tracklight.connectors.clips;

import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.Severity;
import java.io.Serializable;
import java.util.Map;

/** The severity of a highlight's alert; shipped to the cluster with the function. */
@FunctionalInterface
public interface HighlightSeverity extends Serializable {

  Severity of(Highlight highlight);

  /**
   * The highest severity among the highlight's rules ({@code reasons}); rules missing from
   * {@code severityByRule} count as {@link Severity#INFO}.
   */
  static HighlightSeverity byRule(Map<String, Severity> severityByRule) {
    Map<String, Severity> copy = Map.copyOf(severityByRule);
    return h -> h.reasons().stream().map(r -> copy.getOrDefault(r, Severity.INFO))
        .max(Enum::compareTo).orElse(Severity.INFO);
  }
}
