package dev.tracklight.operators.tracking;

import dev.tracklight.inference.Detections;

/**
 * The observation-centric parts of OC-SORT (Cao et al., CVPR 2023) that the {@code oc-bytetrack}
 * algorithm adds to ByteTrack's association, plus two rules for objects a detector boxes twice.
 *
 * <ul>
 *   <li><b>Re-update (ORU)</b>: a track matched again after a gap of {@code g > 1} frames has been
 *       coasting on its Kalman prediction, which drifts and inflates the covariance. Instead, its
 *       filter is rolled back to the state right after its last real observation and re-run along a
 *       virtual trajectory interpolated linearly from that observation to the new one, one predict
 *       and update per missed frame, so its velocity afterwards reflects the actual motion.
 *   <li><b>Recovery (OCR)</b>: tracks still unmatched after ByteTrack's stages are matched against
 *       the remaining high-score detections by IoU with their <em>last observed</em> box instead of
 *       the drifted prediction, which re-finds objects that stopped or were briefly hidden; with a
 *       lost-track buffer in seconds this is what keeps one id through a dive or an occlusion.
 *   <li><b>Cross-class duplicates</b> (class-agnostic tracking only): class-aware NMS keeps a
 *       "dog" and a "bird" box on the same swimming dog; the weaker is dropped before association.
 *   <li><b>Parts</b>: a detection that is part or whole of one matched in the same frame (a dog's
 *       head box inside its body box) starts no new track.
 * </ul>
 *
 * OC-SORT's momentum term (direction consistency in the association cost) was implemented and
 * measured on the six MOT sequences: with these detections (5 % box jitter) the 3-frame
 * directions are noise, and it lowered mean IDF1 by 1.4 points, so it is not part of the
 * algorithm (docs/tracking.md). Stateless; operates on tracks owned by one tracker.
 */
final class ObservationCentric {

  /**
   * IoU a recovery (OCR) match needs between a track's last observed box and a detection: higher
   * than OC-SORT's 0.3 because here recovery also reaches tracks lost for up to the whole buffer.
   */
  static final double RECOVERY_MIN_IOU = 0.5;

  /**
   * Class-agnostic tracking only: two detections of different classes overlapping at least this
   * much are one object seen as two classes (class-aware NMS keeps both, e.g. "dog" and "bird" on
   * the same swimming dog); the weaker is dropped before association instead of starting a
   * second track on the same object.
   */
  static final double CROSS_CLASS_DUPLICATE_IOU = 0.7;
  /**
   * Part and whole ({@link #partRelated}): the smaller box lies at least this much (intersection
   * over its own area) inside the larger. A detection that is part or whole of a detection matched
   * to a track in the same frame starts no new track (it is the same object, boxed twice); a lost
   * track whose last box is part or whole of a detection may be recovered by it.
   */
  static final double PART_CONTAINMENT = 0.85;
  /** Edges closer than this fraction of the larger box's width (height) count as shared. */
  static final double PART_EDGE_TOLERANCE = 0.1;

  private ObservationCentric() {}

  /**
   * Drops the weaker of any two detections of different classes with plain IoU of at least
   * {@link #CROSS_CLASS_DUPLICATE_IOU}; returns {@code dets} itself when nothing is dropped.
   */
  static Detections mergeCrossClassDuplicates(
      Detections dets) {
    int n = dets.size();
    boolean[] drop = null;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (dets.classId(i) == dets.classId(j)) {
          continue;
        }
        if (iou(dets, i, j) >= CROSS_CLASS_DUPLICATE_IOU) {
          if (drop == null) {
            drop = new boolean[n];
          }
          // Ties keep the earlier one, so the result does not depend on anything but the input.
          drop[dets.score(j) > dets.score(i) ? i : j] = true;
        }
      }
    }
    if (drop == null) {
      return dets;
    }
    boolean[] d = drop;
    return dets.filter(i -> !d[i]);
  }

  /**
   * Whether one of two boxes is a part of the other (a dog's head and the whole dog): the smaller
   * lies at least {@link #PART_CONTAINMENT} inside the larger and shares at least two of its edges
   * (within {@link #PART_EDGE_TOLERANCE} of the larger box's size). Two different objects, one
   * behind the other, rarely line up on two edges; a part of an object usually does.
   */
  static boolean partRelated(double ax1, double ay1, double ax2, double ay2, double bx1, double by1,
      double bx2, double by2) {
    double areaA = (ax2 - ax1) * (ay2 - ay1);
    double areaB = (bx2 - bx1) * (by2 - by1);
    if (areaA <= 0 || areaB <= 0) {
      return false;
    }
    boolean aSmaller = areaA <= areaB;
    double iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
    double ih = Math.min(ay2, by2) - Math.max(ay1, by1);
    if (iw <= 0 || ih <= 0 || iw * ih / Math.min(areaA, areaB) < PART_CONTAINMENT) {
      return false;
    }
    double tw = PART_EDGE_TOLERANCE * (aSmaller ? bx2 - bx1 : ax2 - ax1);
    double th = PART_EDGE_TOLERANCE * (aSmaller ? by2 - by1 : ay2 - ay1);
    int shared = (Math.abs(ax1 - bx1) <= tw ? 1 : 0) + (Math.abs(ax2 - bx2) <= tw ? 1 : 0)
        + (Math.abs(ay1 - by1) <= th ? 1 : 0) + (Math.abs(ay2 - by2) <= th ? 1 : 0);
    return shared >= 2;
  }

  static boolean partRelated(Detections d, int i, int j) {
    return partRelated(d.x1(i), d.y1(i), d.x2(i), d.y2(i), d.x1(j), d.y1(j), d.x2(j), d.y2(j));
  }

  /** Whether detection {@code d} is part or whole of a detection matched in step 2 or 3. */
  static boolean isPartOfMatched(Detections dets, int d,
      LinearAssignment.Result first,
      int[] high, LinearAssignment.Result second, int[] low) {
    for (int c = 0; c < first.colToRow().length; c++) {
      if (first.colToRow()[c] >= 0 && high[c] != d && partRelated(dets, d, high[c])) {
        return true;
      }
    }
    for (int c = 0; c < second.colToRow().length; c++) {
      if (second.colToRow()[c] >= 0 && partRelated(dets, d, low[c])) {
        return true;
      }
    }
    return false;
  }

  private static double iou(Detections d, int i, int j) {
    double iw = Math.min(d.x2(i), d.x2(j)) - Math.max(d.x1(i), d.x1(j));
    double ih = Math.min(d.y2(i), d.y2(j)) - Math.max(d.y1(i), d.y1(j));
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    double inter = iw * ih;
    double ai = (d.x2(i) - (double) d.x1(i)) * (d.y2(i) - d.y1(i));
    double aj = (d.x2(j) - (double) d.x1(j)) * (d.y2(j) - d.y1(j));
    return inter / (ai + aj - inter);
  }

  /** Records a real observation at {@code frame} (after the Kalman update has been applied). */
  static void observe(Track t, double[] xyah, int frame) {
    ObservedMotion m = t.motion;
    m.present = true;
    m.frame = frame;
    System.arraycopy(xyah, 0, m.box, 0, 4);
    System.arraycopy(t.mean, 0, m.obsMean, 0, KalmanBoxFilter.MEAN_SIZE);
    System.arraycopy(t.cov, 0, m.obsCov, 0, KalmanBoxFilter.COV_SIZE);
  }

  /**
   * ORU: before the update with {@code xyah} at {@code frame}, replays the gap since the last
   * observation with interpolated virtual observations. Leaves the filter predicted to
   * {@code frame}, ready for the real update. No-op without a gap or without an observation.
   */
  static void reUpdate(Track t, double[] xyah, int frame) {
    ObservedMotion m = t.motion;
    int gap = frame - m.frame;
    if (!m.present || gap <= 1) {
      return;
    }
    double[] last = m.box;
    System.arraycopy(m.obsMean, 0, t.mean, 0, KalmanBoxFilter.MEAN_SIZE);
    System.arraycopy(m.obsCov, 0, t.cov, 0, KalmanBoxFilter.COV_SIZE);
    // Interpolate x, y, width and height (OC-SORT interpolates the box, not the aspect ratio).
    double w0 = last[2] * last[3];
    double w1 = xyah[2] * xyah[3];
    double[] virtual = new double[4];
    for (int k = 1; k < gap; k++) {
      double f = (double) k / gap;
      double w = w0 + (w1 - w0) * f;
      double h = last[3] + (xyah[3] - last[3]) * f;
      virtual[0] = last[0] + (xyah[0] - last[0]) * f;
      virtual[1] = last[1] + (xyah[1] - last[1]) * f;
      virtual[2] = w / h;
      virtual[3] = h;
      KalmanBoxFilter.predict(t.mean, t.cov);
      KalmanBoxFilter.update(t.mean, t.cov, virtual);
    }
    KalmanBoxFilter.predict(t.mean, t.cov);
  }

  /** IoU (+1 pixel convention) of {@code t}'s last observed box with a detection box. */
  static double lastObservationIou(Track t, float x1, float y1, float x2, float y2) {
    double[] o = t.motion.box;
    double w = o[2] * o[3];
    double ox1 = o[0] - w / 2;
    double oy1 = o[1] - o[3] / 2;
    return PixelIou.iou(ox1, oy1, ox1 + w, oy1 + o[3], x1, y1, x2, y2);
  }
}
