package dev.tracklight.inference.postprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {

  private final NonMaxSuppression nms = new NonMaxSuppression();

  private int[] run(float[] boxes, float[] scores, int[] classes, float iou, int maxKeep) {
    int[] kept = new int[scores.length];
    int n = nms.select(boxes, scores, classes, scores.length, iou, maxKeep, kept);
    return Arrays.copyOf(kept, n);
  }

  @Test
  void suppressesOverlapsWithinAClassOnly() {
    float[] boxes = {
        0, 0, 10, 10, // 0: person .9
        1, 0, 11, 10, // 1: person .8, IoU .82 with 0 -> dropped
        1, 0, 11, 10, // 2: car .7, other class -> kept
        20, 20, 30, 30, // 3: person .95, no overlap -> kept, first
        5, 0, 15, 10, // 4: person .6, IoU 1/3 with 0 -> kept
    };
    float[] scores = {0.9f, 0.8f, 0.7f, 0.95f, 0.6f};
    int[] classes = {0, 0, 2, 0, 0};
    assertArrayEquals(new int[] {3, 0, 2, 4}, run(boxes, scores, classes, 0.45f, 100));
    assertArrayEquals(new int[] {3, 0}, run(boxes, scores, classes, 0.45f, 2), "best two");
    assertArrayEquals(new int[] {3, 0, 2}, run(boxes, scores, classes, 0.3f, 100),
        "IoU 1/3 > 0.3 drops box 4");
  }

  @Test
  void agreesWithABruteForceReferenceOnClusteredBoxes() {
    Random random = new Random(11);
    for (int round = 0; round < 20; round++) {
      int n = 50 + random.nextInt(1500);
      float[] boxes = new float[4 * n];
      float[] scores = new float[n];
      int[] classes = new int[n];
      for (int i = 0; i < n; i++) {
        // Clusters of jittered boxes, like a detector's neighbouring anchors.
        int cluster = random.nextInt(30);
        float cx = 20 * cluster + random.nextFloat() * 8;
        float cy = 13 * cluster + random.nextFloat() * 8;
        float w = 20 + random.nextFloat() * 10;
        float h = 30 + random.nextFloat() * 10;
        boxes[4 * i] = cx - w / 2;
        boxes[4 * i + 1] = cy - h / 2;
        boxes[4 * i + 2] = cx + w / 2;
        boxes[4 * i + 3] = cy + h / 2;
        scores[i] = random.nextFloat();
        classes[i] = random.nextInt(3);
      }
      assertArrayEquals(bruteForce(boxes, scores, classes, 0.45f),
          run(boxes, scores, classes, 0.45f, Integer.MAX_VALUE), "round " + round);
    }
  }

  private static int[] bruteForce(float[] b, float[] s, int[] c, float t) {
    Integer[] order = new Integer[s.length];
    for (int i = 0; i < s.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> s[x] != s[y] ? Float.compare(s[y], s[x]) : Integer.compare(x, y));
    List<Integer> kept = new ArrayList<>();
    for (int i : order) {
      boolean keep = true;
      for (int k : kept) {
        if (c[k] == c[i] && iou(b, k, i) > t) {
          keep = false;
          break;
        }
      }
      if (keep) {
        kept.add(i);
      }
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double iou(float[] b, int i, int j) {
    double w = Math.min(b[4 * i + 2], b[4 * j + 2]) - Math.max(b[4 * i], b[4 * j]);
    double h = Math.min(b[4 * i + 3], b[4 * j + 3]) - Math.max(b[4 * i + 1], b[4 * j + 1]);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    double inter = w * h;
    double ai = (double) (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
    double aj = (double) (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
    return inter / (ai + aj - inter);
  }

  @Test
  void emptyInputKeepsNothing() {
    assertEquals(0, nms.select(new float[0], new float[0], new int[0], 0, 0.5f, 10, new int[0]));
  }
}
