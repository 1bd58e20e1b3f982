package dev.tracklight.operators.highlights;

import static dev.tracklight.operators.highlights.SyntheticFrames.feed;
import static dev.tracklight.operators.highlights.SyntheticFrames.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line crossings on synthetic tracks with known answers. */
class LineRuleTest {

  private static final int PERSON = 0;
  private static final int CAR = 2;

  /** Horizontal segment x 0.2..0.8 at y 0.5, drawn left to right: below is the right-hand side. */
  private static Rule.Line line(LineDirection direction, int inertia) {
    return new Rule.Line("door", new NormalizedPoint(0.2, 0.5), new NormalizedPoint(0.8, 0.5),
        direction, ClassFilter.ALL, inertia, Padding.AROUND_MOMENT);
  }

  private static final double[] PERSON_Y = {0.30, 0.35, 0.40, 0.45, 0.55, 0.60, 0.65, 0.60, 0.45,
      0.40};
  private static final double[] CAR_Y = {0.30, 0.40, 0.45, 0.55, 0.60, 0.70, 0.70, 0.70, 0.70, 0.70};

  /** Person down and back up, a car down, a jittering person on the line, one passing beside it. */
  private static List<RuleEvent> run(RuleEngine engine) {
    List<RuleEvent> events = new ArrayList<>();
    for (int k = 0; k < PERSON_Y.length; k++) {
      events.addAll(feed(engine, k, frame()
          .track(1, PERSON, 0.5, PERSON_Y[k])
          .track(2, CAR, 0.6, CAR_Y[k])
          .track(3, PERSON, 0.4, k % 2 == 0 ? 0.48 : 0.52)
          .track(4, PERSON, 0.9, 0.3 + 0.05 * k) // crosses y = 0.5 beside the segment's end
          .build()));
    }
    return events;
  }

  @Test
  void countsCrossingsPerClassAndDirectionWithInertia() {
    RuleEngine engine = new RuleEngine(List.of(line(LineDirection.BOTH, 2)));
    List<RuleEvent> events = run(engine);
    assertEquals(3, events.size(), events.toString());
    RuleEvent carIn = events.get(0);
    assertEquals(List.of(2), carIn.trackIds());
    assertEquals(LineDirection.IN, carIn.direction());
    assertEquals(3, carIn.frameIndex(), "dated at the first frame on the new side");
    assertEquals(750, carIn.timestampMs());
    RuleEvent personIn = events.get(1);
    assertEquals(List.of(1), personIn.trackIds());
    assertEquals(LineDirection.IN, personIn.direction());
    assertEquals(4, personIn.frameIndex());
    assertEquals(1, personIn.count());
    RuleEvent personOut = events.get(2);
    assertEquals(LineDirection.OUT, personOut.direction());
    assertEquals(8, personOut.frameIndex());
    assertEquals(EventType.CROSSING, personOut.type());
    assertEquals(List.of(new LineCount(PERSON, 1, 1), new LineCount(CAR, 1, 0)),
        engine.lineCounts("door"));
  }

  @Test
  void withoutInertiaJitterCountsAsCrossings() {
    RuleEngine engine = new RuleEngine(List.of(line(LineDirection.BOTH, 1)));
    run(engine);
    // Track 3 flips side every frame: 9 flips, 5 one way and 4 the other (plus track 1's two).
    assertEquals(List.of(new LineCount(PERSON, 1 + 5, 1 + 4), new LineCount(CAR, 1, 0)),
        engine.lineCounts("door"));
  }

  @Test
  void directionFilterCountsOnlyThatWay() {
    RuleEngine engine = new RuleEngine(List.of(line(LineDirection.OUT, 2)));
    List<RuleEvent> events = run(engine);
    assertEquals(1, events.size());
    assertEquals(List.of(new LineCount(PERSON, 0, 1)), engine.lineCounts("door"));
  }
}
