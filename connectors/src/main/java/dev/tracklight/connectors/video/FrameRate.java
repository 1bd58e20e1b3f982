package dev.tracklight.connectors.video;

/**
 * A frame rate as the exact rational FFmpeg stores ({@code 25/1}, {@code 24000/1001},
 * {@code 179/6}); {@link #fps()} is the derived double. Keeping the rational matters for long
 * videos: rounding 29.97 to a double and accumulating frame durations drifts, the rational does not.
 */
public record FrameRate(long numerator, long denominator) implements java.io.Serializable {

  public FrameRate {
    if (numerator <= 0 || denominator <= 0) {
      throw new IllegalArgumentException("frame rate must be a positive fraction, got "
          + numerator + "/" + denominator);
    }
    long gcd = gcd(numerator, denominator);
    numerator /= gcd;
    denominator /= gcd;
  }

  /** A whole number of frames per second. */
  public static FrameRate of(long fps) {
    return new FrameRate(fps, 1);
  }

  /** Frames per second as a double (for display and arithmetic that tolerates rounding). */
  public double fps() {
    return (double) numerator / denominator;
  }

  /** Presentation time of frame {@code index} in microseconds, computed without drift. */
  public long frameTimeMicros(long index) {
    return Math.round(index * 1_000_000.0 * denominator / numerator);
  }

  /** The nearest frame index to a presentation time in microseconds. */
  public long frameIndexAt(long timeMicros) {
    return Math.round(timeMicros * (double) numerator / (denominator * 1_000_000.0));
  }

  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
