package dev.tracklight.operators.tracking;

/**
 * The constant-velocity Kalman filter of ByteTrack / DeepSORT ({@code kalman_filter.py}) in
 * {@code (cx, cy, aspect, h)} space with velocities: state {@code [cx, cy, a, h, vcx, vcy, va, vh]}.
 *
 * <p>Stateless; operates on caller-owned arrays. Because the motion matrix only couples each
 * coordinate with its own velocity, and the process, measurement and initial covariances are
 * diagonal, the original 8x8 covariance stays block-diagonal with four independent 2x2 blocks
 * forever. We therefore store just those blocks ({@link #COV_SIZE} doubles: {@code p, c, v} =
 * position variance, position-velocity covariance, velocity variance per coordinate) and run the
 * four scalar filters; this is algebraically identical to the original's full-matrix update
 * (Cholesky of a diagonal innovation covariance is a per-coordinate division) while being cheaper
 * and making the state compact to snapshot. Noise scales with the box height as in the original.
 */
final class KalmanBoxFilter {

  /** Doubles in a state mean. */
  static final int MEAN_SIZE = 8;
  /** Doubles in a block-diagonal covariance ({@code p, c, v} for each of 4 coordinates). */
  static final int COV_SIZE = 12;

  /** Original {@code _std_weight_position}: position noise is 1/20 of the box height. */
  private static final double STD_WEIGHT_POSITION = 1.0 / 20;
  /** Original {@code _std_weight_velocity}: velocity noise is 1/160 of the box height. */
  private static final double STD_WEIGHT_VELOCITY = 1.0 / 160;
  /** Original fixed std of the aspect ratio (not height-relative) in initiate/predict. */
  private static final double ASPECT_STD = 1e-2;
  /** Original fixed std of the aspect-ratio velocity. */
  private static final double ASPECT_VELOCITY_STD = 1e-5;
  /** Original measurement std of the aspect ratio in {@code project}. */
  private static final double ASPECT_MEASUREMENT_STD = 1e-1;

  private KalmanBoxFilter() {}

  /** Original {@code initiate}: mean = measurement with zero velocity, wide diagonal covariance. */
  static void initiate(double[] xyah, double[] mean, double[] cov) {
    double h = xyah[3];
    for (int d = 0; d < 4; d++) {
      mean[d] = xyah[d];
      mean[4 + d] = 0;
    }
    for (int d = 0; d < 4; d++) {
      double posStd = d == 2 ? ASPECT_STD : 2 * STD_WEIGHT_POSITION * h;
      double velStd = d == 2 ? ASPECT_VELOCITY_STD : 10 * STD_WEIGHT_VELOCITY * h;
      cov[3 * d] = posStd * posStd;
      cov[3 * d + 1] = 0;
      cov[3 * d + 2] = velStd * velStd;
    }
  }

  /** Original {@code predict}: {@code x = F x}, {@code P = F P F^T + Q(h)}. */
  static void predict(double[] mean, double[] cov) {
    double h = mean[3];
    for (int d = 0; d < 4; d++) {
      double posStd = d == 2 ? ASPECT_STD : STD_WEIGHT_POSITION * h;
      double velStd = d == 2 ? ASPECT_VELOCITY_STD : STD_WEIGHT_VELOCITY * h;
      mean[d] += mean[4 + d];
      double p = cov[3 * d];
      double c = cov[3 * d + 1];
      double v = cov[3 * d + 2];
      cov[3 * d] = p + 2 * c + v + posStd * posStd;
      cov[3 * d + 1] = c + v;
      cov[3 * d + 2] = v + velStd * velStd;
    }
  }

  /** Original {@code update}: project with {@code R(h)} of the predicted height, then correct. */
  static void update(double[] mean, double[] cov, double[] xyah) {
    double h = mean[3];
    for (int d = 0; d < 4; d++) {
      double measStd = d == 2 ? ASPECT_MEASUREMENT_STD : STD_WEIGHT_POSITION * h;
      double p = cov[3 * d];
      double c = cov[3 * d + 1];
      double v = cov[3 * d + 2];
      double s = p + measStd * measStd;
      double gainPos = p / s;
      double gainVel = c / s;
      double innovation = xyah[d] - mean[d];
      mean[d] += gainPos * innovation;
      mean[4 + d] += gainVel * innovation;
      cov[3 * d] = p - gainPos * s * gainPos;
      cov[3 * d + 1] = c - gainPos * s * gainVel;
      cov[3 * d + 2] = v - gainVel * s * gainVel;
    }
  }
}
