package dev.tracklight.operators.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearAssignmentTest {

  /** Objective of lapjv with extend_cost: sum(cost) + limit/2 per unmatched row and column. */
  private static double objective(double[] cost, int rows, int cols, double limit, int[] rowToCol) {
    double total = 0;
    int matched = 0;
    for (int r = 0; r < rows; r++) {
      if (rowToCol[r] >= 0) {
        total += cost[r * cols + rowToCol[r]];
        matched++;
      }
    }
    return total + (rows + cols - 2 * matched) * limit / 2;
  }

  /** Exhaustive search over all partial matchings that use admissible pairs only. */
  private static double bruteForce(double[] cost, int rows, int cols, double limit, int row,
      boolean[] usedCol, double acc) {
    if (row == rows) {
      int unmatchedCols = 0;
      for (boolean u : usedCol) {
        unmatchedCols += u ? 0 : 1;
      }
      return acc + unmatchedCols * limit / 2;
    }
    double best = bruteForce(cost, rows, cols, limit, row + 1, usedCol, acc + limit / 2);
    for (int c = 0; c < cols; c++) {
      double x = cost[row * cols + c];
      if (!usedCol[c] && x <= limit) {
        usedCol[c] = true;
        best = Math.min(best, bruteForce(cost, rows, cols, limit, row + 1, usedCol, acc + x));
        usedCol[c] = false;
      }
    }
    return best;
  }

  @Test
  void optimalOnRandomSmallMatricesAgainstBruteForce() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 3000; trial++) {
      int rows = 1 + rnd.nextInt(6);
      int cols = 1 + rnd.nextInt(6);
      double limit = 0.2 + 0.7 * rnd.nextDouble();
      double[] cost = new double[rows * cols];
      for (int k = 0; k < cost.length; k++) {
        // Mix of sparse (IoU-0 like, cost 1 or inf) and dense admissible entries.
        int kind = rnd.nextInt(4);
        cost[k] = kind == 0 ? 1.0 : kind == 1 ? Double.POSITIVE_INFINITY : rnd.nextDouble();
      }
      LinearAssignment.Result res = LinearAssignment.solve(cost, rows, cols, limit);
      for (int r = 0; r < rows; r++) {
        int c = res.rowToCol()[r];
        if (c >= 0) {
          assertTrue(cost[r * cols + c] <= limit, "matched an inadmissible pair");
          assertEquals(r, res.colToRow()[c]);
        }
      }
      double expected = bruteForce(cost, rows, cols, limit, 0, new boolean[cols], 0);
      assertEquals(expected, objective(cost, rows, cols, limit, res.rowToCol()), 1e-9,
          "trial " + trial);
    }
  }

  @Test
  void negativeCostsAndZeroLimitMaximiseTotalWeight() {
    // The evaluator's use: maximise summed weight, +inf where a pair is not allowed.
    double inf = Double.POSITIVE_INFINITY;
    double[] cost = {-3, -2, inf, -2, inf, -1};
    LinearAssignment.Result res = LinearAssignment.solve(cost, 2, 3, 0);
    assertArrayEquals(new int[] {1, 0}, res.rowToCol()); // -2 + -2 beats -3 alone
  }

  @Test
  void prefersLeavingPairsUnmatchedWhenCheaperThanTheLimitAllows() {
    // Rows 0,1 both like column 0; a chain component solved as a whole.
    double[] cost = {0.1, 0.3, 0.2, 0.9};
    LinearAssignment.Result res = LinearAssignment.solve(cost, 2, 2, 0.6);
    assertArrayEquals(new int[] {1, 0}, res.rowToCol()); // 0.3 + 0.2 < 0.1 + 0.6 (two pads)
    LinearAssignment.Result tight = LinearAssignment.solve(cost, 2, 2, 0.3);
    assertArrayEquals(new int[] {0, -1}, tight.rowToCol());
  }

  @Test
  void emptyAndNothingAdmissible() {
    assertEquals(0, LinearAssignment.solve(new double[0], 0, 4, 0.8).rowToCol().length);
    assertArrayEquals(new int[] {-1, -1, -1},
        LinearAssignment.solve(new double[0], 3, 0, 0.8).rowToCol());
    LinearAssignment.Result none = LinearAssignment.solve(new double[] {1, 1, 1, 1}, 2, 2, 0.8);
    assertArrayEquals(new int[] {-1, -1}, none.rowToCol());
    assertArrayEquals(new int[] {-1, -1}, none.colToRow());
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> LinearAssignment.solve(new double[3], 2, 2, 0.5));
    assertThrows(IllegalArgumentException.class,
        () -> LinearAssignment.solve(new double[4], 2, 2, Double.POSITIVE_INFINITY));
  }
}
