package dev.tracklight.operators.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.Detections;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@code oc-bytetrack} adds to ByteTrack, each against the exact original. */
class OcByteTrackerTest {

  private static final ByteTrackConfig OC = ByteTrackConfig.recommended();
  /** The original algorithm with the same (long) buffer: differences come from the algorithm. */
  private static final ByteTrackConfig BT_LONG = ByteTrackConfig.defaults()
      .withTrackBufferSeconds(ByteTrackConfig.RECOMMENDED_BUFFER_SECONDS);

  private static Detections one(double x1, double y1, double x2, double y2, float score, int cls) {
    return Detections.of(new float[] {(float) x1, (float) y1, (float) x2, (float) y2},
        new float[] {score}, new int[] {cls});
  }

  private static Detections none() {
    return Detections.empty();
  }

  /** Moves right 6 px/frame for 20 frames, is hidden 20 frames, reappears where it stopped. */
  private static Set<Integer> idsOfStopAndReappear(ByteTrackConfig cfg) {
    ByteTracker t = new ByteTracker(cfg);
    Set<Integer> ids = new HashSet<>();
    double x = 100;
    for (int f = 0; f < 20; f++, x += 6) {
      for (int id : t.update(one(x, 100, x + 40, 200, 0.9f, 0)).trackIds()) {
        ids.add(id);
      }
    }
    double stop = x - 6;
    for (int f = 0; f < 20; f++) {
      t.update(none());
    }
    for (int f = 0; f < 5; f++) {
      for (int id : t.update(one(stop, 100, stop + 40, 200, 0.9f, 0)).trackIds()) {
        ids.add(id);
      }
    }
    return ids;
  }

  @Test
  void recoveryByLastObservationKeepsTheIdOfAnObjectThatStoppedWhileHidden() {
    // The Kalman prediction coasts 120 px on while the object is hidden: ByteTrack cannot match
    // it and starts a new id; the recovery stage matches the last observed box.
    assertEquals(2, idsOfStopAndReappear(BT_LONG).size());
    assertEquals(Set.of(1), idsOfStopAndReappear(OC));
  }

  @Test
  void reUpdateReplaysTheGapAlongTheInterpolatedTrajectory() {
    // A track observed moving 5 px/frame until frame 30, then matched again at frame 40, 20 px
    // further. Re-update = the filter from frame 30's state, fed virtual observations on the line
    // between the two boxes at frames 31..39: compare with a filter that saw exactly those.
    Track t = new Track(1);
    double[] z0 = {100, 150, 0.4, 150};
    KalmanBoxFilter.initiate(z0, t.mean, t.cov);
    ObservationCentric.observe(t, z0, 0);
    for (int f = 1; f <= 30; f++) {
      double[] z = {100 + 5 * f, 150, 0.4, 150};
      KalmanBoxFilter.predict(t.mean, t.cov);
      KalmanBoxFilter.update(t.mean, t.cov, z);
      ObservationCentric.observe(t, z, f);
    }
    double[] refMean = t.mean.clone();
    double[] refCov = t.cov.clone();
    for (int f = 31; f < 40; f++) { // what the tracker does while the track is lost
      KalmanBoxFilter.predict(t.mean, t.cov);
    }
    double coastedVariance = t.cov[0];
    double[] z40 = {270, 150, 0.4, 150};
    ObservationCentric.reUpdate(t, z40, 40);
    for (int f = 31; f < 40; f++) {
      KalmanBoxFilter.predict(refMean, refCov);
      KalmanBoxFilter.update(refMean, refCov,
          new double[] {250 + (270 - 250) * (f - 30) / 10.0, 150, 0.4, 150});
    }
    KalmanBoxFilter.predict(refMean, refCov);
    for (int k = 0; k < KalmanBoxFilter.MEAN_SIZE; k++) {
      assertEquals(refMean[k], t.mean[k], 1e-9, "mean " + k);
    }
    for (int k = 0; k < KalmanBoxFilter.COV_SIZE; k++) {
      assertEquals(refCov[k], t.cov[k], 1e-9, "cov " + k);
    }
    // The coasted filter's position uncertainty had grown; the replayed one stays observed.
    assertTrue(t.cov[0] < coastedVariance / 2, t.cov[0] + " vs " + coastedVariance);
    // No gap, nothing to replay.
    KalmanBoxFilter.update(t.mean, t.cov, z40);
    ObservationCentric.observe(t, z40, 40);
    double[] before = t.mean.clone();
    ObservationCentric.reUpdate(t, new double[] {272, 150, 0.4, 150}, 41);
    assertArrayEquals(before, t.mean);
  }

  @Test
  void oneObjectBoxedAsTwoClassesIsOneTrack() {
    // Class-aware NMS keeps a "dog" and a "bird" box on the same dog.
    Detections both = Detections.of(new float[] {100, 50, 300, 150, 98, 52, 301, 149},
        new float[] {0.8f, 0.7f}, new int[] {16, 14});
    ByteTracker bt = new ByteTracker(ByteTrackConfig.defaults());
    ByteTracker oc = new ByteTracker(OC);
    for (int f = 0; f < 5; f++) {
      bt.update(both);
      Detections out = oc.update(both);
      assertEquals(1, out.size());
      assertEquals(16, out.classId(0));
    }
    assertEquals(2, bt.activeCount());
    // Per-class tracking keeps them apart on purpose.
    ByteTracker perClass = new ByteTracker(OC.withPerClass(true));
    for (int f = 0; f < 5; f++) {
      perClass.update(both);
    }
    assertEquals(2, perClass.activeCount());
  }

  @Test
  void aPartOfATrackedObjectStartsNoTrack() {
    // A body box, and from frame 5 on also a head box sharing its top and right edges.
    ByteTracker bt = new ByteTracker(ByteTrackConfig.defaults());
    ByteTracker oc = new ByteTracker(OC);
    for (int f = 0; f < 15; f++) {
      Detections d = f < 5 ? one(20, 40, 280, 140, 0.8f, 16)
          : Detections.of(new float[] {20, 40, 280, 140, 130, 40, 280, 110},
              new float[] {0.8f, 0.7f}, new int[] {16, 16});
      bt.update(d);
      oc.update(d);
    }
    assertEquals(2, bt.activeCount());
    assertEquals(1, oc.activeCount());
  }

  @Test
  void aSecondObjectInsideAnotherButNotAlignedStillGetsATrack() {
    // A small person in the middle of a big box shares no edge with it: not a part.
    ByteTracker oc = new ByteTracker(OC);
    for (int f = 0; f < 5; f++) {
      oc.update(Detections.of(new float[] {0, 0, 400, 300, 150, 100, 190, 200},
          new float[] {0.8f, 0.8f}, new int[] {2, 0}));
    }
    assertEquals(2, oc.activeCount());
  }

  @Test
  void tracksReportTheirClassAndTheFramesDetectionClass() {
    ByteTracker t = new ByteTracker(OC);
    Detections out = null;
    for (int f = 0; f < 10; f++) {
      out = t.update(one(100, 100, 300, 200, 0.8f, 16));
    }
    out = t.update(one(100, 100, 300, 200, 0.8f, 14));
    assertEquals(16, out.classId(0));
    assertEquals(14, out.detectionClassId(0));
    assertNotEquals(out.classId(0), out.detectionClassId(0));
  }

  /**
   * The demo's second dog id: the head-box track (a dog the detector sometimes calls a bird) is
   * lost, and a box around the whole dog, called "bird" at first, starts a new track there.
   */
  private static Detections whole(ByteTracker t, int frames, int cls) {
    Detections out = null;
    for (int f = 0; f < frames; f++) {
      out = t.update(one(60, 10, 350, 140, 0.6f, cls));
    }
    return out;
  }

  private static ByteTracker afterHeadTrack(ByteTrackConfig cfg, int[] headClasses) {
    ByteTracker t = new ByteTracker(cfg);
    for (int f = 0; f < 60; f++) {
      t.update(one(120, 20, 240, 90, 0.7f, headClasses[f % headClasses.length]));
    }
    t.update(none());
    t.update(none());
    return t;
  }

  @Test
  void aNewTrackGrownOutOfAnotherTakesOverItsClassEvidence() {
    int[] dogSometimesBird = {16, 16, 16, 16, 14};
    for (ByteTrackConfig cfg : new ByteTrackConfig[] {OC, ByteTrackConfig.defaults()}) {
      ByteTracker t = afterHeadTrack(cfg, dogSometimesBird);
      // 17 frames of "bird" (as on the demo): the label stays the inherited "dog"...
      Detections out = whole(t, 17, 14);
      assertEquals(1, out.size(), cfg.toString());
      assertNotEquals(1, out.trackId(0), "a new id: only the class is inherited");
      assertEquals(16, out.classId(0), cfg.toString());
      assertEquals(14, out.detectionClassId(0));
      // ...while a sustained, different class still takes over after a while.
      out = whole(t, 60, 14);
      assertEquals(14, out.classId(0), cfg.toString());
    }
  }

  @Test
  void noInheritanceFromAnObjectTheDetectorNeverConfusedWithTheNewClass() {
    // A car's track was never called "person": a person box inside it keeps its own class.
    ByteTracker t = afterHeadTrack(OC, new int[] {2});
    Detections out = whole(t, 3, 0);
    assertEquals(0, out.classId(0));
    // Per-class tracking never inherits across classes.
    t = afterHeadTrack(OC.withPerClass(true), new int[] {16, 16, 16, 16, 14});
    assertEquals(14, whole(t, 3, 14).classId(0));
  }
}
