package dev.tracklight.operators.mot;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.tracking.LinearAssignment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * CLEAR-MOT and identity metrics computed exactly as TrackEval's {@code MotChallenge2DBox} dataset
 * with its {@code CLEAR} and {@code Identity} metrics (IoU threshold 0.5).
 *
 * <p>Preprocessing per frame ({@code get_preprocessed_seq_data}): for MOT17, tracker boxes are
 * matched (Hungarian, IoU >= 0.5) against <em>all</em> GT boxes and those matched to a distractor
 * class (person on vehicle, static person, distractor, reflection) are removed; then only GT boxes
 * of class pedestrian with the consider flag are kept. MOT15 has no classes: only the consider flag
 * filters GT. CLEAR: per frame a Hungarian match that prefers continuing the previous frame's pairs
 * (bonus 1000); IDSW counts a GT matched to a different tracker id than its last match. Identity:
 * a global minimum-cost matching of GT ids to tracker ids over the whole sequence.
 *
 * <p>Quirks kept on purpose: frames with no GT or no tracker boxes skip the CLEAR bookkeeping of
 * "tracked in the previous frame" (so they neither break a fragment nor reset continuation).
 * Stateless; ties between equally good matchings may be broken differently from scipy.
 */
public final class MotEvaluator {

  /** TrackEval's IoU threshold for a match. */
  static final double IOU_THRESHOLD = 0.5;
  /** numpy {@code np.finfo('float').eps}, used by TrackEval around its thresholds. */
  static final double EPS = Math.ulp(1.0);
  /** CLEAR's bonus for continuing a match of the previous frame (TrackEval: 1000). */
  private static final double CONTINUATION_BONUS = 1000;
  /** MOT17 class ids (TrackEval {@code class_name_to_class_id}): 1 pedestrian ... 13 crowd. */
  private static final int PEDESTRIAN = 1;
  private static final int MAX_CLASS = 13;
  /** person_on_vehicle, static_person, distractor, reflection. */
  private static final int[] DISTRACTOR_CLASSES = {2, 7, 8, 12};
  /** TrackEval's MT / PT ratios. */
  private static final double MOSTLY_TRACKED = 0.8;
  private static final double PARTLY_TRACKED = 0.2;

  private MotEvaluator() {}

  /** Preprocessed frame: contiguous GT and tracker id indices and their IoU matrix. */
  record Frame(int[] gt, int[] tr, double[] iou) {}

  /**
   * A preprocessed sequence: frames 1..n at {@code frames[1..n]} ({@code frames[0]} unused), with
   * the counts of distinct GT and tracker ids and of their boxes.
   */
  record Sequence(Frame[] frames, int numGtIds, int numTrIds, long gtDets, long trDets) {}

  /** TrackEval's {@code get_preprocessed_seq_data} over a whole sequence. */
  static Sequence preprocess(MotBoxTable gt, MotBoxTable results) {
    if (gt.benchmark() == null) {
      throw new IllegalArgumentException(gt.source() + " was read as results, not ground truth");
    }
    int frames = Math.max(gt.lastFrame(), results.lastFrame());
    Map<Integer, Integer> gtIds = new HashMap<>();
    Map<Integer, Integer> trIds = new HashMap<>();
    Frame[] data = new Frame[frames + 1];
    long gtDets = 0;
    long trDets = 0;
    for (int f = 1; f <= frames; f++) {
      data[f] = preprocess(gt, results, f, gtIds, trIds);
      gtDets += data[f].gt.length;
      trDets += data[f].tr.length;
    }
    return new Sequence(data, gtIds.size(), trIds.size(), gtDets, trDets);
  }

  /** Metrics of one sequence. */
  public static MotMetrics evaluate(MotBoxTable gt, MotBoxTable results) {
    Sequence s = preprocess(gt, results);
    Frame[] data = s.frames();
    long gtDets = s.gtDets();
    long trDets = s.trDets();
    if (trDets == 0) {
      return new MotMetrics(0, gtDets, 0, 0, 0, 0, s.numGtIds(), 0, 0, 0, gtDets, 0);
    }
    if (gtDets == 0) {
      return new MotMetrics(0, 0, trDets, 0, 0, 0, 0, 0, 0, 0, 0, trDets);
    }
    MotMetrics clear = clear(data, s.numGtIds(), s.numTrIds());
    long[] identity = identity(data, s.numGtIds(), s.numTrIds());
    return new MotMetrics(clear.tp(), clear.fn(), clear.fp(), clear.idsw(), clear.mt(), clear.pt(),
        clear.ml(), clear.frag(), clear.motpSum(), identity[0], identity[1], identity[2]);
  }

  private static Frame preprocess(MotBoxTable gtTable, MotBoxTable resTable, int f,
      Map<Integer, Integer> gtIds, Map<Integer, Integer> trIds) {
    MotFrameBoxes gt = gtTable.frame(f);
    MotFrameBoxes tr = resTable.frame(f);
    int g = gt.size();
    int t = tr.size();
    double[] iou = ious(gt.xywh(), g, tr.xywh(), t);
    boolean[] removeTr = new boolean[t];
    boolean mot17 = gtTable.benchmark() == MotBenchmark.MOT17;
    if (mot17 && g > 0 && t > 0) {
      for (int i = 0; i < g; i++) {
        int c = gt.classes()[i];
        if (c < 1 || c > MAX_CLASS) {
          throw new InvalidInputException(gtTable.source() + ": frame " + f + " has GT class " + c
              + ", expected a MOT17 class 1.." + MAX_CLASS);
        }
      }
      double[] cost = new double[g * t];
      for (int k = 0; k < cost.length; k++) {
        cost[k] = iou[k] < IOU_THRESHOLD - EPS ? Double.POSITIVE_INFINITY : -iou[k];
      }
      LinearAssignment.Result m = LinearAssignment.solve(cost, g, t, 0);
      for (int i = 0; i < g; i++) {
        int j = m.rowToCol()[i];
        if (j >= 0 && iou[i * t + j] > EPS && isDistractor(gt.classes()[i])) {
          removeTr[j] = true;
        }
      }
    }
    int[] keepGt = new int[g];
    int ng = 0;
    for (int i = 0; i < g; i++) {
      if (gt.consider()[i] && (!mot17 || gt.classes()[i] == PEDESTRIAN)) {
        keepGt[ng++] = i;
      }
    }
    int[] keepTr = new int[t];
    int nt = 0;
    for (int j = 0; j < t; j++) {
      if (!removeTr[j]) {
        keepTr[nt++] = j;
      }
    }
    int[] gtIdx = new int[ng];
    int[] trIdx = new int[nt];
    double[] sim = new double[ng * nt];
    for (int a = 0; a < ng; a++) {
      gtIdx[a] = gtIds.computeIfAbsent(gt.ids()[keepGt[a]], k -> gtIds.size());
      for (int b = 0; b < nt; b++) {
        sim[a * nt + b] = iou[keepGt[a] * t + keepTr[b]];
      }
    }
    for (int b = 0; b < nt; b++) {
      trIdx[b] = trIds.computeIfAbsent(tr.ids()[keepTr[b]], k -> trIds.size());
    }
    return new Frame(gtIdx, trIdx, sim);
  }

  private static boolean isDistractor(int cls) {
    for (int d : DISTRACTOR_CLASSES) {
      if (d == cls) {
        return true;
      }
    }
    return false;
  }

  /** TrackEval {@code _calculate_box_ious} for xywh boxes, including its epsilon guards. */
  static double[] ious(double[] a, int na, double[] b, int nb) {
    double[] out = new double[na * nb];
    for (int i = 0; i < na; i++) {
      double ax1 = a[4 * i];
      double ay1 = a[4 * i + 1];
      double ax2 = ax1 + a[4 * i + 2];
      double ay2 = ay1 + a[4 * i + 3];
      double areaA = (ax2 - ax1) * (ay2 - ay1);
      for (int j = 0; j < nb; j++) {
        double bx1 = b[4 * j];
        double by1 = b[4 * j + 1];
        double bx2 = bx1 + b[4 * j + 2];
        double by2 = by1 + b[4 * j + 3];
        double areaB = (bx2 - bx1) * (by2 - by1);
        double inter = Math.max(Math.min(ax2, bx2) - Math.max(ax1, bx1), 0)
            * Math.max(Math.min(ay2, by2) - Math.max(ay1, by1), 0);
        double union = areaA + areaB - inter;
        if (areaA <= EPS || areaB <= EPS || union <= EPS) {
          inter = 0;
        }
        out[i * nb + j] = inter / (union <= EPS ? 1 : union);
      }
    }
    return out;
  }

  /** TrackEval {@code CLEAR.eval_sequence}; identity fields left zero. */
  private static MotMetrics clear(Frame[] data, int numGtIds, int numTrIds) {
    long tp = 0;
    long fn = 0;
    long fp = 0;
    long idsw = 0;
    double motpSum = 0;
    int[] gtCount = new int[numGtIds];
    int[] gtMatched = new int[numGtIds];
    int[] gtFrag = new int[numGtIds];
    int[] prevTracker = new int[numGtIds]; // last tracker id ever matched, -1 none
    int[] prevTimestepTracker = new int[numGtIds]; // tracker id matched in the last scored frame
    Arrays.fill(prevTracker, -1);
    Arrays.fill(prevTimestepTracker, -1);
    for (int f = 1; f < data.length; f++) {
      Frame fr = data[f];
      int g = fr.gt.length;
      int t = fr.tr.length;
      if (g == 0) {
        fp += t;
        continue;
      }
      if (t == 0) {
        fn += g;
        for (int id : fr.gt) {
          gtCount[id]++;
        }
        continue;
      }
      double[] cost = new double[g * t];
      for (int i = 0; i < g; i++) {
        for (int j = 0; j < t; j++) {
          double s = fr.iou[i * t + j];
          boolean continues = prevTimestepTracker[fr.gt[i]] == fr.tr[j];
          cost[i * t + j] = s < IOU_THRESHOLD - EPS ? Double.POSITIVE_INFINITY
              : -((continues ? CONTINUATION_BONUS : 0) + s);
        }
      }
      LinearAssignment.Result m = LinearAssignment.solve(cost, g, t, 0);
      boolean[] notPreviouslyTracked = new boolean[numGtIds];
      for (int id = 0; id < numGtIds; id++) {
        notPreviouslyTracked[id] = prevTimestepTracker[id] < 0;
      }
      Arrays.fill(prevTimestepTracker, -1);
      int matches = 0;
      for (int i = 0; i < g; i++) {
        int j = m.rowToCol()[i];
        int gid = fr.gt[i];
        gtCount[gid]++;
        if (j < 0) {
          continue;
        }
        int tid = fr.tr[j];
        if (prevTracker[gid] >= 0 && prevTracker[gid] != tid) {
          idsw++;
        }
        gtMatched[gid]++;
        prevTracker[gid] = tid;
        prevTimestepTracker[gid] = tid;
        if (notPreviouslyTracked[gid]) {
          gtFrag[gid]++;
        }
        motpSum += fr.iou[i * t + j];
        matches++;
      }
      tp += matches;
      fn += g - matches;
      fp += t - matches;
    }
    long mt = 0;
    long pt = 0;
    long frag = 0;
    for (int id = 0; id < numGtIds; id++) {
      if (gtCount[id] > 0) {
        double ratio = (double) gtMatched[id] / gtCount[id];
        if (ratio > MOSTLY_TRACKED) {
          mt++;
        } else if (ratio >= PARTLY_TRACKED) {
          pt++;
        }
      }
      if (gtFrag[id] > 0) {
        frag += gtFrag[id] - 1;
      }
    }
    return new MotMetrics(tp, fn, fp, idsw, mt, pt, numGtIds - mt - pt, frag, motpSum, 0, 0, 0);
  }

  /** TrackEval {@code Identity.eval_sequence}: {IDTP, IDFN, IDFP}. */
  private static long[] identity(Frame[] data, int numGtIds, int numTrIds) {
    int[] potential = new int[numGtIds * numTrIds];
    long[] gtCount = new long[numGtIds];
    long[] trCount = new long[numTrIds];
    for (int f = 1; f < data.length; f++) {
      Frame fr = data[f];
      int t = fr.tr.length;
      for (int i = 0; i < fr.gt.length; i++) {
        for (int j = 0; j < t; j++) {
          if (fr.iou[i * t + j] >= IOU_THRESHOLD) {
            potential[fr.gt[i] * numTrIds + fr.tr[j]]++;
          }
        }
      }
      for (int id : fr.gt) {
        gtCount[id]++;
      }
      for (int id : fr.tr) {
        trCount[id]++;
      }
    }
    // Minimising TrackEval's fn + fp cost over the augmented matrix equals maximising the summed
    // potential matches of the paired ids: pair (g, t) costs gtCount + trCount - 2 * potential,
    // leaving either unpaired costs its count. So solve max-weight matching on the positive entries.
    double[] cost = new double[potential.length];
    for (int k = 0; k < cost.length; k++) {
      cost[k] = potential[k] > 0 ? -potential[k] : Double.POSITIVE_INFINITY;
    }
    LinearAssignment.Result m = LinearAssignment.solve(cost, numGtIds, numTrIds, 0);
    long idtp = 0;
    for (int g = 0; g < numGtIds; g++) {
      int t = m.rowToCol()[g];
      if (t >= 0) {
        idtp += potential[g * numTrIds + t];
      }
    }
    long gtTotal = Arrays.stream(gtCount).sum();
    long trTotal = Arrays.stream(trCount).sum();
    return new long[] {idtp, gtTotal - idtp, trTotal - idtp};
  }
}
