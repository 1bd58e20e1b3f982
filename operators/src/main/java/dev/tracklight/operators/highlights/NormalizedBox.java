package dev.tracklight.operators.highlights;

/** A box {@code x1, y1, x2, y2} in normalised image coordinates (fractions of width and height). */
public record NormalizedBox(float x1, float y1, float x2, float y2) {

  /** The box back in pixels of a {@code width x height} frame, {@code x1, y1, x2, y2}. */
  public float[] toPixels(int width, int height) {
    return new float[] {x1 * width, y1 * height, x2 * width, y2 * height};
  }
}
