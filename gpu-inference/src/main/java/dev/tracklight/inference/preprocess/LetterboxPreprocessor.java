package dev.tracklight.inference.preprocess;

import dev.tracklight.inference.BgrImage;
import java.util.Arrays;

/**
 * Letterbox + bilinear resize + HWC-BGR-bytes → NCHW-float conversion in one pass, in pure Java.
 *
 * <p><b>Resize.</b> Reproduces OpenCV's {@code cv::resize(..., INTER_LINEAR)} for 8-bit images,
 * which is what the upstream Python pipelines (and our reference detections) use: half-pixel
 * centres ({@code src = (dst + 0.5) * scale - 0.5}), horizontal coordinates clamped to the border
 * with the weight moved onto the edge pixel, rows clamped, and OpenCV's fixed-point arithmetic
 * (11-bit weights, the x86 SIMD rounding of the vertical pass). On real photos the result equals
 * OpenCV's byte for byte or differs by 1 grey level in rare pixels. An image already at the resized
 * size is copied (the fixed-point pass would return every byte unchanged).
 *
 * <p><b>Speed.</b> The horizontal pass (a gather from interleaved BGR bytes) stays scalar; it writes
 * each resampled row as three planar int rows, so the vertical pass is one straight integer loop
 * per plane that the JIT vectorises (AVX2: 8 samples per instruction), followed by a scalar int →
 * float store into the NCHW plane. The right source pixel of every pair is the next one (the border
 * columns are rewritten so), which spares the row pass a second offset table and a border test.
 * Column and row coefficients are computed once per source size and reused while it stays the same
 * (a video's frames all share it). The output is bit-identical to the straightforward scalar form;
 * figures in docs/platform-notes.md.
 *
 * <p><b>State and threads.</b> Holds scratch tables sized for one input side (coefficients and two
 * resampled source rows, a few tens of KiB) so that a frame allocates nothing. Not thread-safe: use
 * one instance per thread (a detector owns one and serialises calls).
 *
 * <p><b>Buffers.</b> {@link #process} writes one image's {@code 3 * S * S} floats into the
 * caller-owned array at the given offset, padding included; nothing is retained after the call.
 *
 * <p><b>Fitted canvas.</b> {@link #process(BgrImage, float[], int, int, int)} writes the same
 * letterboxed image (same scale, same pixels) into a canvas smaller than the square, for models
 * that take it: the top-left style's padding is then only what rounds the canvas up to the model's
 * stride. The centred style is always square (its centring depends on the canvas).
 */
public final class LetterboxPreprocessor {

  /** OpenCV's INTER_RESIZE_COEF_BITS: resize weights are fixed-point with 11 fractional bits. */
  private static final int COEF_BITS = 11;
  private static final int COEF_SCALE = 1 << COEF_BITS;

  /** Far above any detector input; keeps {@code 3 * S * S} and the fixed-point sums within int. */
  public static final int MAX_INPUT_SIZE = 8192;

  private final LetterboxStyle style;
  private final int inputSize;
  /** Ultralytics divides by 255 ({@code im /= 255}); YOLOX feeds 0..255 as they are. */
  private final boolean divide;
  private final float padValue;

  // Column coefficients for (columnsFrom -> columnsTo): byte offset of the left source pixel
  // within a row (the right one is the next pixel), and the two weights.
  private final int[] xByte0;
  private final int[] xWeight0;
  private final int[] xWeight1;
  private int columnsFrom = -1;
  private int columnsTo = -1;
  // Row coefficients for (rowsFrom -> rowsTo): the two (clamped) source rows and their weights.
  private final int[] yRow0;
  private final int[] yRow1;
  private final int[] yWeight0;
  private final int[] yWeight1;
  private int rowsFrom = -1;
  private int rowsTo = -1;
  /** Two horizontally resampled source rows, each planar: B at [0, S), G at [S, 2S), R at [2S, 3S). */
  private int[] rowA;
  private int[] rowB;
  /** One output row of one channel before its conversion to float. */
  private final int[] blended;
  /** The canvas of the current {@link #process} call: its width is the output row stride. */
  private int canvasWidth;
  private int canvasHeight;

  public LetterboxPreprocessor(LetterboxStyle style, int inputSize) {
    if (inputSize <= 0 || inputSize > MAX_INPUT_SIZE) {
      throw new IllegalArgumentException("input size must be in 1.." + MAX_INPUT_SIZE + ", got " + inputSize);
    }
    this.style = style;
    this.inputSize = inputSize;
    this.divide = style.valueScale() != 1f;
    this.padValue = toValue(LetterboxStyle.PAD_VALUE);
    xByte0 = new int[inputSize];
    xWeight0 = new int[inputSize];
    xWeight1 = new int[inputSize];
    yRow0 = new int[inputSize];
    yRow1 = new int[inputSize];
    yWeight0 = new int[inputSize];
    yWeight1 = new int[inputSize];
    rowA = new int[3 * inputSize];
    rowB = new int[3 * inputSize];
    blended = new int[inputSize];
  }

  public LetterboxStyle style() {
    return style;
  }

  public int inputSize() {
    return inputSize;
  }

  /** Floats one image occupies in the NCHW input: {@code 3 * S * S}. */
  public int floatsPerImage() {
    return 3 * inputSize * inputSize;
  }

  /**
   * Letterboxes {@code image} into {@code out[offset, offset + floatsPerImage())} as three planes
   * (RGB or BGR per the style) and returns where the image landed.
   */
  public LetterboxGeometry process(BgrImage image, float[] out, int offset) {
    return process(image, out, offset, inputSize, inputSize);
  }

  /**
   * Letterboxes {@code image} as {@link #process(BgrImage, float[], int)} does, into a canvas of
   * {@code canvasHeight x canvasWidth} ({@code 3 * canvasHeight * canvasWidth} floats) that must
   * hold the resized image; the image is placed and scaled exactly as in the square.
   *
   * @throws IllegalArgumentException if the canvas is larger than the square, does not hold the
   *     resized image, or is not square for the centred style
   */
  public LetterboxGeometry process(BgrImage image, float[] out, int offset, int canvasHeight,
      int canvasWidth) {
    if (canvasHeight < 1 || canvasWidth < 1 || canvasHeight > inputSize || canvasWidth > inputSize
        || (style.centred() && (canvasHeight != inputSize || canvasWidth != inputSize))) {
      throw new IllegalArgumentException("canvas " + canvasWidth + "x" + canvasHeight
          + " not supported for " + style + " at input size " + inputSize);
    }
    int plane = canvasHeight * canvasWidth;
    if (offset < 0 || out.length - offset < 3 * plane) {
      throw new IllegalArgumentException("output needs " + 3 * plane + " floats from offset "
          + offset + ", array has " + out.length);
    }
    LetterboxGeometry g = style.geometry(image.width(), image.height(), inputSize);
    if (g.padLeft() + g.resizedWidth() > canvasWidth || g.padTop() + g.resizedHeight() > canvasHeight) {
      throw new IllegalArgumentException("canvas " + canvasWidth + "x" + canvasHeight
          + " does not hold the " + g.resizedWidth() + "x" + g.resizedHeight() + " resized image");
    }
    this.canvasWidth = canvasWidth;
    this.canvasHeight = canvasHeight;
    fillPadding(g, out, offset);
    if (g.resizedWidth() == image.width() && g.resizedHeight() == image.height()) {
      copyInto(image, g, out, offset);
    } else {
      resizeInto(image, g, out, offset);
    }
    return g;
  }

  /** The model input value of pixel value {@code v} (0..255). */
  private float toValue(int v) {
    // Division (not multiplication by 1/255) to match Ultralytics' `im /= 255` bit for bit.
    return divide ? v / 255f : v;
  }

  private void fillPadding(LetterboxGeometry g, float[] out, int offset) {
    int s = canvasWidth;
    int plane = canvasHeight * s;
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

  /** Offset of the plane that takes source channel {@code c} (0 = B, 1 = G, 2 = R). */
  private int planeOf(int c, int offset) {
    int p = style.rgb() ? 2 - c : c;
    return offset + p * canvasHeight * canvasWidth;
  }

  /** Same size: each byte becomes its value, as the resize would leave it. */
  private void copyInto(BgrImage image, LetterboxGeometry g, float[] out, int offset) {
    int w = image.width();
    byte[] px = image.pixels();
    int planeB = planeOf(0, offset);
    int planeG = planeOf(1, offset);
    int planeR = planeOf(2, offset);
    for (int y = 0; y < image.height(); y++) {
      int o = (g.padTop() + y) * canvasWidth + g.padLeft();
      for (int x = 0, k = y * w * 3; x < w; x++, k += 3, o++) {
        out[planeB + o] = toValue(px[k] & 0xFF);
        out[planeG + o] = toValue(px[k + 1] & 0xFF);
        out[planeR + o] = toValue(px[k + 2] & 0xFF);
      }
    }
  }

  private void resizeInto(BgrImage image, LetterboxGeometry g, float[] out, int offset) {
    int srcW = image.width();
    int srcH = image.height();
    int dstW = g.resizedWidth();
    int dstH = g.resizedHeight();
    byte[] px = image.pixels();
    int s = canvasWidth;
    prepareColumns(srcW, dstW);
    prepareRows(srcH, dstH);

    // The two resampled source rows; consecutive output rows mostly share them.
    int loadedA = -1;
    int loadedB = -1;
    int planeB = planeOf(0, offset);
    int planeG = planeOf(1, offset);
    int planeR = planeOf(2, offset);
    for (int dy = 0; dy < dstH; dy++) {
      int r0 = yRow0[dy];
      int r1 = yRow1[dy];
      if (loadedA != r0 && loadedB != r0 && r1 != r0) {
        // Both rows are new (every output row when shrinking by more than 1.5x): one pass over
        // the column table for the two.
        resampleRows(px, r0 * srcW * 3, r1 * srcW * 3, dstW, rowA, rowB);
        loadedA = r0;
        loadedB = r1;
      }
      if (loadedA != r0) {
        if (loadedB == r0) {
          int[] t = rowA;
          rowA = rowB;
          rowB = t;
          loadedB = loadedA;
        } else {
          resampleRow(px, r0 * srcW * 3, dstW, rowA);
        }
        loadedA = r0;
      }
      if (loadedB != r1) {
        resampleRow(px, r1 * srcW * 3, dstW, rowB);
        loadedB = r1;
      }
      int outRow = (g.padTop() + dy) * s + g.padLeft();
      int w0 = yWeight0[dy];
      int w1 = yWeight1[dy];
      // The resampled rows are planar with the square's stride, whatever the canvas.
      blendRow(rowA, rowB, 0, w0, w1, out, planeB + outRow, dstW);
      blendRow(rowA, rowB, inputSize, w0, w1, out, planeG + outRow, dstW);
      blendRow(rowA, rowB, 2 * inputSize, w0, w1, out, planeR + outRow, dstW);
    }
  }

  /** Column coefficients for {@code srcW -> dstW}, unless they are already in place. */
  private void prepareColumns(int srcW, int dstW) {
    if (srcW == columnsFrom && dstW == columnsTo) {
      return;
    }
    // OpenCV derives the step from the integer sizes, not from r.
    double scaleX = (double) srcW / dstW;
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
      int w0 = (int) Math.rint((1f - fx) * COEF_SCALE);
      int w1 = (int) Math.rint(fx * COEF_SCALE);
      if (sx == srcW - 1 && srcW > 1) {
        // The edge pixel with all the weight, read as the right one of the pair (srcW - 2,
        // srcW - 1) so that the second pixel is always the next one: the same products, and the
        // row pass needs no second offset or border test.
        sx = srcW - 2;
        w1 = w0;
        w0 = 0;
      }
      xByte0[dx] = sx * 3;
      xWeight0[dx] = w0;
      xWeight1[dx] = w1;
    }
    columnsFrom = srcW;
    columnsTo = dstW;
  }

  /** Row coefficients for {@code srcH -> dstH}, unless they are already in place. */
  private void prepareRows(int srcH, int dstH) {
    if (srcH == rowsFrom && dstH == rowsTo) {
      return;
    }
    double scaleY = (double) srcH / dstH;
    for (int dy = 0; dy < dstH; dy++) {
      float fy = (float) ((dy + 0.5) * scaleY - 0.5);
      int sy = (int) Math.floor(fy);
      fy -= sy;
      yWeight0[dy] = (int) Math.rint((1f - fy) * COEF_SCALE);
      yWeight1[dy] = (int) Math.rint(fy * COEF_SCALE);
      yRow0[dy] = clamp(sy, srcH);
      yRow1[dy] = clamp(sy + 1, srcH);
    }
    rowsFrom = srcH;
    rowsTo = dstH;
  }

  /** Horizontal pass of one source row into planar {@code dst} (fixed point, 11-bit weights). */
  private void resampleRow(byte[] px, int rowStart, int dstW, int[] dst) {
    int g = inputSize;
    int r = 2 * inputSize;
    // The right pixel is the next one, except in a 1-pixel-wide image (its weight is then 0).
    int next = columnsFrom > 1 ? 3 : 0;
    for (int dx = 0; dx < dstW; dx++) {
      int p0 = rowStart + xByte0[dx];
      int p1 = p0 + next;
      int w0 = xWeight0[dx];
      int w1 = xWeight1[dx];
      dst[dx] = (px[p0] & 0xFF) * w0 + (px[p1] & 0xFF) * w1;
      dst[g + dx] = (px[p0 + 1] & 0xFF) * w0 + (px[p1 + 1] & 0xFF) * w1;
      dst[r + dx] = (px[p0 + 2] & 0xFF) * w0 + (px[p1 + 2] & 0xFF) * w1;
    }
  }

  /** {@link #resampleRow} of two source rows at once, sharing the column table's loads. */
  private void resampleRows(byte[] px, int startA, int startB, int dstW, int[] a, int[] b) {
    int g = inputSize;
    int r = 2 * inputSize;
    int next = columnsFrom > 1 ? 3 : 0;
    for (int dx = 0; dx < dstW; dx++) {
      int x = xByte0[dx];
      int w0 = xWeight0[dx];
      int w1 = xWeight1[dx];
      int p0 = startA + x;
      int p1 = p0 + next;
      a[dx] = (px[p0] & 0xFF) * w0 + (px[p1] & 0xFF) * w1;
      a[g + dx] = (px[p0 + 1] & 0xFF) * w0 + (px[p1 + 1] & 0xFF) * w1;
      a[r + dx] = (px[p0 + 2] & 0xFF) * w0 + (px[p1 + 2] & 0xFF) * w1;
      p0 = startB + x;
      p1 = p0 + next;
      b[dx] = (px[p0] & 0xFF) * w0 + (px[p1] & 0xFF) * w1;
      b[g + dx] = (px[p0 + 1] & 0xFF) * w0 + (px[p1 + 1] & 0xFF) * w1;
      b[r + dx] = (px[p0 + 2] & 0xFF) * w0 + (px[p1 + 2] & 0xFF) * w1;
    }
  }

  /**
   * Vertical pass of one channel, as OpenCV's x86 SIMD kernel ({@code VResizeLinearVec_32s8u})
   * rounds it: each product keeps its high 16 bits after a 4-bit pre-shift, then the sum is rounded
   * by 2 bits. OpenCV then saturates to a byte; here that is a no-op and left out, because each
   * pair of weights sums to at most {@code 2^11 + 1} (two rounded halves), so a sum of 255s comes
   * to at most {@code (1020 + 2) >> 2 = 255}, and nothing is negative.
   *
   * <p>Two loops, because C2 in JDK 17 does not vectorise int → float conversion and then
   * vectorises nothing in the loop: the integer arithmetic runs as one vectorised loop into a
   * scratch row, the conversion as a second, scalar one (measured: 2.5-3x faster than one loop).
   */
  private void blendRow(int[] top, int[] bottom, int from, int w0, int w1, float[] out, int to,
      int n) {
    int[] v = blended;
    for (int i = 0; i < n; i++) {
      v[i] = (((w0 * (top[from + i] >> 4)) >> 16) + ((w1 * (bottom[from + i] >> 4)) >> 16) + 2) >> 2;
    }
    if (divide) {
      for (int i = 0; i < n; i++) {
        out[to + i] = v[i] / 255f;
      }
    } else {
      for (int i = 0; i < n; i++) {
        out[to + i] = v[i];
      }
    }
  }

  private static int clamp(int row, int height) {
    return row < 0 ? 0 : (row >= height ? height - 1 : row);
  }
}
