package dev.tracklight.operators.tracking;

import java.util.Arrays;

/**
 * Exact minimum-cost partial assignment with the semantics of
 * {@code lap.lapjv(cost, extend_cost=True, cost_limit=limit)}, the solver ByteTrack uses: a row and a
 * column may be paired only if their cost is {@code <= limit}, and among all such partial matchings
 * the one with minimum {@code sum(cost) + (unmatched rows + unmatched columns) * limit / 2} is chosen
 * (equivalently: minimum {@code sum(cost - limit)} over the matched pairs).
 *
 * <p>Speed: pairs above the limit (for tracking, every pair of boxes that do not overlap) can never
 * be matched, so the bipartite graph of admissible pairs is split into connected components and each
 * component is solved on its own, exactly, with the Hungarian algorithm. lapjv's augmented
 * {@code (r + c)} square matrix (real costs, {@code limit / 2} for "unmatched", 0 for dummy-dummy)
 * has the same optimum as a rectangular {@code min(r,c) x (r + c)} matrix of {@code cost - limit}
 * plus one zero-cost "unmatched" column per row, which is what is solved. Typical tracking components
 * have one to three members; dense crowds make larger ones.
 *
 * <p>Stateless and thread-safe. Ties between equally cheap matchings may be broken differently from
 * lapjv; every returned matching is optimal.
 */
public final class LinearAssignment {

  /** A matching: {@code rowToCol[r]} / {@code colToRow[c]} or -1 when unmatched. */
  public record Result(int[] rowToCol, int[] colToRow) {
    public int matchCount() {
      int n = 0;
      for (int c : rowToCol) {
        if (c >= 0) {
          n++;
        }
      }
      return n;
    }
  }

  private LinearAssignment() {}

  /**
   * Solves the assignment for a row-major {@code rows x cols} cost matrix. Entries above
   * {@code limit}, {@code +Infinity} and NaN are inadmissible.
   *
   * @throws IllegalArgumentException if the matrix length disagrees or the limit is not finite
   */
  public static Result solve(double[] cost, int rows, int cols, double limit) {
    if (rows < 0 || cols < 0 || cost.length != rows * cols) {
      throw new IllegalArgumentException(
          "cost matrix has " + cost.length + " entries, expected " + rows + " x " + cols);
    }
    if (!Double.isFinite(limit)) {
      throw new IllegalArgumentException("cost limit must be finite, got " + limit);
    }
    int[] rowToCol = new int[rows];
    int[] colToRow = new int[cols];
    Arrays.fill(rowToCol, -1);
    Arrays.fill(colToRow, -1);
    if (rows == 0 || cols == 0) {
      return new Result(rowToCol, colToRow);
    }
    // Union-find over rows (0..rows-1) and columns (rows..rows+cols-1) joined by admissible pairs.
    int[] parent = new int[rows + cols];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    boolean anyAdmissible = false;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if (cost[r * cols + c] <= limit) {
          union(parent, r, rows + c);
          anyAdmissible = true;
        }
      }
    }
    if (!anyAdmissible) {
      return new Result(rowToCol, colToRow);
    }
    // Bucket members by root: counting sort into one array, rows before columns within a component.
    int n = rows + cols;
    int[] root = new int[n];
    int[] size = new int[n];
    for (int i = 0; i < n; i++) {
      root[i] = find(parent, i);
      size[root[i]]++;
    }
    int[] start = new int[n + 1];
    for (int i = 0; i < n; i++) {
      start[i + 1] = start[i] + size[i];
    }
    int[] fill = Arrays.copyOf(start, n);
    int[] members = new int[n];
    for (int i = 0; i < n; i++) {
      members[fill[root[i]]++] = i;
    }
    for (int comp = 0; comp < n; comp++) {
      int from = start[comp];
      int to = start[comp + 1];
      if (to - from < 2) {
        continue; // empty bucket or an isolated row/column: unmatched
      }
      int split = from;
      while (split < to && members[split] < rows) {
        split++;
      }
      solveComponent(cost, cols, limit, members, from, split, to, rows, rowToCol, colToRow);
    }
    return new Result(rowToCol, colToRow);
  }

  private static void solveComponent(double[] cost, int cols, double limit, int[] members, int from,
      int split, int to, int rows, int[] rowToCol, int[] colToRow) {
    int r = split - from;
    int c = to - split;
    if (r == 1 && c == 1) {
      // Connected, so the one pair is admissible and matching it beats leaving both unmatched.
      int row = members[from];
      int col = members[split] - rows;
      rowToCol[row] = col;
      colToRow[col] = row;
      return;
    }
    // lapjv's extended (r + c) square matrix has the same optimum as this rectangular one: each
    // pair costs (cost - limit), and every side of the smaller dimension has its own zero-cost
    // "unmatched" column. Solving n x (m + n) with n = min(r, c) is ~4x cheaper than (r + c)^3.
    boolean transposed = r > c;
    int n = transposed ? c : r;
    int m = transposed ? r : c;
    int width = m + n;
    // Inadmissible pairs cost more than staying unmatched (0), so an optimum never uses them.
    double inadmissible = 1.0;
    double[] a = new double[n * width];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        int row = members[from + (transposed ? j : i)];
        int col = members[split + (transposed ? i : j)] - rows;
        double x = cost[row * cols + col];
        a[i * width + j] = x <= limit ? x - limit : inadmissible;
      }
      // columns m .. m+n-1: "unmatched", cost 0 (already zero)
    }
    int[] assign = hungarian(a, n, width);
    for (int i = 0; i < n; i++) {
      int j = assign[i];
      if (j < m) {
        int row = members[from + (transposed ? j : i)];
        int col = members[split + (transposed ? i : j)] - rows;
        if (cost[row * cols + col] <= limit) {
          rowToCol[row] = col;
          colToRow[col] = row;
        }
      }
    }
  }

  /**
   * Hungarian algorithm with potentials (shortest augmenting paths) on a dense row-major
   * {@code n x m} matrix with {@code n <= m}, O(n^2 m); returns the column of each row.
   */
  static int[] hungarian(double[] a, int n, int m) {
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1]; // p[j] = row (1-based) assigned to column j, 0 = none
    int[] way = new int[m + 1];
    double[] minv = new double[m + 1];
    boolean[] used = new boolean[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      Arrays.fill(used, false);
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        int rowBase = (i0 - 1) * m - 1;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double cur = a[rowBase + j] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] rowToCol = new int[n];
    for (int j = 1; j <= m; j++) {
      if (p[j] != 0) {
        rowToCol[p[j] - 1] = j - 1;
      }
    }
    return rowToCol;
  }

  private static int find(int[] parent, int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent[ra] = rb;
    }
  }
}
