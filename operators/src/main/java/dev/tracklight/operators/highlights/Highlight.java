package dev.tracklight.operators.highlights;

import java.util.List;
import java.util.Objects;

/**
 * One merged, scored moment of a camera's stream.
 *
 * @param id deterministic: {@code <camera>-<startMs>-<endMs>}, so reruns on the same input agree
 * @param camera the camera it belongs to
 * @param startS start, seconds of stream time (padding included)
 * @param endS end, seconds of stream time (padding included)
 * @param score {@code 0..1}; several reasons combine as independent evidence
 * @param reasons names of the rules that contributed, sorted
 * @param trackIds tracks involved, ascending
 * @param classes class names involved, sorted
 * @param peakFrame frame index of the strongest contributing evidence
 */
public record Highlight(String id, String camera, double startS, double endS, double score,
    List<String> reasons, List<Integer> trackIds, List<String> classes, long peakFrame) {

  public Highlight {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(camera, "camera");
    reasons = List.copyOf(reasons);
    trackIds = List.copyOf(trackIds);
    classes = List.copyOf(classes);
    if (!(endS >= startS) || startS < 0) {
      throw new IllegalArgumentException("highlight " + id + " spans " + startS + ".." + endS
          + " s: expected 0 <= start <= end");
    }
  }

  public double durationS() {
    return endS - startS;
  }
}
