package dev.tracklight.operators.highlights;

/** Planar primitives shared by polygon validation and line crossing (normalised coordinates). */
final class Geometry {

  private Geometry() {}

  /**
   * Which side of the directed line {@code a -> b} the point {@code p} lies on: the z component of
   * {@code (b - a) x (p - a)}. With y pointing down, positive is the right-hand side walking from a
   * to b; zero is on the line.
   */
  static double side(double ax, double ay, double bx, double by, double px, double py) {
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
  }

  /** Whether the closed segments {@code p1-p2} and {@code q1-q2} share at least one point. */
  static boolean segmentsIntersect(double p1x, double p1y, double p2x, double p2y,
      double q1x, double q1y, double q2x, double q2y) {
    double d1 = side(q1x, q1y, q2x, q2y, p1x, p1y);
    double d2 = side(q1x, q1y, q2x, q2y, p2x, p2y);
    double d3 = side(p1x, p1y, p2x, p2y, q1x, q1y);
    double d4 = side(p1x, p1y, p2x, p2y, q2x, q2y);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
      return true;
    }
    return (d1 == 0 && onSegment(q1x, q1y, q2x, q2y, p1x, p1y))
        || (d2 == 0 && onSegment(q1x, q1y, q2x, q2y, p2x, p2y))
        || (d3 == 0 && onSegment(p1x, p1y, p2x, p2y, q1x, q1y))
        || (d4 == 0 && onSegment(p1x, p1y, p2x, p2y, q2x, q2y));
  }

  /** For a point known to be collinear with {@code a-b}: whether it lies within the segment. */
  private static boolean onSegment(double ax, double ay, double bx, double by, double px, double py) {
    return px >= Math.min(ax, bx) && px <= Math.max(ax, bx)
        && py >= Math.min(ay, by) && py <= Math.max(ay, by);
  }
}
