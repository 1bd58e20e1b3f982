package dev.tracklight.inference.preprocess;

/**
 * How a model family expects its square input to be prepared: channel order, value scale, where the
 * resized image sits inside the square and how its size is rounded. Both styles pad with grey 114,
 * the value both upstream projects use.
 */
public enum LetterboxStyle {

  /**
   * YOLOX ({@code yolox/data/data_augment.py preproc}): BGR, values 0..255 unscaled, resized size
   * truncated ({@code int(w * r)}), image anchored at the top-left corner.
   */
  YOLOX_TOP_LEFT(false, 1f, false),

  /**
   * Ultralytics YOLOv8/YOLO11 ({@code LetterBox}): RGB, values divided by 255, resized size rounded
   * ({@code round(w * r)}), image centred with {@code top = round(dh - 0.1)},
   * {@code left = round(dw - 0.1)}.
   */
  ULTRALYTICS_CENTRED(true, 1f / 255f, true);

  /** Grey used by both upstream letterbox implementations for the padding. */
  public static final int PAD_VALUE = 114;

  private final boolean rgb;
  private final float valueScale;
  private final boolean centred;

  LetterboxStyle(boolean rgb, float valueScale, boolean centred) {
    this.rgb = rgb;
    this.valueScale = valueScale;
    this.centred = centred;
  }

  /** Whether plane 0 of the model input is red (else blue, OpenCV's order). */
  public boolean rgb() {
    return rgb;
  }

  /** Factor applied to the 0..255 pixel value. */
  public float valueScale() {
    return valueScale;
  }

  /** Whether the resized image is centred (else placed at the top-left corner). */
  public boolean centred() {
    return centred;
  }

  /** Where an image of the given size lands in a square input of side {@code inputSize}. */
  public LetterboxGeometry geometry(int sourceWidth, int sourceHeight, int inputSize) {
    if (sourceWidth <= 0 || sourceHeight <= 0 || inputSize <= 0) {
      throw new IllegalArgumentException("sizes must be positive: source " + sourceWidth + "x"
          + sourceHeight + ", input " + inputSize);
    }
    double r = Math.min((double) inputSize / sourceHeight, (double) inputSize / sourceWidth);
    int resizedWidth;
    int resizedHeight;
    int left = 0;
    int top = 0;
    if (centred) {
      // Python's round() on values that are never exactly .5 here (w * r is not a half-integer
      // except by coincidence, and dw - 0.1 never is), so Math.round agrees with it.
      resizedWidth = (int) Math.round(sourceWidth * r);
      resizedHeight = (int) Math.round(sourceHeight * r);
      double dw = (inputSize - resizedWidth) / 2.0;
      double dh = (inputSize - resizedHeight) / 2.0;
      left = (int) Math.round(dw - 0.1);
      top = (int) Math.round(dh - 0.1);
    } else {
      resizedWidth = (int) (sourceWidth * r);
      resizedHeight = (int) (sourceHeight * r);
    }
    // Guard against a degenerate 0-pixel side for extreme aspect ratios (e.g. 10000x1).
    resizedWidth = Math.max(1, Math.min(inputSize, resizedWidth));
    resizedHeight = Math.max(1, Math.min(inputSize, resizedHeight));
    return new LetterboxGeometry(sourceWidth, sourceHeight, inputSize, (float) r, resizedWidth,
        resizedHeight, left, top);
  }
}
