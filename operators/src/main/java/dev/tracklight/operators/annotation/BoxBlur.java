package dev.tracklight.operators.annotation;

import dev.tracklight.inference.BgrImage;

/**
 * In-place box blur of a rectangle of a {@link BgrImage}, for privacy masking.
 *
 * <p>Separable running sums, O(1) per pixel whatever the kernel size: a horizontal pass walks each
 * row with three running sums (B, G, R) into an int scratch copy of the region; a vertical pass
 * keeps one running sum per column and advances row by row, so its inner loop runs over contiguous
 * memory (an earlier line-by-line version that walked columns and channels separately measured
 * 5x slower: 8 ms vs 1.5 ms for ten 60x150 boxes, kernel 31, on a loaded 2-core box). Edges replicate
 * the border pixels of the rectangle: the blur never reads outside the region, so neighbouring
 * content cannot leak in. Two box passes are applied: one box leaves blocky ghosts of strong edges;
 * two approximate a Gaussian well enough to hide a face.
 *
 * <p>State: scratch buffers grown on demand and reused between calls. One instance per thread.
 */
final class BoxBlur {

  /** Box passes; see the class note (two ≈ a triangle filter, the usual cheap Gaussian stand-in). */
  private static final int PASSES = 2;

  private int[] region = new int[0];
  private int[] columnSums = new int[0];

  /** Blurs the rectangle [x1, x2) x [y1, y2), already clipped to the image, with a k x k box. */
  void blur(BgrImage image, int x1, int y1, int x2, int y2, int kernel) {
    int w = x2 - x1;
    int h = y2 - y1;
    if (w < 2 || h < 2) {
      return;
    }
    int rowInts = 3 * w;
    if (region.length < rowInts * h) {
      region = new int[rowInts * h];
    }
    if (columnSums.length < rowInts) {
      columnSums = new int[rowInts];
    }
    int radius = kernel / 2;
    // Division by the window as a multiply and shift; exact for every sum here (< 2^16 * 255).
    long reciprocal = ((1L << 32) + kernel - 1) / kernel;
    long rounding = (long) (kernel / 2) * reciprocal;
    for (int pass = 0; pass < PASSES; pass++) {
      horizontal(image, x1, y1, w, h, radius, reciprocal, rounding);
      vertical(image, x1, y1, w, h, radius, reciprocal, rounding);
    }
  }

  /** Rows of the image region -> horizontally averaged rows in {@link #region}. */
  private void horizontal(BgrImage image, int x1, int y1, int w, int h, int radius,
      long reciprocal, long rounding) {
    byte[] px = image.pixels();
    int stride = image.stride();
    int[] out = region;
    for (int y = 0; y < h; y++) {
      int row = (y1 + y) * stride + 3 * x1;
      int outRow = 3 * w * y;
      int b = (radius + 1) * (px[row] & 0xFF);
      int g = (radius + 1) * (px[row + 1] & 0xFF);
      int r = (radius + 1) * (px[row + 2] & 0xFF);
      for (int k = 1; k <= radius; k++) {
        int at = row + 3 * Math.min(k, w - 1);
        b += px[at] & 0xFF;
        g += px[at + 1] & 0xFF;
        r += px[at + 2] & 0xFF;
      }
      for (int x = 0; x < w; x++) {
        int o = outRow + 3 * x;
        out[o] = (int) ((b * reciprocal + rounding) >>> 32);
        out[o + 1] = (int) ((g * reciprocal + rounding) >>> 32);
        out[o + 2] = (int) ((r * reciprocal + rounding) >>> 32);
        int add = row + 3 * Math.min(x + radius + 1, w - 1);
        int remove = row + 3 * Math.max(x - radius, 0);
        b += (px[add] & 0xFF) - (px[remove] & 0xFF);
        g += (px[add + 1] & 0xFF) - (px[remove + 1] & 0xFF);
        r += (px[add + 2] & 0xFF) - (px[remove + 2] & 0xFF);
      }
    }
  }

  /** {@link #region} -> vertically averaged rows written back into the image. */
  private void vertical(BgrImage image, int x1, int y1, int w, int h, int radius,
      long reciprocal, long rounding) {
    byte[] px = image.pixels();
    int stride = image.stride();
    int rowInts = 3 * w;
    int[] in = region;
    int[] sums = columnSums;
    for (int i = 0; i < rowInts; i++) {
      sums[i] = (radius + 1) * in[i];
    }
    for (int k = 1; k <= radius; k++) {
      int src = rowInts * Math.min(k, h - 1);
      for (int i = 0; i < rowInts; i++) {
        sums[i] += in[src + i];
      }
    }
    for (int y = 0; y < h; y++) {
      int dst = (y1 + y) * stride + 3 * x1;
      for (int i = 0; i < rowInts; i++) {
        px[dst + i] = (byte) ((sums[i] * reciprocal + rounding) >>> 32);
      }
      int add = rowInts * Math.min(y + radius + 1, h - 1);
      int remove = rowInts * Math.max(y - radius, 0);
      for (int i = 0; i < rowInts; i++) {
        sums[i] += in[add + i] - in[remove + i];
      }
    }
  }
}
