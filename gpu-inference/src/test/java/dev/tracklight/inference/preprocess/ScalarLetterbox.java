package dev.tracklight.inference.preprocess;

import dev.tracklight.inference.BgrImage;
import java.util.Arrays;

/**
 * The straightforward scalar form of {@link LetterboxPreprocessor}'s arithmetic (its code before
 * the planar, vectorisable rewrite): interleaved rows, coefficients computed per call, one
 * table lookup per sample. Kept as the specification the fast kernel must equal bit for bit.
 */
final class ScalarLetterbox {

  /** OpenCV's INTER_RESIZE_COEF_BITS: resize weights are fixed-point with 11 fractional bits. */
  private static final int COEF_BITS = 11;
  private static final int COEF_SCALE = 1 << COEF_BITS;

  private final LetterboxStyle style;
  private final int inputSize;
  /** Pixel value (0..255) → model input value; one table read instead of a multiply per sample. */
  private final float[] valueOf = new float[256];
  private final float padValue;

  // Scratch, sized once for the widest possible resized row (the input side).
  private final int[] xOffset;
  private final int[] xWeight0;
  private final int[] xWeight1;
  private int[] rowA;
  private int[] rowB;

  /** Far above any detector input; keeps {@code 3 * S * S} and the fixed-point sums within int. */
  static final int MAX_INPUT_SIZE = 8192;

  ScalarLetterbox(LetterboxStyle style, int inputSize) {
    if (inputSize <= 0 || inputSize > MAX_INPUT_SIZE) {
      throw new IllegalArgumentException("input size must be in 1.." + MAX_INPUT_SIZE + ", got " + inputSize);
    }
    this.style = style;
    this.inputSize = inputSize;
    for (int v = 0; v < 256; v++) {
      // Division (not multiplication by 1/255) to match Ultralytics' `im /= 255` bit for bit.
      valueOf[v] = style.valueScale() == 1f ? v : v / 255f;
    }
    padValue = valueOf[LetterboxStyle.PAD_VALUE];
    xOffset = new int[inputSize];
    xWeight0 = new int[inputSize];
    xWeight1 = new int[inputSize];
    rowA = new int[3 * inputSize];
    rowB = new int[3 * inputSize];
  }

  LetterboxStyle style() {
    return style;
  }

  int inputSize() {
    return inputSize;
  }

  /** Floats one image occupies in the NCHW input: {@code 3 * S * S}. */
  int floatsPerImage() {
    return 3 * inputSize * inputSize;
  }

  /**
   * Letterboxes {@code image} into {@code out[offset, offset + floatsPerImage())} as three planes
   * (RGB or BGR per the style) and returns where the image landed.
   */
  LetterboxGeometry process(BgrImage image, float[] out, int offset) {
    int plane = inputSize * inputSize;
    if (offset < 0 || out.length - offset < 3 * plane) {
      throw new IllegalArgumentException("output needs " + 3 * plane + " floats from offset "
          + offset + ", array has " + out.length);
    }
    LetterboxGeometry g = style.geometry(image.width(), image.height(), inputSize);
    fillPadding(g, out, offset);
    resizeInto(image, g, out, offset);
    return g;
  }

  private void fillPadding(LetterboxGeometry g, float[] out, int offset) {
    int s = inputSize;
    int plane = s * s;
    int top = g.padTop();
    int bottom = top + g.resizedHeight();
    int left = g.padLeft();
    int right = left + g.resizedWidth();
    for (int c = 0; c < 3; c++) {
      int base = offset + c * plane;
      Arrays.fill(out, base, base + top * s, padValue);
      Arrays.fill(out, base + bottom * s, base + plane, padValue);
      if (left > 0 || right < s) {
        for (int y = top; y < bottom; y++) {
          int row = base + y * s;
          Arrays.fill(out, row, row + left, padValue);
          Arrays.fill(out, row + right, row + s, padValue);
        }
      }
    }
  }

  private void resizeInto(BgrImage image, LetterboxGeometry g, float[] out, int offset) {
    int srcW = image.width();
    int srcH = image.height();
    int dstW = g.resizedWidth();
    int dstH = g.resizedHeight();
    byte[] px = image.pixels();
    int s = inputSize;
    int plane = s * s;

    // OpenCV derives the step from the integer sizes, not from r.
    double scaleX = (double) srcW / dstW;
    double scaleY = (double) srcH / dstH;
    for (int dx = 0; dx < dstW; dx++) {
      float fx = (float) ((dx + 0.5) * scaleX - 0.5);
      int sx = (int) Math.floor(fx);
      fx -= sx;
      if (sx < 0) {
        fx = 0;
        sx = 0;
      }
      if (sx >= srcW - 1) {
        fx = 0;
        sx = srcW - 1;
      }
      xOffset[dx] = sx;
      xWeight0[dx] = (int) Math.rint((1f - fx) * COEF_SCALE);
      xWeight1[dx] = (int) Math.rint(fx * COEF_SCALE);
    }

    // The two resampled source rows; consecutive output rows mostly share them.
    int loadedA = -1;
    int loadedB = -1;
    // Source bytes are B, G, R; an RGB model wants red in plane 0.
    int planeB = offset + (style.rgb() ? 2 : 0) * plane;
    int planeG = offset + plane;
    int planeR = offset + (style.rgb() ? 0 : 2) * plane;

    for (int dy = 0; dy < dstH; dy++) {
      float fy = (float) ((dy + 0.5) * scaleY - 0.5);
      int sy = (int) Math.floor(fy);
      fy -= sy;
      int w0 = (int) Math.rint((1f - fy) * COEF_SCALE);
      int w1 = (int) Math.rint(fy * COEF_SCALE);
      int r0 = clamp(sy, srcH);
      int r1 = clamp(sy + 1, srcH);

      if (loadedA != r0) {
        if (loadedB == r0) {
          int[] t = rowA;
          rowA = rowB;
          rowB = t;
          loadedB = loadedA;
        } else {
          resampleRow(px, r0 * srcW * 3, srcW, dstW, rowA);
        }
        loadedA = r0;
      }
      if (loadedB != r1) {
        resampleRow(px, r1 * srcW * 3, srcW, dstW, rowB);
        loadedB = r1;
      }

      int outRow = (g.padTop() + dy) * s + g.padLeft();
      int[] a = rowA;
      int[] b = rowB;
      for (int dx = 0, k = 0; dx < dstW; dx++, k += 3) {
        out[planeB + outRow + dx] = valueOf[blend(a[k], b[k], w0, w1)];
        out[planeG + outRow + dx] = valueOf[blend(a[k + 1], b[k + 1], w0, w1)];
        out[planeR + outRow + dx] = valueOf[blend(a[k + 2], b[k + 2], w0, w1)];
      }
    }
  }

  /** Horizontal pass of one source row into {@code dst} (fixed point, 3 ints per output pixel). */
  private void resampleRow(byte[] px, int rowStart, int srcW, int dstW, int[] dst) {
    int last = srcW - 1;
    for (int dx = 0, k = 0; dx < dstW; dx++, k += 3) {
      int sx = xOffset[dx];
      int p0 = rowStart + sx * 3;
      // At the right border the second weight is 0; read the edge pixel instead of past it.
      int p1 = sx < last ? p0 + 3 : p0;
      int w0 = xWeight0[dx];
      int w1 = xWeight1[dx];
      dst[k] = (px[p0] & 0xFF) * w0 + (px[p1] & 0xFF) * w1;
      dst[k + 1] = (px[p0 + 1] & 0xFF) * w0 + (px[p1 + 1] & 0xFF) * w1;
      dst[k + 2] = (px[p0 + 2] & 0xFF) * w0 + (px[p1 + 2] & 0xFF) * w1;
    }
  }

  /**
   * Vertical pass, as OpenCV's x86 SIMD kernel ({@code VResizeLinearVec_32s8u}) rounds it: each
   * product keeps its high 16 bits after a 4-bit pre-shift, then the sum is rounded by 2 bits.
   */
  private static int blend(int top, int bottom, int w0, int w1) {
    int v = (((w0 * (top >> 4)) >> 16) + ((w1 * (bottom >> 4)) >> 16) + 2) >> 2;
    return v < 0 ? 0 : (v > 255 ? 255 : v);
  }

  private static int clamp(int row, int height) {
    return row < 0 ? 0 : (row >= height ? height - 1 : row);
  }
}
