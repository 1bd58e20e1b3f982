package dev.tracklight.operators.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleEngine;
import dev.tracklight.operators.highlights.RuleEvent;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.highlights.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Alerts of every rule kind conform to the published JSON Schema and round-trip. */
class AlertJsonTest {

  static Schema schema;

  @BeforeAll
  static void loadSchema() throws Exception {
    // The module's tests run in operators/; the schema is published at the repository root.
    String text = Files.readString(Path.of("../docs/alert.schema.json"));
    schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema(text, InputFormat.JSON);
  }

  /** Every kind of rule on a walk through a zone and over a line, then a highlight. */
  static List<Alert> alerts() {
    List<Rule> rules = new RuleParser(ClassNames.COCO).parse(List.of(
        Map.of("type", "zone", "name", "right", "polygon",
            List.of(List.of(0.5, 0.0), List.of(1.0, 0.0), List.of(1.0, 1.0), List.of(0.5, 1.0))),
        Map.of("type", "loitering", "name", "linger", "min_seconds", 0.5, "polygon",
            List.of(List.of(0.5, 0.0), List.of(1.0, 0.0), List.of(1.0, 1.0), List.of(0.5, 1.0))),
        Map.of("type", "crowd", "name", "busy", "min_count", 1, "min_seconds", 0.2, "polygon",
            List.of(List.of(0.5, 0.0), List.of(1.0, 0.0), List.of(1.0, 1.0), List.of(0.5, 1.0))),
        Map.of("type", "line", "name", "door", "points", List.of(List.of(0.5, 0.0), List.of(0.5, 1.0))),
        Map.of("type", "appearance", "name", "someone", "classes", List.of("person")),
        Map.of("type", "activity", "name", "activity", "min_score", 0.01, "window_seconds", 2.0)));
    Map<String, Rule> byName = new HashMap<>();
    rules.forEach(r -> byName.put(r.name(), r));
    RuleEngine engine = new RuleEngine(rules);
    List<Alert> out = new ArrayList<>();
    List<RuleEvent> events = new ArrayList<>();
    // 1 s of nobody, 3 s of a person walking right, then nobody long enough for the track to expire
    for (int i = 0; i < 80; i++) {
      int step = i - 10;
      Detections d = step >= 0 && step < 30 ? Detections.of(new float[] {10 + step * 6, 20, 30 + step * 6, 80},
          new float[] {0.9f}, new int[] {0}, new int[] {7}) : Detections.empty();
      events.addAll(engine.onFrame(i, 1_700_000_000_000L + i * 100, 200, 100, d));
    }
    events.addAll(engine.finish(1_700_000_008_000L));
    for (RuleEvent e : events) {
      out.add(Alert.of("lobby", byName.get(e.rule()), e, ClassNames.COCO, 1_700_000_009_000L));
    }
    Highlight h = new Highlight("lobby-1-2", "lobby", 1_700_000_000.0, 1_700_000_003.0, 0.8,
        List.of("door", "someone"), List.of(7), List.of("person"), 12);
    out.add(Alert.of(h, Severity.WARNING, 1_700_000_009_000L, "file:///clips/lobby-1-2.mp4",
        "file:///thumbs/lobby-1-2.jpg"));
    return out;
  }

  @Test
  void everyAlertConformsToTheSchemaAndRoundTrips() throws Exception {
    List<Alert> alerts = alerts();
    List<String> types = alerts.stream().map(Alert::type).distinct().sorted().toList();
    assertEquals(List.of("activity_peak", "appearance", "appearance_end", "crossing", "crowd",
        "crowd_end", "entry", "exit", "highlight", "loiter", "loiter_end", "occupancy"), types,
        "every alert type is covered");
    for (Alert a : alerts) {
      String json = AlertJson.toJson(a);
      assertEquals(List.of(), schema.validate(json, InputFormat.JSON), json);
      Alert back = AlertJson.parse(json);
      assertEquals(json, AlertJson.toJson(back), "round trip");
      DataOutputSerializer out = new DataOutputSerializer(256);
      AlertSerializer.INSTANCE.serialize(a, out);
      assertEquals(json, AlertJson.toJson(AlertSerializer.INSTANCE.deserialize(
          new DataInputDeserializer(out.getCopyOfBuffer()))));
    }
    assertEquals(alerts.size(), alerts.stream().map(Alert::id).distinct().count(), "ids unique");
  }

  @Test
  void theSchemaRejectsWhatIsNotAnAlert() {
    String good = AlertJson.toJson(alerts().get(0));
    assertFalse(schema.validate(good.replace("\"severity\":\"info\"", "\"severity\":\"urgent\""),
        InputFormat.JSON).isEmpty());
    assertFalse(schema.validate(good.replaceFirst("\"id\":\"[0-9a-f]+\",", ""), InputFormat.JSON).isEmpty());
  }

  @Test
  void idsAreAFunctionOfCameraRuleTypeTracksAndTime() {
    String id = Alert.idOf("lobby", "door", "crossing", List.of(3), 1000);
    assertEquals(id, Alert.idOf("lobby", "door", "crossing", List.of(3), 1000));
    assertTrue(id.matches("[0-9a-f]{32}"));
    assertNotEquals(id, Alert.idOf("lobby", "door", "crossing", List.of(3), 1001));
    assertNotEquals(id, Alert.idOf("porch", "door", "crossing", List.of(3), 1000));
    assertNotEquals(id, Alert.idOf("lobby", "door", "entry", List.of(3), 1000));
    assertNotEquals(id, Alert.idOf("lobby", "door", "crossing", List.of(4), 1000));
  }

  @Test
  void parseErrorsAreOneLine() {
    assertTrue(assertThrows(InvalidInputException.class, () -> AlertJson.parse("{\"schema\": \"x\"}"))
        .getMessage().startsWith("unsupported alert schema 'x'"));
    assertTrue(assertThrows(InvalidInputException.class, () -> AlertJson.parse("{nope"))
        .getMessage().startsWith("not an alert: invalid JSON"));
  }
}
