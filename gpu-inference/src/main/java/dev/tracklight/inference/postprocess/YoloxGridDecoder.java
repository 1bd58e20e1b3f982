package dev.tracklight.inference.postprocess;

/**
 * Decodes YOLOX's raw grid output {@code [N, 5 + nc]} (rows {@code tx, ty, tw, th, obj, cls...},
 * obj and cls already sigmoid-ed) as YOLOX's {@code demo_postprocess} does: for the anchor at grid
 * cell {@code (gx, gy)} of stride {@code s}, centre {@code ((tx + gx) * s, (ty + gy) * s)}, size
 * {@code (exp(tw) * s, exp(th) * s)}, score {@code obj * max(cls)} with the arg-max class.
 *
 * <p>Immutable after construction (the grid tables are precomputed), so safe to share.
 */
public final class YoloxGridDecoder implements OutputDecoder {

  private final int classes;
  private final int rowLength;
  private final float[] gridX;
  private final float[] gridY;
  private final float[] stride;

  /**
   * @param inputSize square input side; must be divisible by every stride
   * @param strides the feature-map strides in output order (YOLOX: 8, 16, 32)
   */
  public YoloxGridDecoder(int inputSize, int classes, int[] strides) {
    this(inputSize, inputSize, classes, strides);
  }

  /**
   * A decoder for a {@code height x width} input (each level's cells in row-major order, as
   * YOLOX flattens its feature maps).
   *
   * @param strides the feature-map strides in output order (YOLOX: 8, 16, 32); each must divide
   *     both sides
   */
  public YoloxGridDecoder(int height, int width, int classes, int[] strides) {
    if (classes <= 0) {
      throw new IllegalArgumentException("classes must be positive, got " + classes);
    }
    this.classes = classes;
    this.rowLength = 5 + classes;
    int anchors = GridLayout.anchorCount(height, width, strides);
    if (anchors <= 0) {
      throw new IllegalArgumentException("input " + width + "x" + height
          + " is not divisible by the strides " + java.util.Arrays.toString(strides));
    }
    gridX = new float[anchors];
    gridY = new float[anchors];
    stride = new float[anchors];
    int i = 0;
    for (int s : strides) {
      int rows = height / s;
      int columns = width / s;
      for (int y = 0; y < rows; y++) {
        for (int x = 0; x < columns; x++, i++) {
          gridX[i] = x;
          gridY[i] = y;
          stride[i] = s;
        }
      }
    }
  }

  @Override
  public int anchors() {
    return gridX.length;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public int floatsPerImage() {
    return gridX.length * rowLength;
  }

  @Override
  public void decode(float[] output, int offset, float scoreThreshold, CandidateBuffer into) {
    into.clear();
    int anchors = gridX.length;
    for (int a = 0, row = offset; a < anchors; a++, row += rowLength) {
      float obj = output[row + 4];
      // score = obj * cls <= obj, so most background anchors are rejected without a class scan.
      if (!(obj > scoreThreshold)) {
        continue;
      }
      int best = 0;
      float bestScore = output[row + 5];
      for (int c = 1; c < classes; c++) {
        float v = output[row + 5 + c];
        if (v > bestScore) {
          bestScore = v;
          best = c;
        }
      }
      float score = obj * bestScore;
      if (!(score > scoreThreshold)) {
        continue;
      }
      float s = stride[a];
      float cx = (output[row] + gridX[a]) * s;
      float cy = (output[row + 1] + gridY[a]) * s;
      float halfW = (float) Math.exp(output[row + 2]) * s * 0.5f;
      float halfH = (float) Math.exp(output[row + 3]) * s * 0.5f;
      into.add(cx - halfW, cy - halfH, cx + halfW, cy + halfH, score, best);
    }
  }
}
