package dev.tracklight.operators.highlights;

import java.util.List;

/**
 * A simple polygon in normalised image coordinates. Construction checks the shape (at least three
 * points, all in {@code 0..1}, no two non-adjacent edges touching); {@link RuleParser} reports the
 * same problems with the rule's name and key.
 */
public record Polygon(List<NormalizedPoint> points) implements java.io.Serializable {

  public Polygon {
    points = List.copyOf(points);
    String problem = problem(points);
    if (problem != null) {
      throw new IllegalArgumentException("invalid polygon " + points + ": " + problem);
    }
  }

  /**
   * What is wrong with {@code pts} as a zone, or {@code null}: fewer than three points, a point
   * outside {@code 0..1}, or a self-intersection (two non-adjacent edges meeting).
   */
  static String problem(List<NormalizedPoint> pts) {
    if (pts.size() < 3) {
      return "expected at least 3 points, got " + pts.size();
    }
    for (NormalizedPoint p : pts) {
      if (!p.inUnitSquare()) {
        return "point " + p + " is outside 0..1";
      }
    }
    int n = pts.size();
    for (int i = 0; i < n; i++) {
      NormalizedPoint a = pts.get(i);
      NormalizedPoint b = pts.get((i + 1) % n);
      if (a.equals(b)) {
        return "edge " + i + " has zero length (repeated point " + a + ")";
      }
      for (int j = i + 1; j < n; j++) {
        // Adjacent edges share a vertex by construction; only non-adjacent ones may not meet.
        if (j == i + 1 || (i == 0 && j == n - 1)) {
          continue;
        }
        NormalizedPoint c = pts.get(j);
        NormalizedPoint d = pts.get((j + 1) % n);
        if (Geometry.segmentsIntersect(a.x(), a.y(), b.x(), b.y(), c.x(), c.y(), d.x(), d.y())) {
          return "self-intersecting: edge " + a + "-" + b + " crosses edge " + c + "-" + d;
        }
      }
    }
    if (Math.abs(signedArea(pts)) < 1e-12) {
      return "the points enclose no area";
    }
    return null;
  }

  private static double signedArea(List<NormalizedPoint> pts) {
    double s = 0;
    for (int i = 0, n = pts.size(); i < n; i++) {
      NormalizedPoint a = pts.get(i);
      NormalizedPoint b = pts.get((i + 1) % n);
      s += a.x() * b.y() - b.x() * a.y();
    }
    return s / 2;
  }

  /** Even-odd (ray casting) containment; points exactly on an edge may fall either way. */
  public boolean contains(double x, double y) {
    boolean inside = false;
    for (int i = 0, n = points.size(), j = n - 1; i < n; j = i++) {
      NormalizedPoint a = points.get(i);
      NormalizedPoint b = points.get(j);
      if ((a.y() > y) != (b.y() > y)
          && x < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x()) {
        inside = !inside;
      }
    }
    return inside;
  }
}
