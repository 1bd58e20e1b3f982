package dev.tracklight.operators.mot;

import dev.tracklight.operators.tracking.LinearAssignment;

/**
 * HOTA computed exactly as TrackEval's {@code HOTA.eval_sequence} on the same preprocessed data as
 * {@link MotEvaluator} (MotChallenge2DBox: distractor removal, pedestrians only, IoU similarity).
 *
 * <p>Two passes: first the global alignment between every GT id and tracker id (the per-frame
 * similarities, normalised as a soft Jaccard, summed over the sequence and divided by
 * {@code |gt| + |tr| - overlap}); then per frame a Hungarian matching maximising
 * {@code alignment * similarity}, whose pairs count as true positives at every alpha their
 * similarity reaches. Association accuracy then scores, per alpha, how consistently matched pairs
 * keep their ids. Stateless; ties between equally good matchings may be broken differently from
 * scipy, which can move scores only where two matchings score exactly alike.
 */
public final class HotaEvaluator {

  private HotaEvaluator() {}

  /** HOTA sums of one sequence. */
  public static HotaMetrics evaluate(MotBoxTable gt, MotBoxTable results) {
    return evaluate(MotEvaluator.preprocess(gt, results));
  }

  static HotaMetrics evaluate(MotEvaluator.Sequence s) {
    int n = HotaMetrics.ALPHAS;
    double[] tp = new double[n];
    double[] fn = new double[n];
    double[] fp = new double[n];
    double[] ass = new double[n];
    double[] assRe = new double[n];
    double[] assPr = new double[n];
    double[] loc = new double[n];
    if (s.trDets() == 0 || s.gtDets() == 0) {
      // TrackEval's early returns: all misses or all false positives, LocA 1 (from the guards).
      for (int a = 0; a < n; a++) {
        fn[a] = s.gtDets();
        fp[a] = s.trDets();
      }
      return new HotaMetrics(tp, fn, fp, ass, assRe, assPr, loc);
    }
    int ng = s.numGtIds();
    int nt = s.numTrIds();
    double[] potential = new double[ng * nt];
    double[] gtCount = new double[ng];
    double[] trCount = new double[nt];
    MotEvaluator.Frame[] frames = s.frames();
    for (int f = 1; f < frames.length; f++) {
      MotEvaluator.Frame fr = frames[f];
      int g = fr.gt().length;
      int t = fr.tr().length;
      double[] rowSum = new double[g];
      double[] colSum = new double[t];
      for (int i = 0; i < g; i++) {
        for (int j = 0; j < t; j++) {
          double v = fr.iou()[i * t + j];
          rowSum[i] += v;
          colSum[j] += v;
        }
      }
      for (int i = 0; i < g; i++) {
        for (int j = 0; j < t; j++) {
          double sim = fr.iou()[i * t + j];
          double denom = colSum[j] + rowSum[i] - sim;
          if (denom > MotEvaluator.EPS) {
            potential[fr.gt()[i] * nt + fr.tr()[j]] += sim / denom;
          }
        }
      }
      for (int id : fr.gt()) {
        gtCount[id]++;
      }
      for (int id : fr.tr()) {
        trCount[id]++;
      }
    }
    double[] alignment = new double[ng * nt];
    for (int i = 0; i < ng; i++) {
      for (int j = 0; j < nt; j++) {
        double p = potential[i * nt + j];
        alignment[i * nt + j] = p / (gtCount[i] + trCount[j] - p);
      }
    }
    double[][] matches = new double[n][ng * nt];
    for (int f = 1; f < frames.length; f++) {
      MotEvaluator.Frame fr = frames[f];
      int g = fr.gt().length;
      int t = fr.tr().length;
      if (g == 0 || t == 0) {
        for (int a = 0; a < n; a++) {
          fp[a] += t;
          fn[a] += g;
        }
        continue;
      }
      double[] cost = new double[g * t];
      for (int i = 0; i < g; i++) {
        for (int j = 0; j < t; j++) {
          double score = alignment[fr.gt()[i] * nt + fr.tr()[j]] * fr.iou()[i * t + j];
          // A zero-score pair adds nothing to scipy's maximum and never passes alpha >= 0.05.
          cost[i * t + j] = score > 0 ? -score : Double.POSITIVE_INFINITY;
        }
      }
      LinearAssignment.Result m = LinearAssignment.solve(cost, g, t, 0);
      for (int a = 0; a < n; a++) {
        double alpha = HotaMetrics.alpha(a);
        int count = 0;
        for (int i = 0; i < g; i++) {
          int j = m.rowToCol()[i];
          if (j < 0) {
            continue;
          }
          double sim = fr.iou()[i * t + j];
          if (sim >= alpha - MotEvaluator.EPS) {
            count++;
            loc[a] += sim;
            matches[a][fr.gt()[i] * nt + fr.tr()[j]]++;
          }
        }
        tp[a] += count;
        fn[a] += g - count;
        fp[a] += t - count;
      }
    }
    for (int a = 0; a < n; a++) {
      double[] mc = matches[a];
      for (int i = 0; i < ng; i++) {
        for (int j = 0; j < nt; j++) {
          double c = mc[i * nt + j];
          if (c == 0) {
            continue;
          }
          ass[a] += c * c / Math.max(1, gtCount[i] + trCount[j] - c);
          assRe[a] += c * c / Math.max(1, gtCount[i]);
          assPr[a] += c * c / Math.max(1, trCount[j]);
        }
      }
    }
    return new HotaMetrics(tp, fn, fp, ass, assRe, assPr, loc);
  }
}
