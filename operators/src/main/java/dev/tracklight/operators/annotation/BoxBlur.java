package dev.tracklight.operators.annotation;

import dev.tracklight.inference.BgrImage;

/**
 * In-place box blur of a rectangle of a {@link BgrImage}, for privacy masking.
 *
 * <p>Separable running sums: one horizontal and one vertical pass, each O(1) per pixel whatever
 * the kernel size, so blurring a large person box costs about as much as copying it twice. Edges
 * replicate the border pixel of the rectangle (the blur never reads outside the region, so
 * neighbouring content cannot leak in or out). Two passes of the box are used: a single box leaves
 * visible blocky ghosts of edges; two approximate a Gaussian closely enough to hide a face.
 *
 * <p>Stateless apart from a scratch buffer reused between calls; one instance per thread.
 */
final class BoxBlur {

  /** Box passes; see the class note (two ≈ triangle filter, the usual cheap Gaussian stand-in). */
  private static final int PASSES = 2;

  private int[] line = new int[0];

  /** Blurs the rectangle [x1, x2) x [y1, y2), already clipped to the image, with a k x k box. */
  void blur(BgrImage image, int x1, int y1, int x2, int y2, int kernel) {
    int w = x2 - x1;
    int h = y2 - y1;
    if (w < 2 || h < 2) {
      return;
    }
    int radius = kernel / 2;
    int needed = 3 * Math.max(w, h);
    if (line.length < needed) {
      line = new int[needed];
    }
    byte[] px = image.pixels();
    int stride = image.stride();
    for (int pass = 0; pass < PASSES; pass++) {
      for (int y = y1; y < y2; y++) {
        blurLine(px, y * stride + x1 * 3, 3, w, radius);
      }
      for (int x = x1; x < x2; x++) {
        blurLine(px, y1 * stride + x * 3, stride, h, radius);
      }
    }
  }

  /** Box-filters {@code n} BGR pixels starting at {@code offset}, {@code step} bytes apart. */
  private void blurLine(byte[] px, int offset, int step, int n, int radius) {
    int[] copy = line;
    for (int i = 0, at = offset; i < n; i++, at += step) {
      copy[3 * i] = px[at] & 0xFF;
      copy[3 * i + 1] = px[at + 1] & 0xFF;
      copy[3 * i + 2] = px[at + 2] & 0xFF;
    }
    int window = 2 * radius + 1;
    int half = window / 2;
    for (int c = 0; c < 3; c++) {
      // Sum over the window centred on pixel 0, replicating the first pixel to the left.
      int sum = 0;
      for (int k = -radius; k <= radius; k++) {
        sum += copy[3 * clamp(k, n) + c];
      }
      for (int i = 0, at = offset + c; i < n; i++, at += step) {
        px[at] = (byte) ((sum + half) / window);
        sum += copy[3 * clamp(i + radius + 1, n) + c] - copy[3 * clamp(i - radius, n) + c];
      }
    }
  }

  private static int clamp(int i, int n) {
    return i < 0 ? 0 : (i >= n ? n - 1 : i);
  }
}
