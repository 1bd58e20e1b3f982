package dev.tracklight.operators.mot;

/**
 * CLEAR-MOT and identity counts of one sequence or of several combined, with the derived scores
 * computed like TrackEval's {@code _compute_final_fields}. Combining sums the counts (TrackEval's
 * {@code combine_sequences}); percentages are then derived from the sums, never averaged.
 *
 * @param tp matched GT boxes (CLR_TP)
 * @param fn missed GT boxes (CLR_FN)
 * @param fp unmatched tracker boxes (CLR_FP)
 * @param idsw identity switches
 * @param mt mostly tracked GT ids (matched in more than 80% of their frames)
 * @param pt partially tracked GT ids (20% to 80%)
 * @param ml mostly lost GT ids (below 20%)
 * @param frag fragmentations (times a GT track resumes being tracked after an interruption)
 * @param motpSum summed IoU of the matches
 * @param idtp identity true positives
 * @param idfn identity false negatives
 * @param idfp identity false positives
 */
public record MotMetrics(long tp, long fn, long fp, long idsw, long mt, long pt, long ml, long frag,
    double motpSum, long idtp, long idfn, long idfp) {

  public static final MotMetrics ZERO = new MotMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Summed counts. */
  public MotMetrics plus(MotMetrics o) {
    return new MotMetrics(tp + o.tp, fn + o.fn, fp + o.fp, idsw + o.idsw, mt + o.mt, pt + o.pt,
        ml + o.ml, frag + o.frag, motpSum + o.motpSum, idtp + o.idtp, idfn + o.idfn,
        idfp + o.idfp);
  }

  /** {@code (TP - FP - IDSW) / max(1, TP + FN)}, a fraction (not percent). */
  public double mota() {
    return (tp - fp - idsw) / Math.max(1.0, tp + fn);
  }

  /** Mean IoU of the matches, a fraction. */
  public double motp() {
    return motpSum / Math.max(1.0, tp);
  }

  public double idf1() {
    return idtp / Math.max(1.0, idtp + 0.5 * idfp + 0.5 * idfn);
  }

  public double idp() {
    return idtp / Math.max(1.0, idtp + idfp);
  }

  public double idr() {
    return idtp / Math.max(1.0, idtp + idfn);
  }
}
