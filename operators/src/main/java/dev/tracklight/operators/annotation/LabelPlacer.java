package dev.tracklight.operators.annotation;

/**
 * Places the labels of one frame so that none covers another, as viewers of DeepStream, Frigate and
 * supervision do when boxes crowd together.
 *
 * <p>Each label wants to sit just above its anchor (a box's top-left corner), or just inside it when
 * there is no room above. If that place overlaps a label already placed, the label moves in steps of
 * its own height, alternately down and up (nearest first), until it overlaps none; labels are kept
 * inside the frame. Only when a whole column of the frame is full (more labels stacked at one place
 * than fit in the frame's height) does a label go to its wanted place regardless. Greedy, in the
 * order the caller places them: earlier labels keep their place.
 *
 * <p>Cost: O(n) per candidate and O(height / label height) candidates per label, so O(n^2) per frame
 * in the worst case; a few dozen labels per frame cost microseconds. Reused across frames
 * ({@link #reset}); not thread-safe.
 */
final class LabelPlacer {

  private int frameWidth;
  private int frameHeight;
  private int[] rects = new int[64]; // x, y, w, h per placed label
  private int count;

  /** Starts a new frame of {@code width x height} with no label placed. */
  void reset(int width, int height) {
    this.frameWidth = width;
    this.frameHeight = height;
    this.count = 0;
  }

  /** Labels placed since {@link #reset}. */
  int count() {
    return count;
  }

  /** Placed label {@code i} as {@code {x, y, w, h}}. */
  int[] rect(int i) {
    return new int[] {rects[4 * i], rects[4 * i + 1], rects[4 * i + 2], rects[4 * i + 3]};
  }

  /**
   * Places a {@code w x h} label for the anchor ({@code anchorX, anchorY}) and records it.
   *
   * @return {@code x} in the high 32 bits and {@code y} in the low 32 bits of the top-left corner
   */
  long place(int anchorX, int anchorY, int w, int h) {
    int x = Math.max(0, Math.min(anchorX, frameWidth - w));
    int wanted = anchorY - h >= 0 ? anchorY - h : anchorY; // above the anchor, else inside the box
    wanted = clampY(wanted, h);
    int y = wanted;
    if (overlapsAny(x, y, w, h)) {
      y = Integer.MIN_VALUE;
      int steps = frameHeight / Math.max(1, h) + 1;
      for (int k = 1; k <= steps && y == Integer.MIN_VALUE; k++) {
        int down = wanted + k * h;
        int up = wanted - k * h;
        if (down + h <= frameHeight && !overlapsAny(x, down, w, h)) {
          y = down;
        } else if (up >= 0 && !overlapsAny(x, up, w, h)) {
          y = up;
        }
      }
      if (y == Integer.MIN_VALUE) {
        y = wanted; // the column is full: nothing better exists
      }
    }
    add(x, y, w, h);
    return ((long) x << 32) | (y & 0xffffffffL);
  }

  static int x(long placed) {
    return (int) (placed >> 32);
  }

  static int y(long placed) {
    return (int) placed;
  }

  private int clampY(int y, int h) {
    return Math.max(0, Math.min(y, frameHeight - h));
  }

  private boolean overlapsAny(int x, int y, int w, int h) {
    for (int i = 0; i < count; i++) {
      int rx = rects[4 * i];
      int ry = rects[4 * i + 1];
      if (x < rx + rects[4 * i + 2] && rx < x + w && y < ry + rects[4 * i + 3] && ry < y + h) {
        return true;
      }
    }
    return false;
  }

  private void add(int x, int y, int w, int h) {
    if (4 * count + 4 > rects.length) {
      rects = java.util.Arrays.copyOf(rects, rects.length * 2);
    }
    rects[4 * count] = x;
    rects[4 * count + 1] = y;
    rects[4 * count + 2] = w;
    rects[4 * count + 3] = h;
    count++;
  }
}
