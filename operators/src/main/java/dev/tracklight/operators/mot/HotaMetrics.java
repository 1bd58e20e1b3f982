package dev.tracklight.operators.mot;

import java.util.Arrays;

/**
 * HOTA (Luiten et al., IJCV 2021) sums of one sequence or of several combined, kept per
 * localisation threshold alpha = 0.05, 0.10, ..., 0.95 like TrackEval's {@code HOTA} metric.
 * Combining adds the sums, which reproduces TrackEval's {@code combine_sequences} (detection counts
 * summed, AssA / AssRe / AssPr and LocA averaged weighted by HOTA_TP); scores are derived from the
 * sums and then averaged over the alphas. Arrays are owned by the record and never modified.
 *
 * @param tp HOTA_TP per alpha
 * @param fn HOTA_FN per alpha
 * @param fp HOTA_FP per alpha
 * @param assSum per alpha, the sum over matched pairs of their association Jaccard (AssA * TP)
 * @param assReSum AssRe * TP per alpha
 * @param assPrSum AssPr * TP per alpha
 * @param locSum summed similarity (IoU) of the matches per alpha (LocA * TP)
 */
public record HotaMetrics(double[] tp, double[] fn, double[] fp, double[] assSum, double[] assReSum,
    double[] assPrSum, double[] locSum) {

  /** TrackEval's {@code array_labels = np.arange(0.05, 0.99, 0.05)}: 19 thresholds. */
  public static final int ALPHAS = 19;

  public static final HotaMetrics ZERO = new HotaMetrics(new double[ALPHAS], new double[ALPHAS],
      new double[ALPHAS], new double[ALPHAS], new double[ALPHAS], new double[ALPHAS],
      new double[ALPHAS]);

  /** Threshold {@code a} (0-based): {@code 0.05 * (a + 1)}, as numpy's arange computes it. */
  public static double alpha(int a) {
    return 0.05 + a * 0.05;
  }

  public HotaMetrics plus(HotaMetrics o) {
    return new HotaMetrics(add(tp, o.tp), add(fn, o.fn), add(fp, o.fp), add(assSum, o.assSum),
        add(assReSum, o.assReSum), add(assPrSum, o.assPrSum), add(locSum, o.locSum));
  }

  private static double[] add(double[] a, double[] b) {
    double[] r = new double[ALPHAS];
    for (int i = 0; i < ALPHAS; i++) {
      r[i] = a[i] + b[i];
    }
    return r;
  }

  /** DetA at alpha index {@code a}. */
  public double detA(int a) {
    return tp[a] / Math.max(1, tp[a] + fn[a] + fp[a]);
  }

  /** AssA at alpha index {@code a}. */
  public double assA(int a) {
    return assSum[a] / Math.max(1, tp[a]);
  }

  /** HOTA at alpha index {@code a}: {@code sqrt(DetA * AssA)}. */
  public double hotaAt(int a) {
    return Math.sqrt(detA(a) * assA(a));
  }

  /** HOTA: the mean over the 19 alphas, a fraction. */
  public double hota() {
    return mean(this::hotaAt);
  }

  public double detA() {
    return mean(this::detA);
  }

  public double assA() {
    return mean(this::assA);
  }

  public double detRe() {
    return mean(a -> tp[a] / Math.max(1, tp[a] + fn[a]));
  }

  public double detPr() {
    return mean(a -> tp[a] / Math.max(1, tp[a] + fp[a]));
  }

  public double assRe() {
    return mean(a -> assReSum[a] / Math.max(1, tp[a]));
  }

  public double assPr() {
    return mean(a -> assPrSum[a] / Math.max(1, tp[a]));
  }

  /** LocA with TrackEval's 1e-10 guards (1.0 when nothing matched). */
  public double locA() {
    return mean(a -> Math.max(1e-10, locSum[a]) / Math.max(1e-10, tp[a]));
  }

  private static double mean(java.util.function.IntToDoubleFunction f) {
    double s = 0;
    for (int a = 0; a < ALPHAS; a++) {
      s += f.applyAsDouble(a);
    }
    return s / ALPHAS;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HotaMetrics h && Arrays.equals(tp, h.tp) && Arrays.equals(fn, h.fn)
        && Arrays.equals(fp, h.fp) && Arrays.equals(assSum, h.assSum)
        && Arrays.equals(assReSum, h.assReSum) && Arrays.equals(assPrSum, h.assPrSum)
        && Arrays.equals(locSum, h.locSum);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tp) * 31 + Arrays.hashCode(assSum);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "HotaMetrics[HOTA %.4f, DetA %.4f, AssA %.4f]",
        hota(), detA(), assA());
  }
}
