package dev.tracklight.operators.tracking;

/**
 * Box IoU with the inclusive-pixel convention of {@code cython_bbox.bbox_overlaps} that ByteTrack
 * uses: a box {@code [x1, x2]} is {@code x2 - x1 + 1} pixels wide. This is not the plain geometric IoU
 * and matters for small boxes, so it is kept separate from evaluation IoU.
 */
final class PixelIou {

  private PixelIou() {}

  static double iou(double ax1, double ay1, double ax2, double ay2, double bx1, double by1,
      double bx2, double by2) {
    double iw = Math.min(ax2, bx2) - Math.max(ax1, bx1) + 1;
    if (iw <= 0) {
      return 0;
    }
    double ih = Math.min(ay2, by2) - Math.max(ay1, by1) + 1;
    if (ih <= 0) {
      return 0;
    }
    double inter = iw * ih;
    double union = (ax2 - ax1 + 1) * (ay2 - ay1 + 1) + (bx2 - bx1 + 1) * (by2 - by1 + 1) - inter;
    // A degenerate (negative-size) Kalman box could make the union non-positive; the original would
    // produce inf/NaN there, which no cost limit admits. 0 keeps the pair inadmissible.
    return union > 0 ? inter / union : 0;
  }
}
