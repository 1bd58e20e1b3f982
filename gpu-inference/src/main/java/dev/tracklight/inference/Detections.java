package dev.tracklight.inference;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The one detection type that flows through every stage (detector → tracker → highlights →
 * annotation → sinks): columnar primitive arrays, in the spirit of supervision's {@code Detections}.
 *
 * <ul>
 *   <li>{@code boxes}: {@code 4 * size()} floats, {@code x1, y1, x2, y2} per detection, in source
 *       image pixels (not model input pixels);
 *   <li>{@code scores}: confidence in {@code [0, 1]};
 *   <li>{@code classIds}: model class index (see {@link ClassNames});
 *   <li>{@code trackIds}: {@link #NO_TRACK} until a tracker assigns ids;
 *   <li>{@code detectionClassIds} (optional): for tracks, the class of this frame's own detection,
 *       while {@code classIds} holds the track's class decided over its life. Absent (null) when
 *       both are the same, e.g. for raw detections; {@link #detectionClassId} then reads
 *       {@code classIds}.
 * </ul>
 *
 * <p>Immutable by contract: accessors return the backing arrays without copying (these objects are
 * created per frame on the hot path), so callers must not modify what they get. Every transforming
 * method returns a new instance.
 */
public final class Detections {

  /** Track id of a detection that no tracker has claimed. */
  public static final int NO_TRACK = -1;

  private static final Detections EMPTY =
      new Detections(new float[0], new float[0], new int[0], new int[0], null);

  private final float[] boxes;
  private final float[] scores;
  private final int[] classIds;
  private final int[] trackIds;
  /** Null when every detection class equals its class id. */
  private final int[] detectionClassIds;

  private Detections(float[] boxes, float[] scores, int[] classIds, int[] trackIds,
      int[] detectionClassIds) {
    this.boxes = boxes;
    this.scores = scores;
    this.classIds = classIds;
    this.trackIds = trackIds;
    this.detectionClassIds = detectionClassIds;
  }

  /** No detections. */
  public static Detections empty() {
    return EMPTY;
  }

  /** Untracked detections; the arrays are taken over, not copied. */
  public static Detections of(float[] boxes, float[] scores, int[] classIds) {
    int[] tracks = new int[scores.length];
    Arrays.fill(tracks, NO_TRACK);
    return of(boxes, scores, classIds, tracks);
  }

  /** Detections with track ids; the arrays are taken over, not copied. */
  public static Detections of(float[] boxes, float[] scores, int[] classIds, int[] trackIds) {
    return of(boxes, scores, classIds, trackIds, null);
  }

  /**
   * Tracks whose class ({@code classIds}, decided over the track's life) may differ from this
   * frame's detection class ({@code detectionClassIds}, null = the same); arrays taken over.
   */
  public static Detections of(float[] boxes, float[] scores, int[] classIds, int[] trackIds,
      int[] detectionClassIds) {
    int n = scores.length;
    if (boxes.length != 4 * n || classIds.length != n || trackIds.length != n
        || (detectionClassIds != null && detectionClassIds.length != n)) {
      throw new IllegalArgumentException("column lengths disagree: boxes " + boxes.length
          + " (expected " + 4 * n + "), scores " + n + ", classIds " + classIds.length
          + ", trackIds " + trackIds.length + ", detectionClassIds "
          + (detectionClassIds == null ? "none" : detectionClassIds.length));
    }
    if (n == 0) {
      return EMPTY;
    }
    return new Detections(boxes, scores, classIds, trackIds,
        detectionClassIds == null || Arrays.equals(detectionClassIds, classIds) ? null
            : detectionClassIds);
  }

  public int size() {
    return scores.length;
  }

  public boolean isEmpty() {
    return scores.length == 0;
  }

  public float x1(int i) {
    return boxes[4 * i];
  }

  public float y1(int i) {
    return boxes[4 * i + 1];
  }

  public float x2(int i) {
    return boxes[4 * i + 2];
  }

  public float y2(int i) {
    return boxes[4 * i + 3];
  }

  public float score(int i) {
    return scores[i];
  }

  public int classId(int i) {
    return classIds[i];
  }

  public int trackId(int i) {
    return trackIds[i];
  }

  /**
   * The class of this frame's own detection: differs from {@link #classId} only for tracks whose
   * class (decided over their life) is not what the detector said in this frame.
   */
  public int detectionClassId(int i) {
    return detectionClassIds != null ? detectionClassIds[i] : classIds[i];
  }

  /** Whether some detection class differs from its class id (else the column is not stored). */
  public boolean hasDetectionClasses() {
    return detectionClassIds != null;
  }

  /** Backing array, {@code x1, y1, x2, y2} per detection. Do not modify. */
  public float[] boxes() {
    return boxes;
  }

  /** Backing array. Do not modify. */
  public float[] scores() {
    return scores;
  }

  /** Backing array. Do not modify. */
  public int[] classIds() {
    return classIds;
  }

  /** Backing array. Do not modify. */
  public int[] trackIds() {
    return trackIds;
  }

  /** The same detections with the given track ids (taken over, not copied). */
  public Detections withTrackIds(int[] ids) {
    return of(boxes, scores, classIds, ids, detectionClassIds);
  }

  /** The detections at {@code indices}, in that order. */
  public Detections select(int[] indices) {
    int n = indices.length;
    float[] b = new float[4 * n];
    float[] s = new float[n];
    int[] c = new int[n];
    int[] t = new int[n];
    int[] dc = detectionClassIds == null ? null : new int[n];
    for (int k = 0; k < n; k++) {
      int i = indices[k];
      System.arraycopy(boxes, 4 * i, b, 4 * k, 4);
      s[k] = scores[i];
      c[k] = classIds[i];
      t[k] = trackIds[i];
      if (dc != null) {
        dc[k] = detectionClassIds[i];
      }
    }
    return of(b, s, c, t, dc);
  }

  /** The detections whose index satisfies {@code keep}, in order. */
  public Detections filter(IntPredicate keep) {
    int[] idx = new int[size()];
    int n = 0;
    for (int i = 0; i < size(); i++) {
      if (keep.test(i)) {
        idx[n++] = i;
      }
    }
    return n == size() ? this : select(Arrays.copyOf(idx, n));
  }

  /**
   * The detections with every box clipped to a {@code width x height} image ({@code 0..width},
   * {@code 0..height}: pixel edges), for outputs. Detectors and Kalman predictions give boxes that
   * run past the frame (a person half out of view); trackers keep those unclipped, since their
   * motion model needs the whole box, but what users see stays inside the image. Returns this
   * instance when every box is already inside; a box wholly outside collapses onto the edge.
   */
  public Detections clippedTo(int width, int height) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("invalid image size " + width + "x" + height);
    }
    float[] out = null;
    for (int k = 0; k < boxes.length; k++) {
      float max = (k & 1) == 0 ? width : height;
      float v = boxes[k];
      // NaN fails both comparisons and stays NaN: no output pretends to know where it is.
      if (v < 0 || v > max) {
        if (out == null) {
          out = boxes.clone();
        }
        out[k] = v < 0 ? 0 : max;
      }
    }
    return out == null ? this : of(out, scores, classIds, trackIds);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Detections d && Arrays.equals(boxes, d.boxes) && Arrays.equals(scores, d.scores)
        && Arrays.equals(classIds, d.classIds) && Arrays.equals(trackIds, d.trackIds)
        && Arrays.equals(detectionClassIds, d.detectionClassIds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(scores) * 31 + Arrays.hashCode(boxes);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Detections[");
    for (int i = 0; i < size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(String.format(java.util.Locale.ROOT, "{c=%d s=%.3f [%.1f,%.1f,%.1f,%.1f]%s%s}",
          classIds[i], scores[i], x1(i), y1(i), x2(i), y2(i),
          trackIds[i] == NO_TRACK ? "" : " id=" + trackIds[i],
          detectionClassId(i) == classIds[i] ? "" : " det_c=" + detectionClassId(i)));
    }
    return sb.append(']').toString();
  }
}
