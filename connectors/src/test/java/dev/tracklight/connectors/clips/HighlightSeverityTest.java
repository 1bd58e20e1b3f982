package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.highlights.Severity;
import java.util.List;
import java.util.Map;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class HighlightSeverityTest {

  @Test
  void theHighestOfTheCamerasRulesThatMadeTheHighlightAndItShipsToTheCluster() throws Exception {
    List<Rule> lobby = new RuleParser(ClassNames.COCO).parse(List.of(
        Map.of("type", "appearance", "name", "people", "classes", List.of("person")),
        Map.of("type", "crowd", "name", "crowd", "min_count", 5, "min_seconds", 2,
            "polygon", List.of(List.of(0.1, 0.1), List.of(0.9, 0.1), List.of(0.9, 0.9))),
        Map.of("type", "appearance", "name", "dogs", "classes", List.of("dog"), "severity", "critical")));
    HighlightSeverity severity = InstantiationUtil.clone(
        HighlightSeverity.fromRules(Map.of("lobby", lobby), RuleParser.defaults()));
    assertEquals(Severity.INFO, severity.of(ClipFrames.highlight("lobby", 0, 1000, 0, "people")));
    assertEquals(Severity.WARNING, severity.of(ClipFrames.highlight("lobby", 0, 1000, 0, "crowd", "people")));
    assertEquals(Severity.CRITICAL, severity.of(ClipFrames.highlight("lobby", 0, 1000, 0, "crowd", "dogs")));
    assertEquals(Severity.INFO, severity.of(ClipFrames.highlight("yard", 0, 1000, 0, "activity")),
        "other cameras: the default rules");
  }
}
