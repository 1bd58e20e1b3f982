package dev.tracklight.connectors.clips;

import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.Severity;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
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

  /**
   * As the rule operator is configured: each camera's rules ({@code rulesByCamera}), the
   * {@code defaultRules} for cameras not in it; a highlight's severity is the highest of its
   * camera's rules that made it.
   */
  static HighlightSeverity fromRules(Map<String, List<Rule>> rulesByCamera, List<Rule> defaultRules) {
    Map<String, Map<String, Severity>> byCamera = new HashMap<>();
    rulesByCamera.forEach((camera, rules) -> byCamera.put(camera, severities(rules)));
    Map<String, Severity> defaults = severities(defaultRules);
    return h -> byRule(byCamera.getOrDefault(h.camera(), defaults)).of(h);
  }

  private static Map<String, Severity> severities(List<Rule> rules) {
    Map<String, Severity> m = new HashMap<>();
    rules.forEach(r -> m.put(r.name(), r.severity()));
    return m;
  }
}
