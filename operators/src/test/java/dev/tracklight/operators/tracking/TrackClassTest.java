package dev.tracklight.operators.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The class vote and its hysteresis, detection by detection. */
class TrackClassTest {

  private static final int DOG = 16;
  private static final int BIRD = 14;
  private static final int PERSON = 0;

  private static TrackClass settledDog() {
    TrackClass c = new TrackClass();
    c.start(DOG, 0.8f);
    for (int i = 0; i < 20; i++) {
      c.add(DOG, 0.8f);
    }
    return c;
  }

  @Test
  void flickerNeverChangesASettledLabel() {
    TrackClass c = settledDog();
    // The demo's pattern: mostly dog, with confident "bird" pairs and a "person" in between.
    for (int round = 0; round < 50; round++) {
      c.add(BIRD, 0.9f);
      c.add(BIRD, 0.8f);
      c.add(DOG, 0.5f);
      c.add(PERSON, 0.9f);
      c.add(DOG, 0.5f);
      c.add(DOG, 0.6f);
      c.add(DOG, 0.5f);
      assertEquals(DOG, c.label, "round " + round);
    }
  }

  @Test
  void aRealChangeTurnsTheLabelWithinTensOfFrames() {
    TrackClass c = settledDog();
    int frames = 0;
    while (c.label == DOG) {
      c.add(BIRD, 0.8f);
      frames++;
      if (frames > 200) {
        throw new AssertionError("label never changed: " + c);
      }
    }
    assertEquals(BIRD, c.label);
    // Not on the first frames (hysteresis) but within 2-3 s at 25 fps.
    assertEquals(true, frames > 10 && frames < 75, "changed after " + frames + " frames");
  }

  @Test
  void aYoungTrackFollowsTheHeaviestClass() {
    TrackClass c = new TrackClass();
    c.start(BIRD, 0.45f); // mislabelled first detection
    c.add(DOG, 0.6f);
    assertEquals(DOG, c.label, "unsettled evidence: the heaviest class wins at once");
  }

  @Test
  void scoresWeighTheVote() {
    TrackClass c = new TrackClass();
    c.start(DOG, 0.9f);
    c.add(BIRD, 0.3f);
    c.add(BIRD, 0.3f);
    assertEquals(DOG, c.label, "two weak birds (0.6) do not outweigh one confident dog (0.9)");
  }

  @Test
  void remembersAtMostFourClassesAndKeepsTheLabel() {
    TrackClass c = settledDog();
    for (int cls = 30; cls < 40; cls++) {
      c.add(cls, 0.9f);
    }
    assertEquals(TrackClass.MAX_CLASSES, c.size);
    assertEquals(DOG, c.label);
    assertEquals(true, c.weightOf(DOG) > 0, "the label's own weight is never evicted");
  }
}
