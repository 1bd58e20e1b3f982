package dev.tracklight.operators.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import org.junit.jupiter.api.Test;

class ByteTrackerTest {

  /** One detection per {x1, y1, x2, y2, score, classId} row. */
  private static Detections dets(double[]... rows) {
    float[] boxes = new float[4 * rows.length];
    float[] scores = new float[rows.length];
    int[] classes = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < 4; j++) {
        boxes[4 * i + j] = (float) rows[i][j];
      }
      scores[i] = (float) rows[i][4];
      classes[i] = rows.length > 0 && rows[i].length > 5 ? (int) rows[i][5] : 0;
    }
    return Detections.of(boxes, scores, classes);
  }

  private static double[] box(double x, double y, double score) {
    return new double[] {x, y, x + 40, y + 100, score};
  }

  @Test
  void firstFrameTracksAreConfirmedAtOnceAndKeepTheirIds() {
    ByteTracker t = new ByteTracker(ByteTrackConfig.defaults());
    Detections out = t.update(dets(box(100, 100, 0.9), box(400, 100, 0.8)));
    assertArrayEquals(new int[] {1, 2}, out.trackIds());
    assertEquals(100, out.x1(0), 1e-3);
    assertEquals(200, out.y2(0), 1e-3);
    for (int f = 1; f < 20; f++) {
      out = t.update(dets(box(100 + 3 * f, 100, 0.9), box(400 - 2 * f, 100 + f, 0.8)));
      assertArrayEquals(new int[] {1, 2}, out.trackIds(), "frame " + f);
    }
    assertEquals(157, out.x1(0), 1.0); // Kalman box follows the motion
    assertEquals(20, t.framesSeen());
    assertEquals(2, t.activeCount());
  }

  @Test
  void laterTracksNeedASecondMatchBeforeTheyAreOutput() {
    ByteTracker t = new ByteTracker(ByteTrackConfig.defaults());
    t.update(dets(box(100, 100, 0.9)));
    Detections second = t.update(dets(box(101, 100, 0.9), box(500, 100, 0.9)));
    assertArrayEquals(new int[] {1}, second.trackIds()); // the newcomer is unconfirmed
    Detections third = t.update(dets(box(102, 100, 0.9), box(501, 100, 0.9)));
    assertArrayEquals(new int[] {1, 2}, third.trackIds());
  }

  @Test
  void unconfirmedTrackWithoutSecondMatchIsRemovedAndItsIdNotReused() {
    ByteTracker t = new ByteTracker(ByteTrackConfig.defaults());
    t.update(dets(box(100, 100, 0.9)));
    t.update(dets(box(100, 100, 0.9), box(500, 100, 0.9))); // id 2, unconfirmed
    t.update(dets(box(100, 100, 0.9))); // id 2 unmatched: removed
    t.update(dets(box(100, 100, 0.9), box(800, 100, 0.9))); // id 3
    Detections out = t.update(dets(box(100, 100, 0.9), box(800, 100, 0.9)));
    assertArrayEquals(new int[] {1, 3}, out.trackIds());
  }

  @Test
  void newTracksNeedTheNewTrackThreshold() {
    ByteTracker t = new ByteTracker(ByteTrackConfig.defaults());
    t.update(dets(box(100, 100, 0.9)));
    for (int f = 0; f < 5; f++) {
      // 0.55 is a high detection (> 0.5) but below det_thresh 0.6: never starts a track.
      Detections out = t.update(dets(box(100, 100, 0.9), box(500, 100, 0.55)));
      assertArrayEquals(new int[] {1}, out.trackIds());
    }
  }

  @Test
  void lowScoreDetectionsKeepExistingTracksAlive() {
    ByteTracker t = new ByteTracker(ByteTrackConfig.defaults());
    t.update(dets(box(100, 100, 0.9)));
    Detections out = t.update(dets(box(102, 101, 0.3)));
    assertArrayEquals(new int[] {1}, out.trackIds());
    assertEquals(0.3f, out.score(0));
    // Below the low threshold: the track is lost, nothing is output.
    assertEquals(0, t.update(dets(box(104, 102, 0.05))).size());
    assertEquals(1, t.lostCount());
  }

  @Test
  void lostTrackIsRefoundWithinTheBufferAndForgottenAfterIt() {
    // frameRate 15 with buffer 30 -> max_time_lost = int(15 / 30 * 30) = 15 frames.
    ByteTrackConfig cfg = ByteTrackConfig.defaults().withFrameRate(15);
    assertEquals(15, cfg.maxTimeLost());
    assertEquals(1, refoundIdAfterGap(cfg, 15));
    // The original subtracts its removal history one frame late: an expired track stays
    // matchable for one more frame (gap 16), and is gone after that.
    assertEquals(1, refoundIdAfterGap(cfg, 16));
    assertEquals(2, refoundIdAfterGap(cfg, 17));
  }

  /** Track a still box, hide it for {@code gap} frames, show it twice more; returns its id. */
  private static int refoundIdAfterGap(ByteTrackConfig cfg, int gap) {
    ByteTracker t = new ByteTracker(cfg);
    for (int f = 0; f < 5; f++) {
      t.update(dets(box(100, 100, 0.9)));
    }
    for (int f = 0; f < gap; f++) {
      assertEquals(0, t.update(Detections.empty()).size());
    }
    t.update(dets(box(100, 100, 0.9)));
    Detections out = t.update(dets(box(100, 100, 0.9)));
    assertEquals(1, out.size());
    return out.trackId(0);
  }

  @Test
  void idsArePerTrackerInstance() {
    ByteTracker a = new ByteTracker(ByteTrackConfig.defaults());
    ByteTracker b = new ByteTracker(ByteTrackConfig.defaults());
    a.update(dets(box(0, 0, 0.9), box(300, 0, 0.9)));
    assertArrayEquals(new int[] {1}, b.update(dets(box(50, 50, 0.9))).trackIds());
  }

  @Test
  void perClassModeAssociatesOnlyWithinAClass() {
    double[] person = {100, 100, 140, 200, 0.9, 0};
    double[] dog = {101, 100, 141, 200, 0.9, 16};
    ByteTracker agnostic = new ByteTracker(ByteTrackConfig.defaults());
    agnostic.update(dets(person));
    Detections a = agnostic.update(dets(dog));
    assertArrayEquals(new int[] {1}, a.trackIds());
    assertEquals(16, a.classId(0)); // class of the last matched detection

    ByteTracker perClass = new ByteTracker(ByteTrackConfig.defaults().withPerClass(true));
    perClass.update(dets(person));
    assertEquals(0, perClass.update(dets(dog)).size()); // person lost, dog unconfirmed
    Detections p = perClass.update(dets(dog));
    assertArrayEquals(new int[] {2}, p.trackIds());
  }

  @Test
  void rejectsNonFiniteOrFlatDetections() {
    ByteTracker t = new ByteTracker(ByteTrackConfig.defaults());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> t.update(dets(new double[] {0, Double.NaN, 10, 10, 0.9})));
    assertTrue(e.getMessage().contains("detection 0"), e.getMessage());
    assertThrows(InvalidInputException.class,
        () -> t.update(dets(box(0, 0, 0.9), new double[] {5, 10, 20, 10, 0.9})));
  }

  @Test
  void configIsValidated() {
    assertThrows(InvalidInputException.class, () -> ByteTrackConfig.of(-0.1, 30, 0.8, 30));
    assertThrows(InvalidInputException.class, () -> ByteTrackConfig.of(0.5, 0, 0.8, 30));
    assertThrows(InvalidInputException.class, () -> ByteTrackConfig.of(0.5, 30, 1.5, 30));
    assertThrows(InvalidInputException.class, () -> ByteTrackConfig.of(0.5, 30, 0.8, 0));
    assertThrows(InvalidInputException.class,
        () -> new ByteTrackConfig(0.5, 0.6, 0.6, 30, 0.8, 30, false, false)); // low >= track
    assertThrows(InvalidInputException.class,
        () -> new ByteTrackConfig(0.5, 0.1, 0.4, 30, 0.8, 30, false, false)); // new < track
    ByteTrackConfig d = ByteTrackConfig.defaults();
    assertEquals(0.6, d.newTrackThresh(), 1e-12);
    assertEquals(0.1, d.lowThresh());
    assertEquals(30, d.maxTimeLost());
    assertNotEquals(d, d.withPerClass(true));
  }

  @Test
  void pixelIouUsesTheInclusivePixelConvention() {
    // [0,9] x [0,9] is 10x10 = 100 pixels; overlap with [5,14] x [0,9] is 5x10 = 50.
    assertEquals(50.0 / 150, PixelIou.iou(0, 0, 9, 9, 5, 0, 14, 9), 1e-12);
    assertEquals(1.0, PixelIou.iou(0, 0, 0, 0, 0, 0, 0, 0), 1e-12); // a one-pixel box
    assertEquals(0.0, PixelIou.iou(0, 0, 9, 9, 10, 0, 19, 9), 1e-12);
  }
}
