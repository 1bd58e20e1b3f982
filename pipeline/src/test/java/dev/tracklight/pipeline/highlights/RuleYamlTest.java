package dev.tracklight.pipeline.highlights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.highlights.LineDirection;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleKind;
import dev.tracklight.operators.highlights.RuleParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The rule parser on what snakeyaml-engine really produces (Integer vs Double, ArrayList...). */
class RuleYamlTest {

  private static List<?> rules(String yaml) {
    Map<?, ?> doc = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    return (List<?>) doc.get("rules");
  }

  @Test
  void parsesTheDocumentedExample() {
    List<Rule> parsed = new RuleParser(ClassNames.COCO).parse(rules("""
        rules:
          - {type: zone, name: desk, polygon: [[0.2, 0.2], [0.8, 0.2], [0.8, 0.9], [0.2, 0.9]], classes: [person]}
          - {type: loitering, name: linger, polygon: [[0.2, 0.2], [0.8, 0.2], [0.8, 0.9]], min_seconds: 30}
          - {type: line, name: door, points: [[0.5, 0.1], [0.5, 0.9]], direction: both}
          - {type: crowd, name: queue, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]], min_count: 5, min_seconds: 10}
          - {type: appearance, name: dog, classes: [dog], min_absence_seconds: 1.0}
          - {type: activity, name: busy, window_seconds: 30, sigma: 2.0, min_score: 0.5}
        """));
    assertEquals(List.of(RuleKind.ZONE, RuleKind.LOITERING, RuleKind.LINE, RuleKind.CROWD,
        RuleKind.APPEARANCE, RuleKind.ACTIVITY), parsed.stream().map(Rule::kind).toList());
    assertEquals(LineDirection.BOTH, ((Rule.Line) parsed.get(2)).direction());
    assertEquals(30.0, ((Rule.Loitering) parsed.get(1)).minSeconds());
  }

  @Test
  void yamlMistakesGetPreciseMessages() {
    RuleParser parser = new RuleParser(ClassNames.COCO);
    assertEquals("rules[1] (door): points: expected two points [x, y] in 0..1, got [[0.1, 0.2]]",
        assertThrows(InvalidInputException.class, () -> parser.parse(rules("""
            rules:
              - {type: activity, name: busy}
              - {type: line, name: door, points: [[0.1, 0.2]]}
            """))).getMessage());
    assertEquals("rules[0] (dog): min_absence_seconds: expected seconds > 0, got '1s'",
        assertThrows(InvalidInputException.class, () -> parser.parse(rules("""
            rules:
              - {type: appearance, name: dog, classes: [dog], min_absence_seconds: 1s}
            """))).getMessage());
  }
}
