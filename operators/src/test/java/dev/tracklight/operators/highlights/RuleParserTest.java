package dev.tracklight.operators.highlights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuleParserTest {

  private final RuleParser parser = new RuleParser(ClassNames.COCO);

  private static Map<String, Object> rule(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static final List<List<Double>> SQUARE = List.of(List.of(0.1, 0.1), List.of(0.9, 0.1),
      List.of(0.9, 0.9), List.of(0.1, 0.9));

  private String error(Map<String, Object> bad) {
    // The bad rule is third, so messages must carry its index 2 and its name.
    List<Map<String, Object>> rules = List.of(
        rule("type", "appearance", "name", "people", "classes", List.of("person")),
        rule("type", "activity", "name", "busy"), bad);
    return assertThrows(InvalidInputException.class, () -> parser.parse(rules)).getMessage();
  }

  @Test
  void parsesEveryRuleTypeWithDefaultsAndSnakeYamlNumbers() {
    List<Rule> rules = parser.parse(List.of(
        rule("type", "zone", "name", "desk", "polygon", SQUARE, "classes", List.of("person", "dog")),
        rule("type", "loitering", "name", "linger", "polygon", SQUARE, "min_seconds", 5),
        rule("type", "line", "name", "door", "points", List.of(List.of(0, 0.5), List.of(1, 0.5)),
            "direction", "in", "inertia", 3),
        rule("type", "crowd", "name", "queue", "polygon", SQUARE, "min_count", 3,
            "min_seconds", 2.5),
        rule("type", "appearance", "name", "dogs", "classes", List.of("dog")),
        rule("type", "activity", "name", "busy", "sigma", 3, "pre_roll_seconds", 1)));
    assertEquals(6, rules.size());
    Rule.Zone zone = assertInstanceOf(Rule.Zone.class, rules.get(0));
    assertEquals(ClassFilter.of(0, 16), zone.classes());
    assertEquals(Rule.DEFAULT_INERTIA, zone.inertia());
    assertEquals(Padding.AROUND_MOMENT, zone.padding());
    assertEquals(5.0, ((Rule.Loitering) rules.get(1)).minSeconds());
    assertTrue(((Rule.Loitering) rules.get(1)).classes().isAll());
    Rule.Line line = (Rule.Line) rules.get(2);
    assertEquals(LineDirection.IN, line.direction());
    assertEquals(3, line.inertia());
    assertEquals(new NormalizedPoint(0, 0.5), line.a());
    assertEquals(3, ((Rule.Crowd) rules.get(3)).minCount());
    Rule.Appearance dogs = (Rule.Appearance) rules.get(4);
    assertEquals(RuleParser.DEFAULT_MIN_ABSENCE_SECONDS, dogs.minAbsenceSeconds());
    assertEquals(Padding.NONE, dogs.padding(), "appearance highlights are the presence itself");
    Rule.Activity busy = (Rule.Activity) rules.get(5);
    assertEquals(3.0, busy.sigma());
    assertEquals(new Padding(1, 2), busy.padding());
  }

  @Test
  void noRulesMeansTheDefaultActivityRule() {
    assertEquals(List.of(Rule.Activity.defaults()), parser.parse(List.of()));
    assertEquals(List.of(Rule.Activity.defaults()), parser.parse(null));
  }

  @Test
  void selfIntersectingPolygon() {
    String msg = error(rule("type", "zone", "name", "bowtie", "polygon", List.of(
        List.of(0.1, 0.1), List.of(0.9, 0.9), List.of(0.9, 0.1), List.of(0.1, 0.9))));
    assertTrue(msg.startsWith("rules[2] (bowtie): polygon: self-intersecting"), msg);
  }

  @Test
  void polygonPointsOutsideUnitSquareOrTooFew() {
    String msg = error(rule("type", "crowd", "name", "hall", "min_count", 2, "min_seconds", 1,
        "polygon", List.of(List.of(0.1, 0.1), List.of(1.5, 0.1), List.of(0.5, 0.9))));
    assertTrue(msg.startsWith("rules[2] (hall): polygon: point [1.5, 0.1] is outside 0..1"), msg);
    msg = error(rule("type", "zone", "name", "thin", "polygon", List.of(List.of(0.1, 0.1),
        List.of(0.2, 0.2))));
    assertTrue(msg.startsWith("rules[2] (thin): polygon: expected at least 3 points, got 2"), msg);
  }

  @Test
  void linePointsOutsideOrZeroLength() {
    String msg = error(rule("type", "line", "name", "door", "points",
        List.of(List.of(0.1, 0.2))));
    assertEquals("rules[2] (door): points: expected two points [x, y] in 0..1, got [[0.1, 0.2]]",
        msg);
    msg = error(rule("type", "line", "name", "door", "points",
        List.of(List.of(0.1, 0.2), List.of(1.2, 0.2))));
    assertTrue(msg.startsWith("rules[2] (door): points: expected two points [x, y] in 0..1"), msg);
    msg = error(rule("type", "line", "name", "door", "points",
        List.of(List.of(0.5, 0.5), List.of(0.5, 0.5))));
    assertTrue(msg.startsWith("rules[2] (door): points: expected two distinct points"), msg);
  }

  @Test
  void unknownClassListsTheValidOnes() {
    String msg = error(rule("type", "appearance", "name", "pets", "classes", List.of("dgo")));
    assertTrue(msg.startsWith("rules[2] (pets): classes: unknown class 'dgo'; did you mean `dog`?"
        + " expected one of: person,"), msg);
    assertTrue(msg.contains("dog") && msg.contains("toothbrush"), msg);
  }

  @Test
  void negativeSeconds() {
    String msg = error(rule("type", "loitering", "name", "linger", "polygon", SQUARE,
        "min_seconds", -3));
    assertEquals("rules[2] (linger): min_seconds: expected seconds > 0, got -3", msg);
    msg = error(rule("type", "appearance", "name", "p", "classes", List.of("person"),
        "min_absence_seconds", -0.5));
    assertTrue(msg.startsWith("rules[2] (p): min_absence_seconds: expected seconds > 0"), msg);
    msg = error(rule("type", "zone", "name", "z", "polygon", SQUARE, "pre_roll_seconds", -1));
    assertTrue(msg.startsWith("rules[2] (z): pre_roll_seconds: expected seconds >= 0"), msg);
  }

  @Test
  void unknownKeyNamesTheKeyAndTheAllowedOnes() {
    String msg = error(rule("type", "zone", "name", "desk", "polygon", SQUARE, "inertai", 3));
    assertEquals("rules[2] (desk): inertai: unknown key for a zone rule; did you mean `inertia`?"
        + " expected one of classes, inertia, name, polygon, post_roll_seconds, pre_roll_seconds,"
        + " severity, type", msg);
    msg = error(rule("type", "line", "name", "door", "points", List.of(List.of(0, 0), List.of(1, 1)),
        "colour", "red"));
    assertEquals("rules[2] (door): colour: unknown key for a line rule; expected one of classes,"
        + " direction, inertia, name, points, post_roll_seconds, pre_roll_seconds, severity, type", msg,
        "no suggestion when nothing is close");
  }

  @Test
  void nearMissValuesGetASuggestion() {
    assertEquals("rules[2] (z): type: expected one of [zone, loitering, line, crowd, appearance, activity],"
        + " got 'lien'; did you mean `line`?", error(rule("type", "lien", "name", "z")));
    assertEquals("rules[2] (d): direction: expected one of in, out, both, got 'bth'; did you mean `both`?",
        error(rule("type", "line", "name", "d", "points", List.of(List.of(0, 0), List.of(1, 1)),
            "direction", "bth")));
    assertEquals("rules[2] (z): severity: expected one of [info, warning, critical], got 'warnig';"
        + " did you mean `warning`?", error(rule("type", "zone", "name", "z", "polygon", SQUARE,
            "severity", "warnig")));
  }

  @Test
  void missingOrWrongBasics() {
    assertEquals("rules[2]: name: expected a non-empty string, got nothing",
        error(rule("type", "zone", "polygon", SQUARE)));
    assertTrue(error(rule("type", "zonee", "name", "z")).startsWith(
        "rules[2] (z): type: expected one of [zone, loitering, line, crowd, appearance, activity],"
            + " got 'zonee'"));
    assertEquals("rules[2] (queue): min_count: required; expected a track count >= 1, got nothing",
        error(rule("type", "crowd", "name", "queue", "polygon", SQUARE, "min_seconds", 1)));
    assertEquals("rules[2] (queue): min_count: expected a track count >= 1, got 0",
        error(rule("type", "crowd", "name", "queue", "polygon", SQUARE, "min_seconds", 1,
            "min_count", 0)));
    assertEquals("rules[2] (d): direction: expected one of in, out, both, got 'up'",
        error(rule("type", "line", "name", "d", "points", List.of(List.of(0, 0), List.of(1, 1)),
            "direction", "up")));
    assertEquals("rules[2] (people): name: expected a unique rule name, but an earlier rule"
        + " already uses it", error(rule("type", "appearance", "name", "people", "classes",
            List.of("dog"))));
    assertEquals("rules[2] (p): inertia: expected a frame count >= 1, got 1.5",
        error(rule("type", "zone", "name", "p", "polygon", SQUARE, "inertia", 1.5)));
  }
}
