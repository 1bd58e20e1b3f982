package dev.tracklight.operators.highlights;

import static dev.tracklight.operators.highlights.SyntheticFrames.feed;
import static dev.tracklight.operators.highlights.SyntheticFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RuleEngine#states}: what the annotated video shows of each rule, frame by frame. */
class RuleStatesTest {

  private static final int PERSON = 0;

  private static final Rule.Line DOOR = new Rule.Line("door", new NormalizedPoint(0.2, 0.5),
      new NormalizedPoint(0.8, 0.5), LineDirection.BOTH, ClassFilter.ALL, 1, Padding.AROUND_MOMENT);
  private static final Polygon LEFT = new Polygon(List.of(new NormalizedPoint(0, 0),
      new NormalizedPoint(0.5, 0), new NormalizedPoint(0.5, 1), new NormalizedPoint(0, 1)));
  private static final Rule.Zone ZONE = new Rule.Zone("left", LEFT, ClassFilter.ALL, 1, Padding.AROUND_MOMENT);
  private static final Rule.Loitering LOITER = new Rule.Loitering("stay", LEFT, ClassFilter.ALL, 1.0, 1,
      Padding.AROUND_MOMENT);
  private static final List<Rule> RULES = List.of(DOOR, ZONE, LOITER);

  /** Track 1 walks down across the door (x 0.4, inside the left zone) and stays there 3 s. */
  private static double yAt(int k) {
    return k < 4 ? 0.3 + 0.05 * k : 0.7;
  }

  private static List<List<RuleState>> run(RuleEngine engine, int frames) {
    List<List<RuleState>> states = new ArrayList<>();
    for (int k = 0; k < frames; k++) {
      feed(engine, k, frame().track(1, PERSON, 0.4, yAt(k)).track(2, PERSON, 0.9, 0.2).build());
      states.add(engine.states(k * 250L));
    }
    return states;
  }

  @Test
  void statesCarryGeometryCountsOccupancyAndAlerts() {
    List<List<RuleState>> states = run(new RuleEngine(RULES), 16);
    List<RuleState> first = states.get(0);
    assertEquals(List.of("door", "left", "stay"), first.stream().map(RuleState::rule).toList());
    assertEquals(List.of(DOOR.a(), DOOR.b()), first.get(0).geometry());
    assertEquals(LEFT.points(), first.get(1).geometry());
    assertEquals(1, first.get(1).occupancy(), "track 1 stands in the left half, track 2 not");
    assertEquals(0, first.get(0).in() + first.get(0).out());

    // y 0.45 -> 0.7 between frames 3 and 4: one crossing into the right-hand side (IN).
    RuleState doorAt4 = states.get(4).get(0);
    assertEquals(1, doorAt4.in());
    assertEquals(0, doorAt4.out());
    assertTrue(doorAt4.alerting(), "a crossing alerts its line");
    assertTrue(states.get(7).get(0).alerting(), "750 ms after the crossing");
    assertFalse(states.get(8).get(0).alerting(), RuleEngine.ALERT_HOLD_MS + " ms after it");
    assertEquals(1, states.get(15).get(0).in(), "the count stays");

    // The zone alerts at its entry event only; loitering from 1 s in the zone until it ends.
    assertTrue(states.get(0).get(1).alerting());
    assertFalse(states.get(4).get(1).alerting());
    assertFalse(states.get(3).get(2).alerting());
    assertTrue(states.get(15).get(2).alerting(), "loitering is open while the track stays");
  }

  @Test
  void alertStateSurvivesARestore() {
    RuleEngine straight = new RuleEngine(RULES);
    List<List<RuleState>> expected = run(straight, 16);
    RuleEngine engine = new RuleEngine(RULES);
    List<List<RuleState>> actual = new ArrayList<>();
    for (int k = 0; k < 16; k++) {
      engine = RuleEngine.restore(RULES, engine.snapshot());
      feed(engine, k, frame().track(1, PERSON, 0.4, yAt(k)).track(2, PERSON, 0.9, 0.2).build());
      actual.add(engine.states(k * 250L));
    }
    assertEquals(expected, actual);
  }

  /** A box half out of the frame (a Kalman prediction at the edge) is reported clipped. */
  @Test
  void eventBoxesStayInsideTheImageWhilePositionsUseTheWholeBox() {
    RuleEngine engine = new RuleEngine(List.of(ZONE));
    float[] box = {-50, 600, 30, 800}; // x -0.05..0.03 on the 1000 px frame, foot at (-0.01, 0.8)
    List<RuleEvent> events = engine.onFrame(0, 0, SyntheticFrames.SIZE, SyntheticFrames.SIZE,
        dev.tracklight.inference.Detections.of(box, new float[] {0.9f}, new int[] {PERSON}, new int[] {5}));
    assertEquals(List.of(), events, "the foot (bottom-centre of the whole box) is left of the image: outside");
    box = new float[] {-20, 600, 60, 800}; // foot at x 0.02: inside the zone
    events = engine.onFrame(1, 250, SyntheticFrames.SIZE, SyntheticFrames.SIZE,
        dev.tracklight.inference.Detections.of(box, new float[] {0.9f}, new int[] {PERSON}, new int[] {5}));
    assertEquals(EventType.ENTRY, events.get(0).type(), events.toString());
    assertEquals(new NormalizedBox(0f, 0.6f, 0.06f, 0.8f), events.get(0).box());
  }

  @Test
  void loiteringAlertEndsWhenTheTrackLeaves() {
    RuleEngine engine = new RuleEngine(List.of(LOITER));
    for (int k = 0; k < 8; k++) {
      feed(engine, k, frame().track(1, PERSON, 0.4, 0.7).build());
    }
    assertTrue(engine.states(7 * 250L).get(0).alerting());
    for (int k = 8; k < 16; k++) {
      feed(engine, k, frame().track(1, PERSON, 0.9, 0.7).build());
    }
    assertFalse(engine.states(15 * 250L).get(0).alerting(), "left the zone 2 s ago");
    assertEquals(0, engine.states(15 * 250L).get(0).occupancy());
  }
}
