package dev.tracklight.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares actual detections with reference ones under tolerances, reusable for images and video
 * frames: every reference detection scoring at least {@code minScore} must be matched one-to-one by
 * an actual detection of the same class whose score is within {@code scoreTolerance} and whose four
 * box corners are within {@code boxTolerance} pixels; and no actual detection scoring at least
 * {@code minScore} may be left without a reference counterpart (references below {@code minScore}
 * may absorb actual ones near the threshold).
 */
public record DetectionParity(float minScore, float scoreTolerance, float boxTolerance) {

  /** The project's agreed tolerance: references ≥ 0.33, score ±0.03, corners ±3 px. */
  public static final DetectionParity DEFAULT = new DetectionParity(0.33f, 0.03f, 3f);

  /** The problems found; empty when the detections agree. */
  public List<String> compare(List<ReferenceDetections.Expected> expected, Detections actual,
      ClassNames names) {
    List<String> problems = new ArrayList<>();
    boolean[] used = new boolean[actual.size()];
    // Strong references first so they claim their best matches before weak ones do.
    List<ReferenceDetections.Expected> ordered = new ArrayList<>(expected);
    ordered.sort((a, b) -> Float.compare(b.score(), a.score()));
    for (ReferenceDetections.Expected e : ordered) {
      int best = -1;
      float bestDist = Float.MAX_VALUE;
      for (int i = 0; i < actual.size(); i++) {
        if (used[i] || !names.name(actual.classId(i)).equals(e.className())) {
          continue;
        }
        float dist = cornerDistance(e.box(), actual, i);
        if (dist <= boxTolerance && Math.abs(actual.score(i) - e.score()) <= scoreTolerance
            && dist < bestDist) {
          best = i;
          bestDist = dist;
        }
      }
      if (best >= 0) {
        used[best] = true;
      } else if (e.score() >= minScore) {
        problems.add("missing " + describe(e));
      }
    }
    for (int i = 0; i < actual.size(); i++) {
      if (!used[i] && actual.score(i) >= minScore) {
        problems.add(String.format(Locale.ROOT, "extra %s %.3f [%.1f, %.1f, %.1f, %.1f]",
            names.name(actual.classId(i)), actual.score(i), actual.x1(i), actual.y1(i),
            actual.x2(i), actual.y2(i)));
      }
    }
    return problems;
  }

  private static float cornerDistance(float[] box, Detections d, int i) {
    return Math.max(Math.max(Math.abs(box[0] - d.x1(i)), Math.abs(box[1] - d.y1(i))),
        Math.max(Math.abs(box[2] - d.x2(i)), Math.abs(box[3] - d.y2(i))));
  }

  private static String describe(ReferenceDetections.Expected e) {
    return String.format(Locale.ROOT, "%s %.3f [%.1f, %.1f, %.1f, %.1f]", e.className(), e.score(),
        e.box()[0], e.box()[1], e.box()[2], e.box()[3]);
  }
}
