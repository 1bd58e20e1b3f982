package dev.tracklight.inference.postprocess;

import java.util.Arrays;

/**
 * Greedy, class-aware non-maximum suppression over primitive arrays (same decisions as OpenCV's
 * {@code cv::dnn::NMSBoxes} run per class, and as Ultralytics' class-offset trick): within each
 * class, visit boxes by descending score and drop every later box whose IoU with a kept one exceeds
 * the threshold.
 *
 * <p><b>How it is fast.</b> One {@code long} sort key per candidate packs class, inverted score and
 * index ({@code class:11 | 2^30 - scoreBits:30 | index:22}), so a single primitive sort groups the
 * candidates by class and orders each group by score with no boxing and no comparator; the IoU loop
 * then only compares boxes of the same class. Scores in {@code [0, 1]} have IEEE bit patterns that
 * order like the values and fit 30 bits.
 *
 * <p><b>State.</b> Scratch arrays grow to the largest candidate count seen and are reused; not
 * thread-safe, one instance per detector (or per benchmark thread).
 */
public final class NonMaxSuppression {

  /** Class ids must fit the 11 bits of the sort key. */
  public static final int MAX_CLASSES = 1 << 11;
  /** Candidate indices must fit the 22 bits of the sort key. */
  public static final int MAX_CANDIDATES = 1 << 22;

  private static final int ONE_BITS = Float.floatToIntBits(1f);

  private long[] keys = new long[0];
  private boolean[] suppressed = new boolean[0];
  private float[] areas = new float[0];

  /**
   * Runs NMS and writes the surviving candidate indices to {@code keptOut}, highest score first.
   *
   * @param boxes {@code x1, y1, x2, y2} per candidate
   * @param scores scores in {@code [0, 1]} (larger values are treated as 1 for ordering)
   * @param classIds class per candidate, in {@code [0, MAX_CLASSES)}
   * @param count number of candidates to consider
   * @param iouThreshold a box is dropped when its IoU with a kept box of its class is greater
   * @param maxKeep at most this many indices are written (the best ones)
   * @param keptOut receives the kept indices; needs room for {@code min(count, maxKeep)}
   * @return the number of indices written
   */
  public int select(float[] boxes, float[] scores, int[] classIds, int count, float iouThreshold,
      int maxKeep, int[] keptOut) {
    if (count < 0 || count > MAX_CANDIDATES || count > scores.length) {
      throw new IllegalArgumentException("candidate count " + count + " out of range");
    }
    if (count == 0 || maxKeep <= 0) {
      return 0;
    }
    ensureCapacity(count);
    for (int i = 0; i < count; i++) {
      int c = classIds[i];
      if (c < 0 || c >= MAX_CLASSES) {
        throw new IllegalArgumentException("class id " + c + " outside [0, " + MAX_CLASSES + ")");
      }
      keys[i] = ((long) c << 52) | ((long) invertedScore(scores[i]) << 22) | i;
      int b = 4 * i;
      areas[i] = Math.max(0f, boxes[b + 2] - boxes[b]) * Math.max(0f, boxes[b + 3] - boxes[b + 1]);
    }
    Arrays.sort(keys, 0, count);
    Arrays.fill(suppressed, 0, count, false);

    int kept = 0;
    int segmentStart = 0;
    while (segmentStart < count) {
      int cls = (int) (keys[segmentStart] >>> 52);
      int segmentEnd = segmentStart + 1;
      while (segmentEnd < count && (int) (keys[segmentEnd] >>> 52) == cls) {
        segmentEnd++;
      }
      for (int p = segmentStart; p < segmentEnd; p++) {
        if (suppressed[p]) {
          continue;
        }
        int i = (int) (keys[p] & 0x3FFFFF);
        // Reuse the key slot: kept entries are re-sorted by score below.
        keys[kept++] = ((long) invertedScore(scores[i]) << 22) | i;
        int bi = 4 * i;
        float ix1 = boxes[bi];
        float iy1 = boxes[bi + 1];
        float ix2 = boxes[bi + 2];
        float iy2 = boxes[bi + 3];
        float ia = areas[i];
        for (int q = p + 1; q < segmentEnd; q++) {
          if (suppressed[q]) {
            continue;
          }
          int j = (int) (keys[q] & 0x3FFFFF);
          int bj = 4 * j;
          float w = Math.min(ix2, boxes[bj + 2]) - Math.max(ix1, boxes[bj]);
          float h = Math.min(iy2, boxes[bj + 3]) - Math.max(iy1, boxes[bj + 1]);
          if (w <= 0 || h <= 0) {
            continue;
          }
          float inter = w * h;
          // inter / union > t without a division.
          if (inter > iouThreshold * (ia + areas[j] - inter)) {
            suppressed[q] = true;
          }
        }
      }
      segmentStart = segmentEnd;
    }
    // kept <= p, so writing keys[kept] never overwrote an unread sorted key.
    Arrays.sort(keys, 0, kept);
    int n = Math.min(kept, maxKeep);
    for (int k = 0; k < n; k++) {
      keptOut[k] = (int) (keys[k] & 0x3FFFFF);
    }
    return n;
  }

  /** 30-bit value that sorts ascending as the score descends. */
  private static int invertedScore(float score) {
    int bits = score > 0f ? Math.min(Float.floatToIntBits(score), ONE_BITS) : 0;
    return ONE_BITS - bits;
  }

  private void ensureCapacity(int count) {
    if (keys.length < count) {
      int n = Math.max(count, keys.length * 2);
      keys = new long[n];
      suppressed = new boolean[n];
      areas = new float[n];
    }
  }
}
