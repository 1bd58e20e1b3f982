package dev.tracklight.operators.highlights;

import static dev.tracklight.operators.highlights.SyntheticFrames.feed;
import static dev.tracklight.operators.highlights.SyntheticFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppearanceAndActivityTest {

  private static final int PERSON = 0;
  private static final int DOG = 16;

  private static Rule.Appearance persons(double minAbsence, int inertia) {
    return new Rule.Appearance("people", ClassFilter.of(PERSON), minAbsence, inertia, Padding.NONE);
  }

  @Test
  void appearanceSpansThePresenceAndIgnoresBlipsAndShortGaps() {
    RuleEngine engine = new RuleEngine(List.of(persons(1.0, 2)));
    List<RuleEvent> events = new ArrayList<>();
    for (int k = 0; k < 44; k++) {
      SyntheticFrames f = frame().track(50, DOG, 0.1, 0.9); // another class: ignored
      boolean present = k <= 9 // 0..2250 ms
          || (k >= 20 && k <= 23) || (k >= 26 && k <= 27) // 0.5 s gap < 1 s: same presence
          || k == 34 // a one-frame blip: inertia 2 drops it
          || k >= 40; // still present at the end of the stream
      if (present) {
        f.track(k < 30 ? 1 : 7, PERSON, 0.5, 0.5, k == 22 ? 0.95f : 0.6f);
      }
      events.addAll(feed(engine, k, f.build()));
    }
    events.addAll(engine.finish(43 * 250));
    assertEquals(List.of(EventType.APPEARANCE, EventType.APPEARANCE_END, EventType.APPEARANCE,
        EventType.APPEARANCE_END, EventType.APPEARANCE, EventType.APPEARANCE_END),
        SyntheticFrames.types(events));
    RuleEvent first = events.get(1);
    assertEquals(0, first.startMs());
    assertEquals(2250, first.timestampMs());
    assertEquals(13, first.frameIndex() + 4, "closed 1 s after the last sighting (frame 13)");
    RuleEvent second = events.get(3);
    assertEquals(5000, second.startMs());
    assertEquals(27 * 250, second.timestampMs());
    assertEquals(22, second.peakFrameIndex(), "the best detection of the span");
    assertEquals(0.95f, (float) second.score());
    assertEquals(List.of(1), second.trackIds());
    assertEquals(List.of(PERSON), second.classIds());
    RuleEvent last = events.get(5);
    assertEquals(10_000, last.startMs());
    assertEquals(43 * 250, last.timestampMs(), "closed by finish at the last sighting");
    assertEquals(List.of(7), last.trackIds());
  }

  @Test
  void aGapInEventTimeLongerThanTheAbsenceIsAnAbsenceEvenWithTheClassOnBothSides() {
    // A live producer that paused: frames every 200 ms, none between 2 s and 4.5 s, a person in all;
    // 1.4 s without a frame (400 -> 1800 ms) is less than the absence plus the tolerance.
    RuleEngine engine = new RuleEngine(List.of(persons(1.9, 1)));
    List<RuleEvent> events = new ArrayList<>();
    long[] times = {0, 200, 400, 1800, 2000, 4500, 4700, 4900};
    for (int k = 0; k < times.length; k++) {
      events.addAll(engine.onFrame(k, times[k], SyntheticFrames.SIZE, SyntheticFrames.SIZE,
          frame().track(1, PERSON, 0.5, 0.5).build()));
    }
    events.addAll(engine.finish(4900));
    assertEquals(List.of(EventType.APPEARANCE, EventType.APPEARANCE_END, EventType.APPEARANCE,
        EventType.APPEARANCE_END), SyntheticFrames.types(events));
    assertEquals(2000, events.get(1).timestampMs(), "the first span ends at its last sighting before the gap");
    assertEquals(4500, events.get(2).timestampMs(), "back at the first frame after the gap");

    // A camera sampled at about the absence's own period: jittered 1 s gaps are sampling, not absence.
    RuleEngine sampled = new RuleEngine(List.of(persons(1.0, 1)));
    List<RuleEvent> once = new ArrayList<>();
    long t = 0;
    for (int k = 0; k < 20; k++) {
      t += k % 2 == 0 ? 1040 : 960;
      once.addAll(sampled.onFrame(k, t, SyntheticFrames.SIZE, SyntheticFrames.SIZE,
          frame().track(1, PERSON, 0.5, 0.5).build()));
    }
    assertEquals(List.of(EventType.APPEARANCE), SyntheticFrames.types(once));
  }

  @Test
  void activityPeakMarksTheBurstOfMotion() {
    RuleEngine engine = new RuleEngine(List.of(Rule.Activity.defaults()));
    List<RuleEvent> events = new ArrayList<>();
    for (int k = 0; k < 200; k++) {
      SyntheticFrames f = frame().track(1, PERSON, 0.5, 0.5); // someone standing still
      if (k >= 150 && k < 160) { // three people running across for 2.5 s
        for (int t = 0; t < 3; t++) {
          f.track(10 + t, PERSON, 0.05 + 0.09 * (k - 150), 0.3 + 0.2 * t);
        }
      }
      events.addAll(feed(engine, k, f.build()));
    }
    events.addAll(engine.finish(199 * 250));
    assertEquals(List.of(EventType.ACTIVITY_PEAK), SyntheticFrames.types(events), events.toString());
    RuleEvent peak = events.get(0);
    // The first burst frame has no speeds yet (new tracks); the peak covers the rest of the burst.
    assertEquals(151 * 250, peak.startMs());
    assertEquals(159 * 250, peak.timestampMs());
    assertEquals(List.of(1, 10, 11, 12), peak.trackIds());
    assertTrue(peak.score() > 0.3 && peak.score() < 1, "relative excess " + peak.score());
  }
}
