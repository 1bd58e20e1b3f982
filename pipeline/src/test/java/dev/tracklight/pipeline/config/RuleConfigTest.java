package dev.tracklight.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rules in cameras.yaml and in replay rules files: parsed per camera, errors name camera, rule, key. */
class RuleConfigTest {

  private static String config(String rules) {
    return """
        cameras:
          - id: lobby
            url: rtsp://127.0.0.1:8554/cam1
          - id: ward-2
            url: rtsp://127.0.0.1:8554/cam2
            rules:
        """ + rules.indent(6) + """
        sinks:
          alerts:
            jsonl: alerts.jsonl
            kafka: {bootstrap_servers: "localhost:9092", topic: tracklight-alerts, delivery: at_least_once}
        highlights: {max_out_of_order_ms: 200, clips_dir: /tmp/clips, buffer_seconds: 20}
        """;
  }

  @Test
  void camerasHaveTheirOwnRulesAndSinksTheirAlerts() {
    JobConfig c = JobConfigLoader.parse("cameras.yaml", config("""
        - {type: loitering, name: bed-exit, polygon: [[0.1, 0.1], [0.6, 0.1], [0.6, 0.9]], min_seconds: 20, severity: critical}
        - {type: line, name: door, points: [[0.5, 0.0], [0.5, 1.0]], direction: in, classes: [person]}
        """));
    Map<String, List<Rule>> rules = c.rules(ClassNames.COCO);
    assertEquals(List.of("activity"), rules.get("lobby").stream().map(Rule::name).toList(),
        "a camera without rules gets the default activity rule");
    assertEquals(List.of("bed-exit", "door"), rules.get("ward-2").stream().map(Rule::name).toList());
    assertEquals(Severity.CRITICAL, rules.get("ward-2").get(0).severity());
    assertEquals(Severity.INFO, rules.get("ward-2").get(1).severity());
    assertEquals(Optional.of("alerts.jsonl"), c.sinks().alerts().jsonl());
    JobConfig.Kafka kafka = c.sinks().alerts().kafka().orElseThrow();
    assertEquals("tracklight-alerts", kafka.topic());
    assertEquals(false, kafka.exactlyOnce());
    assertEquals(new JobConfig.Highlights(200, Optional.of("/tmp/clips"), 20), c.highlights());
    assertTrue(c.highlights().drawRules(), "rules are drawn unless switched off");
    JobConfig off = JobConfigLoader.parse("cameras.yaml", config("- {type: zone, name: z,"
        + " polygon: [[0.1, 0.1], [0.6, 0.1], [0.6, 0.9]]}").replace("buffer_seconds: 20}",
        "buffer_seconds: 20, draw_rules: false}"));
    assertEquals(false, off.highlights().drawRules());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // self-intersecting polygon (a bow tie)
      "- {type: zone, name: bed, polygon: [[0.1, 0.1], [0.9, 0.9], [0.9, 0.1], [0.1, 0.9]]}"
          + "|cameras.yaml: cameras[1] (ward-2): rules[0] (bed): polygon:",
      "- {type: zone, name: bed, polygon: [[0.1, 0.1], [1.2, 0.1], [0.5, 0.9]]}"
          + "|cameras.yaml: cameras[1] (ward-2): rules[0] (bed): polygon:",
      "- {type: appearance, name: pets, classes: [dragon]}"
          + "|cameras.yaml: cameras[1] (ward-2): rules[0] (pets): classes:",
      "- {type: line, name: door, points: [[0.5, 0.5], [0.5, 0.5]]}"
          + "|cameras.yaml: cameras[1] (ward-2): rules[0] (door): points:",
      "- {type: loitering, name: bed, polygon: [[0.1, 0.1], [0.6, 0.1], [0.6, 0.9]], min_seconds: -3}"
          + "|cameras.yaml: cameras[1] (ward-2): rules[0] (bed): min_seconds:",
      "- {type: zone, name: bed, polygon: [[0.1, 0.1], [0.6, 0.1], [0.6, 0.9]], colour: red}"
          + "|cameras.yaml: cameras[1] (ward-2): rules[0] (bed): colour: unknown key",
      "- {type: zone, name: bed, polygon: [[0.1, 0.1], [0.6, 0.1], [0.6, 0.9]], severity: urgent}"
          + "|cameras.yaml: cameras[1] (ward-2): rules[0] (bed): severity:",
  })
  void badRulesFailBeforeStartNamingCameraRuleAndKey(String rules, String expected) {
    JobConfig c = JobConfigLoader.parse("cameras.yaml", config(rules));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> c.rules(ClassNames.COCO));
    assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), "one line");
  }

  @Test
  void badAlertSinksFailAtLoad() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> JobConfigLoader.parse(
        "cameras.yaml", config("[]").replace("topic: tracklight-alerts", "topic: 'bad topic!'")));
    assertTrue(e.getMessage().startsWith("cameras.yaml: sinks.alerts.kafka.topic:"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> JobConfigLoader.parse("cameras.yaml",
        config("[]").replace("\"localhost:9092\"", "localhost")));
    assertTrue(e.getMessage().startsWith("cameras.yaml: sinks.alerts.kafka.bootstrap_servers:"), e.getMessage());
  }

  @Test
  void rulesFiles(@TempDir Path tmp) throws Exception {
    Path ok = Files.writeString(tmp.resolve("rules.yaml"), """
        rules:
          - {type: appearance, name: person-arrives, classes: [person], min_absence_seconds: 1.0}
        """);
    assertEquals("person-arrives", RuleConfig.load(ok).parse(ClassNames.COCO).get(0).name());
    Path extra = Files.writeString(tmp.resolve("extra.yaml"), "rules: []\ncameras: []\n");
    assertTrue(assertThrows(InvalidInputException.class, () -> RuleConfig.load(extra)).getMessage()
        .endsWith("cameras: unknown key; expected one of rules"));
    Path typo = Files.writeString(tmp.resolve("typo.yaml"), "rule: []\n");
    assertEquals(typo + ": expected a mapping with a top-level 'rules:' list, got a mapping",
        assertThrows(InvalidInputException.class, () -> RuleConfig.load(typo)).getMessage());
    Path bad = Files.writeString(tmp.resolve("bad.yaml"), "rules:\n  - {type: crowd, name: queue}\n");
    assertTrue(assertThrows(InvalidInputException.class, () -> RuleConfig.load(bad).parse(ClassNames.COCO))
        .getMessage().startsWith(bad + ": rules[0] (queue): "));
    assertTrue(assertThrows(InvalidInputException.class, () -> RuleConfig.load(tmp.resolve("none.yaml")))
        .getMessage().startsWith("rules file not found: "));
  }
}
