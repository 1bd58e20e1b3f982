package dev.tracklight.inference.preprocess;

/**
 * Where a source image was placed inside a square model input: the scale {@code r} applied to it,
 * the size it was resized to, and the padding before it. Maps model-input coordinates back to
 * source pixels the way both upstream projects do ({@code (v - pad) / r}), without clipping.
 */
public record LetterboxGeometry(int sourceWidth, int sourceHeight, int inputSize, float scale,
    int resizedWidth, int resizedHeight, int padLeft, int padTop) {

  public LetterboxGeometry {
    if (scale <= 0 || resizedWidth <= 0 || resizedHeight <= 0
        || padLeft < 0 || padTop < 0
        || padLeft + resizedWidth > inputSize || padTop + resizedHeight > inputSize) {
      throw new IllegalArgumentException("inconsistent letterbox geometry: scale " + scale
          + ", resized " + resizedWidth + "x" + resizedHeight + " at (" + padLeft + "," + padTop
          + ") in " + inputSize + "x" + inputSize);
    }
  }

  /** Source x of a model-input x. */
  public float toSourceX(float x) {
    return (x - padLeft) / scale;
  }

  /** Source y of a model-input y. */
  public float toSourceY(float y) {
    return (y - padTop) / scale;
  }
}
