package dev.tracklight.inference.postprocess;

/** Anchor-count arithmetic shared by the grid-based YOLO heads. */
public final class GridLayout {

  /** The strides of the P3-P5 heads both supported families use. */
  public static final int[] DEFAULT_STRIDES = {8, 16, 32};

  private GridLayout() {}

  /** Anchors of a square input: {@code sum((S / s)^2)} over the strides; -1 if S is not divisible. */
  public static int anchorCount(int inputSize, int[] strides) {
    return anchorCount(inputSize, inputSize, strides);
  }

  /**
   * Anchors of a {@code height x width} input: {@code sum((H / s) * (W / s))} over the strides; -1
   * if a side is not divisible by every stride.
   */
  public static int anchorCount(int height, int width, int[] strides) {
    int total = 0;
    for (int s : strides) {
      if (s <= 0 || height % s != 0 || width % s != 0) {
        return -1;
      }
      total += (height / s) * (width / s);
    }
    return total;
  }

  /** The strides 8, 16, ... up to and including {@code maxStride} (a power of two ≥ 8). */
  public static int[] stridesUpTo(int maxStride) {
    if (maxStride < 8 || Integer.bitCount(maxStride) != 1) {
      throw new IllegalArgumentException("max stride must be a power of two >= 8, got " + maxStride);
    }
    int count = Integer.numberOfTrailingZeros(maxStride) - 2;
    int[] strides = new int[count];
    for (int i = 0; i < count; i++) {
      strides[i] = 8 << i;
    }
    return strides;
  }
}
