package dev.tracklight.inference.postprocess;

/**
 * Decodes the Ultralytics YOLOv8/YOLO11 detect head {@code [4 + nc, N]} (channel-major: row 0..3
 * are {@code cx, cy, w, h} in input pixels for every anchor, then one row of sigmoid-ed scores per
 * class; no objectness). Score is the best class score, as Ultralytics' NMS does with
 * {@code multi_label=False}.
 *
 * <p><b>State.</b> Keeps per-anchor scratch (best score and class) so the class scan walks memory
 * row by row instead of striding by N; not thread-safe, one instance per detector.
 */
public final class UltralyticsDecoder implements OutputDecoder {

  private final int anchors;
  private final int classes;
  private final float[] bestScore;
  private final int[] bestClass;

  public UltralyticsDecoder(int anchors, int classes) {
    if (anchors <= 0 || classes <= 0) {
      throw new IllegalArgumentException("anchors and classes must be positive, got " + anchors
          + " and " + classes);
    }
    this.anchors = anchors;
    this.classes = classes;
    bestScore = new float[anchors];
    bestClass = new int[anchors];
  }

  @Override
  public int anchors() {
    return anchors;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public int floatsPerImage() {
    return (4 + classes) * anchors;
  }

  @Override
  public void decode(float[] output, int offset, float scoreThreshold, CandidateBuffer into) {
    into.clear();
    int n = anchors;
    System.arraycopy(output, offset + 4 * n, bestScore, 0, n);
    java.util.Arrays.fill(bestClass, 0);
    for (int c = 1; c < classes; c++) {
      int row = offset + (4 + c) * n;
      for (int a = 0; a < n; a++) {
        float v = output[row + a];
        if (v > bestScore[a]) {
          bestScore[a] = v;
          bestClass[a] = c;
        }
      }
    }
    for (int a = 0; a < n; a++) {
      float score = bestScore[a];
      if (!(score > scoreThreshold)) {
        continue;
      }
      float cx = output[offset + a];
      float cy = output[offset + n + a];
      float halfW = output[offset + 2 * n + a] * 0.5f;
      float halfH = output[offset + 3 * n + a] * 0.5f;
      into.add(cx - halfW, cy - halfH, cx + halfW, cy + halfH, score, bestClass[a]);
    }
  }
}
