package dev.tracklight.inference.postprocess;

/**
 * Turns one image's slice of a model's raw output tensor into scored, classed boxes in model-input
 * pixels. This is the only place that knows a family's output layout; everything after it (NMS,
 * mapping back to source pixels) is family-independent.
 */
public interface OutputDecoder {

  /** Anchors (candidate rows) per image. */
  int anchors();

  /** Classes the model scores. */
  int classes();

  /** Floats of output per image. */
  int floatsPerImage();

  /**
   * Appends to {@code into} (after clearing it) every anchor whose best class score is strictly
   * above {@code scoreThreshold}, one candidate per anchor with its best class.
   *
   * @param output the raw output of a batch
   * @param offset index of this image's first float in {@code output}
   */
  void decode(float[] output, int offset, float scoreThreshold, CandidateBuffer into);
}
