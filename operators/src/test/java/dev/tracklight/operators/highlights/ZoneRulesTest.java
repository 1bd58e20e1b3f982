package dev.tracklight.operators.highlights;

import static dev.tracklight.operators.highlights.SyntheticFrames.feed;
import static dev.tracklight.operators.highlights.SyntheticFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Zone entry/exit/occupancy, loitering and crowd on a scripted scene (4 fps, frame k at 250k ms):
 * track 1 enters at frame 2 and leaves at 14; track 2 enters at 4 and leaves at 12; track 3 appears
 * inside at 4 and vanishes after 6 (expires 2 s later); a car sits inside throughout but the rules
 * watch persons only.
 */
class ZoneRulesTest {

  private static final int PERSON = 0;
  private static final Polygon SQUARE = new Polygon(List.of(new NormalizedPoint(0.2, 0.2),
      new NormalizedPoint(0.8, 0.2), new NormalizedPoint(0.8, 0.8), new NormalizedPoint(0.2, 0.8)));
  private static final ClassFilter PERSONS = ClassFilter.of(PERSON);

  private static List<RuleEvent> run(RuleEngine engine) {
    List<RuleEvent> events = new ArrayList<>();
    for (int k = 0; k < 18; k++) {
      SyntheticFrames f = frame()
          .track(1, PERSON, 0.5, k < 2 ? 0.1 : k < 14 ? 0.5 : 0.95)
          .track(2, PERSON, 0.4, k < 4 ? 0.1 : k < 12 ? 0.6 : 0.95);
      if (k >= 4 && k <= 6) {
        f.track(3, PERSON, 0.6, 0.6);
      }
      f.track(9, 2, 0.3, 0.3);
      events.addAll(feed(engine, k, f.build()));
    }
    events.addAll(engine.finish(17 * 250));
    return events;
  }

  private static String describe(List<RuleEvent> events) {
    return events.stream().map(e -> e.type() + "@" + e.frameIndex() + "/" + e.startMs() + "-"
        + e.timestampMs() + e.trackIds() + "#" + e.count()).collect(Collectors.joining(" "));
  }

  @Test
  void entryExitAndOccupancyIncludingAnExpiredTrack() {
    RuleEngine engine = new RuleEngine(List.of(
        new Rule.Zone("desk", SQUARE, PERSONS, 2, Padding.AROUND_MOMENT)));
    assertEquals("ENTRY@2/500-500[1]#1 OCCUPANCY@3/750-750[]#1"
        + " ENTRY@4/1000-1000[2]#2 ENTRY@4/1000-1000[3]#3 OCCUPANCY@5/1250-1250[]#3"
        + " EXIT@12/3000-3000[2]#2 OCCUPANCY@13/3250-3250[]#2"
        + " EXIT@14/3500-3500[1]#1 EXIT@6/1500-1500[3]#0 OCCUPANCY@15/3750-3750[]#0",
        describe(run(engine)));
    assertEquals(0, engine.occupancy("desk"));
  }

  @Test
  void loiteringSpansFromEntryToExit() {
    RuleEngine engine = new RuleEngine(List.of(
        new Rule.Loitering("linger", SQUARE, PERSONS, 2.1, 2, Padding.AROUND_MOMENT)));
    // Track 1 dwells 500..3500 ms (3 s > 2.1 s); track 2 dwells 2 s and track 3 0.5 s (< 2.1 s).
    assertEquals("LOITER@11/500-2750[1]#3 LOITER_END@14/500-3500[1]#1", describe(run(engine)));
  }

  @Test
  void crowdNeedsTheCountForTheDuration() {
    RuleEngine engine = new RuleEngine(List.of(
        new Rule.Crowd("queue", SQUARE, PERSONS, 2, 1.0, 2, Padding.AROUND_MOMENT)));
    List<RuleEvent> events = run(engine);
    // Two or more inside from frame 5 (confirmed) to frame 14; alert once it held 1 s (frame 9).
    assertEquals("CROWD@9/1250-2250[1, 2, 3]#3 CROWD_END@14/1250-3500[1, 2, 3]#3",
        describe(events));
    assertEquals(5, events.get(1).peakFrameIndex(), "the biggest crowd (3) was at frame 5");
    RuleEngine strict = new RuleEngine(List.of(
        new Rule.Crowd("queue", SQUARE, PERSONS, 3, 2.0, 2, Padding.AROUND_MOMENT)));
    // Three inside from frame 5 to 12 (track 3 vanished at 6 but counts until it expires): 1.75 s.
    assertEquals("", describe(run(strict)), "three were inside for less than 2 s");
  }

  @Test
  void openSpansCloseAtTheEndOfTheStream() {
    RuleEngine engine = new RuleEngine(List.of(
        new Rule.Loitering("linger", SQUARE, PERSONS, 1.0, 1, Padding.AROUND_MOMENT)));
    List<RuleEvent> events = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      events.addAll(feed(engine, k, frame().track(5, PERSON, 0.5, 0.5).build()));
    }
    events.addAll(engine.finish(2000));
    assertEquals("LOITER@4/0-1000[5]#1 LOITER_END@7/0-1750[5]#1", describe(events));
  }
}
