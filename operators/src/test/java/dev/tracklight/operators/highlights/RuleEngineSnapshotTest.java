package dev.tracklight.operators.highlights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Snapshot / restore at every frame gives exactly the events of an uninterrupted run. */
class RuleEngineSnapshotTest {

  private static final List<Rule> RULES = new RuleParser(ClassNames.COCO).parse(List.of(
      Map.of("type", "zone", "name", "left", "polygon",
          List.of(List.of(0.0, 0.0), List.of(0.5, 0.0), List.of(0.5, 1.0), List.of(0.0, 1.0))),
      Map.of("type", "loitering", "name", "linger", "min_seconds", 3, "polygon",
          List.of(List.of(0.0, 0.0), List.of(0.5, 0.0), List.of(0.5, 1.0), List.of(0.0, 1.0))),
      Map.of("type", "crowd", "name", "queue", "min_count", 2, "min_seconds", 1, "polygon",
          List.of(List.of(0.0, 0.0), List.of(0.5, 0.0), List.of(0.5, 1.0), List.of(0.0, 1.0))),
      Map.of("type", "line", "name", "middle", "points", List.of(List.of(0.5, 0), List.of(0.5, 1))),
      Map.of("type", "appearance", "name", "people", "classes", List.of("person")),
      Map.of("type", "activity", "name", "busy", "window_seconds", 10)));

  /** Random walkers that come and go: every rule fires at some point. */
  private static List<Detections> scene() {
    Random rnd = new Random(7);
    List<Detections> frames = new ArrayList<>();
    double[][] pos = new double[6][2];
    boolean[] alive = new boolean[6];
    int[] ids = new int[6];
    int nextId = 1;
    for (int k = 0; k < 400; k++) {
      SyntheticFrames f = SyntheticFrames.frame();
      for (int t = 0; t < 6; t++) {
        if (!alive[t] && rnd.nextDouble() < 0.02) {
          alive[t] = true;
          ids[t] = nextId++;
          pos[t][0] = 0.1 + 0.8 * rnd.nextDouble();
          pos[t][1] = 0.2 + 0.7 * rnd.nextDouble();
        } else if (alive[t] && rnd.nextDouble() < 0.01) {
          alive[t] = false;
        }
        if (alive[t]) {
          pos[t][0] = Math.min(0.98, Math.max(0.02, pos[t][0] + 0.04 * rnd.nextGaussian()));
          pos[t][1] = Math.min(0.98, Math.max(0.12, pos[t][1] + 0.02 * rnd.nextGaussian()));
          if (rnd.nextDouble() > 0.05) { // occasional missed frame
            f.track(ids[t], t % 3 == 0 ? 2 : 0, pos[t][0], pos[t][1], 0.5f + 0.1f * t);
          }
        }
      }
      frames.add(f.build());
    }
    return frames;
  }

  @Test
  void restoreAtEveryFrameGivesIdenticalEvents() {
    List<Detections> frames = scene();
    RuleEngine straight = new RuleEngine(RULES);
    List<RuleEvent> expected = new ArrayList<>();
    for (int k = 0; k < frames.size(); k++) {
      expected.addAll(SyntheticFrames.feed(straight, k, frames.get(k)));
    }
    expected.addAll(straight.finish(frames.size() * 250L));

    RuleEngine engine = new RuleEngine(RULES);
    List<RuleEvent> actual = new ArrayList<>();
    int maxBytes = 0;
    for (int k = 0; k < frames.size(); k++) {
      byte[] state = engine.snapshot();
      maxBytes = Math.max(maxBytes, state.length);
      assertEquals(RuleEngine.STATE_VERSION, state[0]);
      engine = RuleEngine.restore(RULES, state);
      actual.addAll(SyntheticFrames.feed(engine, k, frames.get(k)));
    }
    engine = RuleEngine.restore(RULES, engine.snapshot());
    actual.addAll(engine.finish(frames.size() * 250L));

    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), "event " + i);
    }
    assertEquals(expected, actual);
    for (EventType type : List.of(EventType.ENTRY, EventType.EXIT, EventType.LOITER_END,
        EventType.CROWD_END, EventType.CROSSING, EventType.APPEARANCE_END,
        EventType.ACTIVITY_PEAK)) {
      assertTrue(expected.stream().anyMatch(e -> e.type() == type), "scene exercises " + type);
    }
    assertTrue(maxBytes < 8_000, "compact state, got " + maxBytes + " bytes");
  }

  @Test
  void refusesOtherVersionsOtherRulesAndCorruptBytes() {
    RuleEngine engine = new RuleEngine(RULES);
    SyntheticFrames.feed(engine, 0, scene().get(0));
    byte[] state = engine.snapshot();
    byte[] otherVersion = state.clone();
    otherVersion[0] = 99;
    assertTrue(assertThrows(InvalidInputException.class,
        () -> RuleEngine.restore(RULES, otherVersion)).getMessage()
        .startsWith("unsupported rule engine state version 99: expected 2"));
    assertTrue(assertThrows(InvalidInputException.class,
        () -> RuleEngine.restore(RuleParser.defaults(), state)).getMessage()
        .startsWith("rule engine state was written for other rules"));
    byte[] truncated = java.util.Arrays.copyOf(state, state.length - 3);
    assertTrue(assertThrows(InvalidInputException.class,
        () -> RuleEngine.restore(RULES, truncated)).getMessage()
        .startsWith("corrupt rule engine state"));
  }

  @Test
  void refusesTimeGoingBackwardsAndUntrackedInput() {
    RuleEngine engine = new RuleEngine(RULES);
    engine.onFrame(5, 1000, 100, 100, Detections.empty());
    InvalidInputException back = assertThrows(InvalidInputException.class,
        () -> engine.onFrame(6, 1000, 100, 100, Detections.empty()));
    assertEquals("frame 6 at 1000 ms follows frame 5 at 1000 ms: expected strictly increasing"
        + " frame indices and timestamps", back.getMessage());
    Detections untracked = Detections.of(new float[] {1, 1, 5, 5}, new float[] {0.9f},
        new int[] {0});
    assertTrue(assertThrows(InvalidInputException.class,
        () -> engine.onFrame(7, 1250, 100, 100, untracked)).getMessage()
        .contains("has no track id"));
  }
}
