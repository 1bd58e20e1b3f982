package dev.tracklight.operators.tracking;

import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * ByteTrack (Zhang et al., ECCV 2022), a faithful port of {@code yolox/tracker/byte_tracker.py}.
 *
 * <p>Per frame: (1) Kalman-predict every confirmed and lost track; (2) associate high-score
 * detections ({@code score > trackThresh}) with them by IoU distance (fused with the detection score
 * unless {@code mot20}), cost limit {@code matchThresh}; (3) associate low-score detections
 * ({@code lowThresh < score < trackThresh}) with the still unmatched <em>tracked</em> tracks, plain
 * IoU, limit {@value #SECOND_MATCH_THRESH}; unmatched ones become lost; (4) associate unconfirmed
 * (one-frame) tracks with the remaining high detections, limit {@value #UNCONFIRMED_MATCH_THRESH};
 * unmatched unconfirmed tracks are removed; (5) start tracks from remaining detections scoring at
 * least {@code newTrackThresh}; (6) drop lost tracks older than {@link ByteTrackConfig#maxTimeLost()}
 * and tracked/lost duplicates. List orders, the one-frame grace of expired lost tracks and all
 * comparisons follow the original so that results match it on real sequences.
 *
 * <p>Deviations from the original, all deliberate: track ids are per tracker instance (1, 2, ...)
 * instead of a process-wide counter, so each camera has its own deterministic ids; an optional
 * per-class mode; the Kalman covariance is stored block-diagonally (see {@link KalmanBoxFilter});
 * the class a track reports is decided over its life ({@link TrackClass}), the frame's own
 * detection class travels alongside ({@link Detections#detectionClassId}). None of these changes
 * which boxes get which ids.
 *
 * <p>{@link TrackerAlgorithm#OC_BYTETRACK} adds to the same stages ({@link ObservationCentric}):
 * cross-class duplicates dropped before association (class-agnostic mode), OC-SORT's re-update
 * whenever a track is matched after a gap, a recovery stage after step 3b for the tracks still
 * unmatched (by their last observed box), and no new track from a part of a matched detection.
 * Under {@link TrackerAlgorithm#BYTETRACK} none of it runs.
 *
 * <p>Not thread-safe: one instance per stream (e.g. per Flink key), fed frames in order. Calling
 * {@link #update} with no detections ages the tracks by one frame; the original MOT evaluation
 * instead skips the call on empty frames, which {@code MotSequenceRunner} reproduces. State can be
 * saved and restored with {@link #snapshot()} / {@link #restore}.
 */
public final class ByteTracker {

  /** Original cost limit of the second (low-score) association. */
  static final double SECOND_MATCH_THRESH = 0.5;
  /** Original cost limit of the unconfirmed-track association. */
  static final double UNCONFIRMED_MATCH_THRESH = 0.7;
  /** Original {@code remove_duplicate_stracks}: tracked/lost pairs closer than this are duplicates. */
  static final double DUPLICATE_IOU_DISTANCE = 0.15;

  private final ByteTrackConfig config;
  private final int maxTimeLost;
  private final float trackThresh;
  private final float lowThresh;
  private final float newTrackThresh;
  private final boolean observationCentric;
  private List<Track> tracked = new ArrayList<>();
  private List<Track> lost = new ArrayList<>();
  private int frameId;
  private int lastId;

  public ByteTracker(ByteTrackConfig config) {
    this.config = config;
    this.maxTimeLost = config.maxTimeLost();
    // Scores arrive as floats; comparing in float space keeps e.g. a score of 0.1 out of "> 0.1"
    // exactly like the original's float64 comparison of the same decimal.
    this.trackThresh = (float) config.trackThresh();
    this.lowThresh = (float) config.lowThresh();
    this.newTrackThresh = (float) config.newTrackThresh();
    this.observationCentric = config.algorithm() == TrackerAlgorithm.OC_BYTETRACK;
  }

  public ByteTrackConfig config() {
    return config;
  }

  /** Frames passed to {@link #update} so far. */
  public int framesSeen() {
    return frameId;
  }

  /** Confirmed tracks currently tracked (what {@link #update} last returned). */
  public int activeCount() {
    int n = 0;
    for (Track t : tracked) {
      if (t.activated) {
        n++;
      }
    }
    return n;
  }

  /** Lost tracks kept for re-identification. */
  public int lostCount() {
    return lost.size();
  }

  /**
   * Advances one frame. Input: boxes {@code x1,y1,x2,y2}, scores and class ids (track ids ignored).
   * Output: the confirmed tracks of this frame, boxes from the Kalman state, the track's class as
   * class id and this frame's detection class as {@link Detections#detectionClassId}, score of the
   * last matched detection, track ids set.
   *
   * @throws InvalidInputException if a box coordinate or score is not finite or a box has no height
   */
  public Detections update(Detections dets) {
    validate(dets);
    if (observationCentric && !config.perClass()) {
      dets = ObservationCentric.mergeCrossClassDuplicates(dets);
    }
    frameId++;
    int n = dets.size();
    int[] high = new int[n];
    int[] low = new int[n];
    int nHigh = 0;
    int nLow = 0;
    for (int i = 0; i < n; i++) {
      float s = dets.score(i);
      if (s > trackThresh) {
        high[nHigh++] = i;
      } else if (s > lowThresh && s < trackThresh) {
        low[nLow++] = i;
      }
    }
    List<Track> activatedNow = new ArrayList<>();
    List<Track> refound = new ArrayList<>();
    List<Track> lostNow = new ArrayList<>();
    List<Track> removedNow = new ArrayList<>();

    List<Track> unconfirmed = new ArrayList<>();
    List<Track> pool = new ArrayList<>(tracked.size() + lost.size());
    for (Track t : tracked) {
      (t.activated ? pool : unconfirmed).add(t);
    }
    pool.addAll(lost);
    for (Track t : pool) {
      if (t.state != Track.TRACKED) {
        t.mean[7] = 0; // the original freezes the height velocity of tracks that are not tracked
      }
      KalmanBoxFilter.predict(t.mean, t.cov);
    }

    // Step 2: high-score detections against tracked + lost.
    LinearAssignment.Result first = LinearAssignment.solve(
        costMatrix(pool, dets, high, nHigh, !config.mot20()), pool.size(), nHigh,
        config.matchThresh());
    for (int r = 0; r < pool.size(); r++) {
      int c = first.rowToCol()[r];
      if (c >= 0) {
        Track t = pool.get(r);
        boolean wasTracked = t.state == Track.TRACKED;
        applyMatch(t, dets, high[c]);
        (wasTracked ? activatedNow : refound).add(t);
      }
    }

    // Step 3: low-score detections against the still unmatched tracked tracks.
    List<Track> remainingTracked = new ArrayList<>();
    for (int r = 0; r < pool.size(); r++) {
      if (first.rowToCol()[r] < 0 && pool.get(r).state == Track.TRACKED) {
        remainingTracked.add(pool.get(r));
      }
    }
    LinearAssignment.Result second = LinearAssignment.solve(
        costMatrix(remainingTracked, dets, low, nLow, false), remainingTracked.size(), nLow,
        SECOND_MATCH_THRESH);
    for (int r = 0; r < remainingTracked.size(); r++) {
      Track t = remainingTracked.get(r);
      int c = second.rowToCol()[r];
      if (c >= 0) {
        applyMatch(t, dets, low[c]);
        activatedNow.add(t);
      } else if (t.state != Track.LOST) {
        t.state = Track.LOST;
        lostNow.add(t);
      }
    }

    // Step 3b: unconfirmed tracks against the high detections left over from step 2.
    int[] rest = new int[nHigh];
    int nRest = 0;
    for (int c = 0; c < nHigh; c++) {
      if (first.colToRow()[c] < 0) {
        rest[nRest++] = high[c];
      }
    }
    LinearAssignment.Result third = LinearAssignment.solve(
        costMatrix(unconfirmed, dets, rest, nRest, !config.mot20()), unconfirmed.size(), nRest,
        UNCONFIRMED_MATCH_THRESH);
    for (int r = 0; r < unconfirmed.size(); r++) {
      Track t = unconfirmed.get(r);
      int c = third.rowToCol()[r];
      if (c >= 0) {
        applyMatch(t, dets, rest[c]);
        activatedNow.add(t);
      } else {
        t.state = Track.REMOVED;
        removedNow.add(t);
      }
    }

    boolean[] recovered = new boolean[nRest];
    if (observationCentric) {
      recover(pool, pool.size() - lost.size(), first, dets, rest, nRest, third, recovered,
          refound);
    }

    // Step 4: new tracks.
    for (int c = 0; c < nRest; c++) {
      if (third.colToRow()[c] >= 0 || recovered[c]) {
        continue;
      }
      int d = rest[c];
      if (dets.score(d) < newTrackThresh) {
        continue;
      }
      if (observationCentric
          && ObservationCentric.isPartOfMatched(dets, d, first, high, second, low)) {
        continue;
      }
      activatedNow.add(startTrack(dets, d));
    }

    // Step 5: expire lost tracks (the list as it was before this frame).
    for (Track t : lost) {
      if (frameId - t.frameId > maxTimeLost) {
        t.state = Track.REMOVED;
        removedNow.add(t);
      }
    }

    List<Track> newTracked = new ArrayList<>(tracked.size() + activatedNow.size());
    for (Track t : tracked) {
      if (t.state == Track.TRACKED) {
        list(newTracked, t);
      }
    }
    for (Track t : activatedNow) {
      if (t.listedAtFrame != frameId) {
        list(newTracked, t);
      }
    }
    for (Track t : refound) {
      if (t.listedAtFrame != frameId) {
        list(newTracked, t);
      }
    }
    List<Track> newLost = new ArrayList<>(lost.size() + lostNow.size());
    for (Track t : lost) {
      if (t.listedAtFrame != frameId && !t.inRemovedHistory) {
        newLost.add(t);
      }
    }
    for (Track t : lostNow) {
      if (!t.inRemovedHistory && t.state == Track.LOST) { // recovery may have re-found it
        newLost.add(t);
      }
    }
    // Only now join the removal history: see Track.inRemovedHistory.
    for (Track t : removedNow) {
      t.inRemovedHistory = true;
    }
    removeDuplicates(newTracked, newLost);
    return output();
  }

  private void list(List<Track> into, Track t) {
    t.listedAtFrame = frameId;
    into.add(t);
  }

  private Track startTrack(Detections dets, int d) {
    Track t = new Track(++lastId);
    double[] z = xyah(dets, d);
    KalmanBoxFilter.initiate(z, t.mean, t.cov);
    if (observationCentric) {
      ObservationCentric.observe(t, z, frameId);
    }
    Track source = config.perClass() ? null : TrackClassSource.find(tracked, lost, dets, d);
    if (source != null) {
      t.trackClass.inherit(source.trackClass, dets.classId(d), dets.score(d));
    } else {
      t.trackClass.start(dets.classId(d), dets.score(d));
    }
    t.classId = dets.classId(d);
    t.score = dets.score(d);
    t.state = Track.TRACKED;
    t.activated = frameId == 1; // the original confirms first-frame tracks at once
    t.frameId = frameId;
    t.startFrame = frameId;
    return t;
  }

  /** Original {@code update} and {@code re_activate} (without a new id) share this effect. */
  private void applyMatch(Track t, Detections dets, int d) {
    double[] z = xyah(dets, d);
    if (observationCentric) {
      ObservationCentric.reUpdate(t, z, frameId);
    }
    KalmanBoxFilter.update(t.mean, t.cov, z);
    if (observationCentric) {
      ObservationCentric.observe(t, z, frameId);
    }
    t.trackClass.add(dets.classId(d), dets.score(d));
    t.state = Track.TRACKED;
    t.activated = true;
    t.frameId = frameId;
    t.score = dets.score(d);
    t.classId = dets.classId(d);
  }

  private static double[] xyah(Detections dets, int d) {
    double x1 = dets.x1(d);
    double y1 = dets.y1(d);
    double w = dets.x2(d) - x1;
    double h = dets.y2(d) - y1;
    return new double[] {x1 + w / 2, y1 + h / 2, w / h, h};
  }

  /** IoU distance (+1 pixel convention), optionally fused with the detection score. */
  private double[] costMatrix(List<Track> tracks, Detections dets, int[] cols, int nCols,
      boolean fuseScore) {
    int rows = tracks.size();
    double[] cost = new double[rows * nCols];
    if (rows == 0 || nCols == 0) {
      return cost;
    }
    double[] tb = boxesOf(tracks);
    float[] db = dets.boxes();
    for (int r = 0; r < rows; r++) {
      int classId = tracks.get(r).classId;
      for (int c = 0; c < nCols; c++) {
        int d = cols[c];
        if (config.perClass() && dets.classId(d) != classId) {
          cost[r * nCols + c] = Double.POSITIVE_INFINITY;
          continue;
        }
        double dist = 1 - PixelIou.iou(tb[4 * r], tb[4 * r + 1], tb[4 * r + 2], tb[4 * r + 3],
            db[4 * d], db[4 * d + 1], db[4 * d + 2], db[4 * d + 3]);
        // Same arithmetic as the original's fuse_score: 1 - (1 - dist) * score.
        cost[r * nCols + c] = fuseScore ? 1 - (1 - dist) * dets.score(d) : dist;
      }
    }
    return cost;
  }

  /**
   * OCR: tracks of the first-stage pool matched neither in step 2 nor 3 against the high detections
   * left after step 3b, by IoU with their last observed box. Matches are applied (re-update
   * included); recovered detections are flagged so they start no new track.
   */
  private void recover(List<Track> pool, int pooledTracked, LinearAssignment.Result first,
      Detections dets, int[] rest, int nRest, LinearAssignment.Result third, boolean[] recovered,
      List<Track> refound) {
    int[] free = new int[nRest];
    int nFree = 0;
    for (int c = 0; c < nRest; c++) {
      if (third.colToRow()[c] < 0) {
        free[nFree++] = c;
      }
    }
    if (nFree == 0) {
      return;
    }
    // Unmatched in step 2 and not re-found in step 3 = LOST now; pool rows before pooledTracked
    // came from the tracked list (lost in this frame), the others from the lost list.
    List<Track> unmatched = new ArrayList<>();
    List<Boolean> fromLostList = new ArrayList<>();
    for (int r = 0; r < pool.size(); r++) {
      Track t = pool.get(r);
      if (first.rowToCol()[r] < 0 && t.state == Track.LOST && t.motion.present) {
        unmatched.add(t);
        fromLostList.add(r >= pooledTracked);
      }
    }
    if (unmatched.isEmpty()) {
      return;
    }
    double limit = 1 - ObservationCentric.RECOVERY_MIN_IOU;
    double[] cost = new double[unmatched.size() * nFree];
    for (int r = 0; r < unmatched.size(); r++) {
      Track t = unmatched.get(r);
      for (int c = 0; c < nFree; c++) {
        int d = rest[free[c]];
        if (config.perClass() && dets.classId(d) != t.classId) {
          cost[r * nFree + c] = Double.POSITIVE_INFINITY;
          continue;
        }
        double iou = ObservationCentric.lastObservationIou(t, dets.x1(d), dets.y1(d), dets.x2(d),
            dets.y2(d));
        cost[r * nFree + c] = 1 - iou;
      }
    }
    LinearAssignment.Result m = LinearAssignment.solve(cost, unmatched.size(), nFree, limit);
    for (int r = 0; r < unmatched.size(); r++) {
      int c = m.rowToCol()[r];
      if (c < 0) {
        continue;
      }
      Track t = unmatched.get(r);
      applyMatch(t, dets, rest[free[c]]);
      recovered[free[c]] = true;
      if (fromLostList.get(r)) {
        refound.add(t); // one lost in step 3 of this frame is still in `tracked`
      }
    }
  }

  /** Kalman boxes {@code x1,y1,x2,y2} of the tracks, computed once per use (hot loops reuse them). */
  private static double[] boxesOf(List<Track> tracks) {
    double[] b = new double[4 * tracks.size()];
    for (int i = 0; i < tracks.size(); i++) {
      Track t = tracks.get(i);
      b[4 * i] = t.x1();
      b[4 * i + 1] = t.y1();
      b[4 * i + 2] = t.x2();
      b[4 * i + 3] = t.y2();
    }
    return b;
  }

  /** Original {@code remove_duplicate_stracks}: of two overlapping tracks keep the older one. */
  private void removeDuplicates(List<Track> a, List<Track> b) {
    boolean[] dropA = new boolean[a.size()];
    boolean[] dropB = new boolean[b.size()];
    boolean any = false;
    double[] ba = boxesOf(a);
    double[] bb = boxesOf(b);
    for (int p = 0; p < a.size(); p++) {
      Track tp = a.get(p);
      for (int q = 0; q < b.size(); q++) {
        Track tq = b.get(q);
        if (config.perClass() && tp.classId != tq.classId) {
          continue;
        }
        double dist = 1 - PixelIou.iou(ba[4 * p], ba[4 * p + 1], ba[4 * p + 2], ba[4 * p + 3],
            bb[4 * q], bb[4 * q + 1], bb[4 * q + 2], bb[4 * q + 3]);
        if (dist < DUPLICATE_IOU_DISTANCE) {
          any = true;
          if (tp.frameId - tp.startFrame > tq.frameId - tq.startFrame) {
            dropB[q] = true;
          } else {
            dropA[p] = true;
          }
        }
      }
    }
    tracked = any ? without(a, dropA) : a;
    lost = any ? without(b, dropB) : b;
  }

  private static List<Track> without(List<Track> list, boolean[] drop) {
    List<Track> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!drop[i]) {
        out.add(list.get(i));
      }
    }
    return out;
  }

  private Detections output() {
    int n = activeCount();
    float[] boxes = new float[4 * n];
    float[] scores = new float[n];
    int[] classes = new int[n];
    int[] detClasses = new int[n];
    int[] ids = new int[n];
    int k = 0;
    for (Track t : tracked) {
      if (!t.activated) {
        continue;
      }
      boxes[4 * k] = (float) t.x1();
      boxes[4 * k + 1] = (float) t.y1();
      boxes[4 * k + 2] = (float) t.x2();
      boxes[4 * k + 3] = (float) t.y2();
      scores[k] = t.score;
      classes[k] = t.trackClass.label;
      detClasses[k] = t.classId;
      ids[k] = t.id;
      k++;
    }
    return Detections.of(boxes, scores, classes, ids, detClasses);
  }

  private static void validate(Detections dets) {
    float[] b = dets.boxes();
    for (int i = 0; i < dets.size(); i++) {
      boolean finite = Float.isFinite(dets.score(i));
      for (int j = 0; j < 4; j++) {
        finite &= Float.isFinite(b[4 * i + j]);
      }
      // A zero-height box would make the Kalman aspect ratio infinite and poison the track.
      if (!finite || !(dets.y2(i) > dets.y1(i)) || !(dets.x2(i) >= dets.x1(i))) {
        throw new InvalidInputException("detection " + i + " has an invalid box or score ("
            + dets.x1(i) + ", " + dets.y1(i) + ", " + dets.x2(i) + ", " + dets.y2(i) + ", score "
            + dets.score(i) + "): expected finite x1 <= x2, y1 < y2 and a finite score");
      }
    }
  }

  /** State as compact bytes (see {@link ByteTrackerState}); the config is not included. */
  public byte[] snapshot() {
    return ByteTrackerState.encode(frameId, lastId, tracked, lost, observationCentric);
  }

  /**
   * A tracker continuing from {@code state} (from {@link #snapshot()}) under {@code config}.
   *
   * @throws InvalidInputException if the bytes are not a supported tracker state
   */
  public static ByteTracker restore(ByteTrackConfig config, byte[] state) {
    ByteTracker t = new ByteTracker(config);
    ByteTrackerState.Decoded d = ByteTrackerState.decode(state);
    t.frameId = d.frameId();
    t.lastId = d.lastId();
    t.tracked = d.tracked();
    t.lost = d.lost();
    return t;
  }
}
