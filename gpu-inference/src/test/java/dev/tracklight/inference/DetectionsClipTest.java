package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DetectionsClipTest {

  @Test
  void boxesAreClippedToTheImageAndEverythingElseKept() {
    Detections d = Detections.of(new float[] {-0.8f, 184.3f, 200, 300, 72.6f, 20.4f, 385.4f, 164.6f,
        -20, -5, -1, -2}, new float[] {0.9f, 0.8f, 0.7f}, new int[] {17, 0, 2}, new int[] {1, 2, 3});
    Detections c = d.clippedTo(360, 204);
    assertArrayEquals(new float[] {0, 184.3f, 200, 204, 72.6f, 20.4f, 360, 164.6f, 0, 0, 0, 0},
        c.boxes());
    assertArrayEquals(d.scores(), c.scores());
    assertArrayEquals(d.classIds(), c.classIds());
    assertArrayEquals(d.trackIds(), c.trackIds());
    assertArrayEquals(new float[] {-0.8f, 184.3f, 200, 300, 72.6f, 20.4f, 385.4f, 164.6f,
        -20, -5, -1, -2}, d.boxes(), "the input is not modified");
  }

  @Test
  void boxesInsideGiveTheSameInstance() {
    Detections d = Detections.of(new float[] {0, 0, 360, 204}, new float[] {0.5f}, new int[] {0});
    assertSame(d, d.clippedTo(360, 204));
    assertSame(Detections.empty(), Detections.empty().clippedTo(10, 10));
  }

  @Test
  void nanStaysNanAndBadSizesFail() {
    Detections d = Detections.of(new float[] {Float.NaN, 1, 500, 2}, new float[] {0.5f}, new int[] {0});
    Detections c = d.clippedTo(100, 100);
    assertTrue(Float.isNaN(c.x1(0)));
    assertArrayEquals(new float[] {1, 100, 2}, new float[] {c.y1(0), c.x2(0), c.y2(0)});
    assertThrows(IllegalArgumentException.class, () -> d.clippedTo(0, 10));
  }
}
