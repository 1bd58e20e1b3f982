package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parity helper itself: it must catch shifted, re-scored, re-classed, missing and extra boxes. */
class DetectionParityTest {

  private static final List<ReferenceDetections.Expected> REF = List.of(
      new ReferenceDetections.Expected("dog", 0.85f, new float[] {10, 10, 50, 60}),
      new ReferenceDetections.Expected("car", 0.31f, new float[] {100, 10, 150, 40}));

  private static List<String> compare(float[] boxes, float[] scores, int[] classes) {
    return DetectionParity.DEFAULT.compare(REF, Detections.of(boxes, scores, classes), ClassNames.COCO);
  }

  @Test
  void acceptsWithinToleranceAndIgnoresWeakReferences() {
    assertEquals(List.of(), compare(new float[] {12, 8, 52, 62}, new float[] {0.875f}, new int[] {16}));
  }

  @Test
  void reportsEachKindOfDisagreement() {
    assertEquals(2, compare(new float[] {14, 10, 50, 60}, new float[] {0.85f}, new int[] {16}).size(),
        "4 px off: missing + extra");
    assertEquals(2, compare(new float[] {10, 10, 50, 60}, new float[] {0.80f}, new int[] {16}).size(),
        "score 0.05 off");
    assertEquals(2, compare(new float[] {10, 10, 50, 60}, new float[] {0.85f}, new int[] {15}).size(),
        "cat instead of dog");
    assertEquals(List.of("missing dog 0.850 [10.0, 10.0, 50.0, 60.0]"),
        compare(new float[0], new float[0], new int[0]));
    assertEquals(1, compare(new float[] {10, 10, 50, 60, 200, 200, 220, 220},
        new float[] {0.85f, 0.4f}, new int[] {16, 0}).size(), "an extra person");
  }

  @Test
  void weakReferenceMayAbsorbANearThresholdDetection() {
    assertEquals(List.of(), compare(new float[] {10, 10, 50, 60, 100, 10, 150, 40},
        new float[] {0.85f, 0.335f}, new int[] {16, 2}));
  }
}
