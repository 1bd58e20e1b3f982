package dev.tracklight.connectors.clips;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.highlights.Highlight;
import java.util.List;

/** Records of the clip function tests: highlights like the rule operator closes them, and boxes. */
final class ClipFrames {

  private ClipFrames() {}

  /** A highlight of {@code camera} over [startMs, endMs], id as {@code HighlightBuilder} makes it. */
  static Highlight highlight(String camera, long startMs, long endMs, long peakFrame, String... rules) {
    return new Highlight(camera + "-" + startMs + "-" + endMs, camera, startMs / 1000.0,
        endMs / 1000.0, 0.8, List.of(rules), List.of(3, 7), List.of("person"), peakFrame);
  }

  /** Two tracked person boxes that move with the frame index, so annotation draws something. */
  static Detections twoPersons(long frameIndex, BgrImage image) {
    float dx = frameIndex % 200;
    float[] boxes = {100 + dx, 100, 220 + dx, 380, 600, 200 + dx / 2, 700, 450 + dx / 2};
    for (int i = 0; i < boxes.length; i++) {
      boxes[i] = Math.min(boxes[i], i % 2 == 0 ? image.width() - 1 : image.height() - 1);
    }
    return Detections.of(boxes, new float[] {0.9f, 0.7f}, new int[] {0, 0}, new int[] {3, 7});
  }
}
