package dev.tracklight.inference.postprocess;

/**
 * Reusable columnar storage for the boxes that pass the score threshold before NMS, in model-input
 * pixels: {@code x1, y1, x2, y2} per candidate, plus score and class.
 *
 * <p><b>State.</b> Sized once for the model's anchor count (a decoder emits at most one candidate
 * per anchor), cleared per image; the owner (one detector, one thread) reuses it for every frame so
 * decoding allocates nothing. Not thread-safe.
 */
public final class CandidateBuffer {

  private final float[] boxes;
  private final float[] scores;
  private final int[] classIds;
  private int count;

  public CandidateBuffer(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    boxes = new float[4 * capacity];
    scores = new float[capacity];
    classIds = new int[capacity];
  }

  public void clear() {
    count = 0;
  }

  /** Appends a candidate; the caller guarantees at most {@link #capacity()} per image. */
  public void add(float x1, float y1, float x2, float y2, float score, int classId) {
    int b = 4 * count;
    boxes[b] = x1;
    boxes[b + 1] = y1;
    boxes[b + 2] = x2;
    boxes[b + 3] = y2;
    scores[count] = score;
    classIds[count] = classId;
    count++;
  }

  /** Drops, in place and keeping order, the candidates whose class is not {@code allowed}. */
  public void retainClasses(boolean[] allowed) {
    int n = 0;
    for (int i = 0; i < count; i++) {
      int c = classIds[i];
      if (c < allowed.length && allowed[c]) {
        if (n != i) {
          System.arraycopy(boxes, 4 * i, boxes, 4 * n, 4);
          scores[n] = scores[i];
          classIds[n] = c;
        }
        n++;
      }
    }
    count = n;
  }

  public int count() {
    return count;
  }

  public int capacity() {
    return scores.length;
  }

  /** Backing array, valid for the first {@link #count()} candidates. */
  public float[] boxes() {
    return boxes;
  }

  /** Backing array, valid for the first {@link #count()} candidates. */
  public float[] scores() {
    return scores;
  }

  /** Backing array, valid for the first {@link #count()} candidates. */
  public int[] classIds() {
    return classIds;
  }
}
