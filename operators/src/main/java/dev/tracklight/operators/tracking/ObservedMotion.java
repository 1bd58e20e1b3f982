package dev.tracklight.operators.tracking;

/**
 * A track's last real observation, for {@link ObservationCentric}: the observed box
 * {@code (cx, cy, a, h)}, its frame, and the Kalman state right after it was applied. Mutable,
 * owned by one {@link Track}; empty until the first observation under {@code oc-bytetrack} (or
 * after a restore from a state that did not carry it).
 */
final class ObservedMotion {

  boolean present;
  int frame;
  final double[] box = new double[4];
  final double[] obsMean = new double[KalmanBoxFilter.MEAN_SIZE];
  final double[] obsCov = new double[KalmanBoxFilter.COV_SIZE];
}
