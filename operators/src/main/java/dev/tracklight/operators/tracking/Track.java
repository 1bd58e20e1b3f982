package dev.tracklight.operators.tracking;

/**
 * One tracklet of a {@link ByteTracker} (the original's {@code STrack}). Mutable and owned by exactly
 * one tracker; never shared across threads. Its box is the Kalman mean, not the last detection.
 */
final class Track {

  /** Original {@code TrackState.Tracked}. */
  static final byte TRACKED = 1;
  /** Original {@code TrackState.Lost}. */
  static final byte LOST = 2;
  /** Original {@code TrackState.Removed}. */
  static final byte REMOVED = 3;

  final int id;
  int classId;
  float score;
  byte state;
  /** Original {@code is_activated}: confirmed (output) once matched a second time or born in frame 1. */
  boolean activated;
  /**
   * The track id is in the original's {@code removed_stracks} history. The original only subtracts
   * that history from the lost list one frame after a removal, so an expired track stays matchable
   * for one more frame; if it is re-found then, it keeps living but is dropped the moment it is lost
   * again. A flag per track reproduces that without keeping an unbounded id list.
   */
  boolean inRemovedHistory;
  /** Last frame this track was matched (original {@code frame_id}, also {@code end_frame}). */
  int frameId;
  /** Frame it was started (original {@code start_frame}). */
  int startFrame;
  final double[] mean = new double[KalmanBoxFilter.MEAN_SIZE];
  final double[] cov = new double[KalmanBoxFilter.COV_SIZE];
  /** Scratch: frame number at which this track was put into the new tracked list. */
  int listedAtFrame = -1;
  /** The track's class decided over its life ({@code classId} is the last detection's class). */
  final TrackClass trackClass = new TrackClass();
  /** Recent real observations; maintained only by the {@code oc-bytetrack} algorithm. */
  final ObservedMotion motion = new ObservedMotion();

  Track(int id) {
    this.id = id;
  }

  // Box from the Kalman mean exactly like the original's tlwh/tlbr properties.
  double width() {
    return mean[2] * mean[3];
  }

  double x1() {
    return mean[0] - width() / 2;
  }

  double y1() {
    return mean[1] - mean[3] / 2;
  }

  double x2() {
    return width() + x1();
  }

  double y2() {
    return mean[3] + y1();
  }
}
