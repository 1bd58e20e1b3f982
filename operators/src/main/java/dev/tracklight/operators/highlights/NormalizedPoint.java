package dev.tracklight.operators.highlights;

/** A point in normalised image coordinates: {@code x} right, {@code y} down, both in {@code 0..1}. */
public record NormalizedPoint(double x, double y) implements java.io.Serializable {

  /** Whether both coordinates are finite and within {@code 0..1}. */
  public boolean inUnitSquare() {
    return x >= 0 && x <= 1 && y >= 0 && y <= 1;
  }

  @Override
  public String toString() {
    return "[" + x + ", " + y + "]";
  }
}
