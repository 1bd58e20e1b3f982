package dev.tracklight.operators.tracking;

import dev.tracklight.inference.Detections;
import java.util.List;

/**
 * Finds the track a new track grew out of, whose class evidence it starts from
 * ({@link TrackClass#inherit}).
 *
 * <p>Why: with class-agnostic tracking one object sometimes gets a second track when the detector
 * boxes it differently, e.g. the demo's swimming dog, tracked by its head, reappears as a box of its
 * whole body and wake. The detector's class confusion on that object ("bird" for a dog in the water)
 * is the same for the new box, but the new track would otherwise start from nothing and take the
 * label of its first few detections. A new track inherits when (1) an existing track (tracked and
 * confirmed, or lost within its buffer) lies part-in-whole with the new detection: the smaller of
 * the two boxes at least {@link #CONTAINMENT} inside the larger; and (2) the new detection's class
 * is that track's label or one the detector already gave it ({@link TrackClass#confusableWith}).
 * Among several, the most contained wins. Only the label is inherited, never the id or the motion:
 * association, and so every MOT metric, is unchanged.
 *
 * <p>Stateless.
 */
final class TrackClassSource {

  /** Share of the smaller box inside the larger that makes two boxes one object's part and whole. */
  static final double CONTAINMENT = 0.85;

  private TrackClassSource() {}

  /** The track whose class evidence a new track for detection {@code d} starts from, or null. */
  static Track find(List<Track> tracked, List<Track> lost, Detections dets, int d) {
    Track best = null;
    double bestShare = CONTAINMENT;
    for (List<Track> list : List.of(tracked, lost)) {
      for (Track t : list) {
        if (!t.activated || t.state == Track.REMOVED) {
          continue;
        }
        double share = containment(t, dets, d);
        if (share >= bestShare && t.trackClass.confusableWith(dets.classId(d))) {
          best = t;
          bestShare = share;
        }
      }
    }
    return best;
  }

  /** Intersection over the smaller area of the track's Kalman box and detection {@code d}. */
  static double containment(Track t, Detections dets, int d) {
    double iw = Math.min(t.x2(), dets.x2(d)) - Math.max(t.x1(), dets.x1(d));
    double ih = Math.min(t.y2(), dets.y2(d)) - Math.max(t.y1(), dets.y1(d));
    double areaT = t.width() * t.mean[3];
    double areaD = (dets.x2(d) - (double) dets.x1(d)) * (dets.y2(d) - dets.y1(d));
    if (iw <= 0 || ih <= 0 || areaT <= 0 || areaD <= 0) {
      return 0;
    }
    return iw * ih / Math.min(areaT, areaD);
  }
}
