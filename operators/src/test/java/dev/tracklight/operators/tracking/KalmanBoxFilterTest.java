package dev.tracklight.operators.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the block-diagonal filter against a dense 8x8 transcription of the original
 * {@code kalman_filter.py} (F P F^T + Q, Kalman gain from S^-1 with full matrices).
 */
class KalmanBoxFilterTest {

  private static final double WP = 1.0 / 20;
  private static final double WV = 1.0 / 160;

  private static double[][] mul(double[][] a, double[][] b) {
    int n = a.length;
    int m = b[0].length;
    double[][] c = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        for (int k = 0; k < b.length; k++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  private static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  private static double[][] inverse4(double[][] s) {
    // Gauss-Jordan; S is symmetric positive definite.
    int n = 4;
    double[][] a = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(s[i], 0, a[i], 0, n);
      a[i][n + i] = 1;
    }
    for (int c = 0; c < n; c++) {
      double p = a[c][c];
      for (int j = 0; j < 2 * n; j++) {
        a[c][j] /= p;
      }
      for (int r = 0; r < n; r++) {
        if (r != c) {
          double f = a[r][c];
          for (int j = 0; j < 2 * n; j++) {
            a[r][j] -= f * a[c][j];
          }
        }
      }
    }
    double[][] inv = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], n, inv[i], 0, n);
    }
    return inv;
  }

  @Test
  void blockDiagonalFilterEqualsDenseOriginal() {
    Random rnd = new Random(3);
    double[] z0 = {300, 200, 0.4, 120};
    double[] mean = new double[8];
    double[] cov = new double[12];
    KalmanBoxFilter.initiate(z0, mean, cov);

    double[] m = new double[8];
    System.arraycopy(z0, 0, m, 0, 4);
    double h0 = z0[3];
    double[] std0 = {2 * WP * h0, 2 * WP * h0, 1e-2, 2 * WP * h0, 10 * WV * h0, 10 * WV * h0, 1e-5,
        10 * WV * h0};
    double[][] p = new double[8][8];
    for (int i = 0; i < 8; i++) {
      p[i][i] = std0[i] * std0[i];
    }
    double[][] f = new double[8][8];
    for (int i = 0; i < 8; i++) {
      f[i][i] = 1;
      if (i < 4) {
        f[i][i + 4] = 1;
      }
    }
    double[][] hm = new double[4][8];
    for (int i = 0; i < 4; i++) {
      hm[i][i] = 1;
    }
    for (int step = 0; step < 40; step++) {
      // predict
      KalmanBoxFilter.predict(mean, cov);
      double h = m[3];
      double[] q = {WP * h, WP * h, 1e-2, WP * h, WV * h, WV * h, 1e-5, WV * h};
      double[] nm = new double[8];
      for (int i = 0; i < 8; i++) {
        for (int k = 0; k < 8; k++) {
          nm[i] += f[i][k] * m[k];
        }
      }
      m = nm;
      p = mul(mul(f, p), transpose(f));
      for (int i = 0; i < 8; i++) {
        p[i][i] += q[i] * q[i];
      }
      if (step % 5 == 4) {
        continue; // a missed detection: predict only
      }
      // update
      double[] z = {m[0] + rnd.nextGaussian() * 3, m[1] + rnd.nextGaussian() * 3,
          0.4 + rnd.nextGaussian() * 0.01, 120 + rnd.nextGaussian() * 2};
      KalmanBoxFilter.update(mean, cov, z);
      double hh = m[3];
      double[] r = {WP * hh, WP * hh, 1e-1, WP * hh};
      double[][] s = mul(mul(hm, p), transpose(hm));
      for (int i = 0; i < 4; i++) {
        s[i][i] += r[i] * r[i];
      }
      double[][] k = mul(mul(p, transpose(hm)), inverse4(s));
      double[] innovation = new double[4];
      for (int j = 0; j < 4; j++) {
        innovation[j] = z[j] - m[j];
      }
      for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 4; j++) {
          m[i] += k[i][j] * innovation[j];
        }
      }
      p = subtract(p, mul(mul(k, s), transpose(k)));
      // compare
      for (int i = 0; i < 8; i++) {
        assertEquals(m[i], mean[i], 1e-9 * Math.max(1, Math.abs(m[i])), "mean " + i);
      }
      for (int d = 0; d < 4; d++) {
        assertEquals(p[d][d], cov[3 * d], 1e-9 * Math.max(1, p[d][d]), "p " + d);
        assertEquals(p[d][d + 4], cov[3 * d + 1], 1e-9 * Math.max(1, Math.abs(p[d][d + 4])));
        assertEquals(p[d + 4][d + 4], cov[3 * d + 2], 1e-9 * Math.max(1, p[d + 4][d + 4]));
        for (int e = 0; e < 4; e++) {
          if (e != d) {
            assertEquals(0, p[d][e], 1e-12, "cross-coordinate covariance stays zero");
          }
        }
      }
    }
  }

  private static double[][] subtract(double[][] a, double[][] b) {
    double[][] c = new double[a.length][a[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        c[i][j] = a[i][j] - b[i][j];
      }
    }
    return c;
  }
}
