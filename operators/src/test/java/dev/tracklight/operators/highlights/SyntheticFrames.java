package dev.tracklight.operators.highlights;

import dev.tracklight.inference.Detections;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds tracked frames from normalised bottom-centre positions on a 1000 x 1000 frame (so
 * normalised coordinates are exact in pixels), and feeds them through an engine.
 */
final class SyntheticFrames {

  static final int SIZE = 1000;
  /** Box half-width and height in normalised units. */
  static final float HALF_W = 0.02f;
  static final float HEIGHT = 0.1f;

  private final List<float[]> rows = new ArrayList<>();

  /** Adds a track standing at {@code (x, y)} (bottom-centre, normalised). */
  SyntheticFrames track(int id, int classId, double x, double y, float score) {
    rows.add(new float[] {id, classId, (float) x, (float) y, score});
    return this;
  }

  SyntheticFrames track(int id, int classId, double x, double y) {
    return track(id, classId, x, y, 0.9f);
  }

  Detections build() {
    int n = rows.size();
    float[] boxes = new float[4 * n];
    float[] scores = new float[n];
    int[] classes = new int[n];
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      float[] r = rows.get(i);
      ids[i] = (int) r[0];
      classes[i] = (int) r[1];
      boxes[4 * i] = (r[2] - HALF_W) * SIZE;
      boxes[4 * i + 1] = (r[3] - HEIGHT) * SIZE;
      boxes[4 * i + 2] = (r[2] + HALF_W) * SIZE;
      boxes[4 * i + 3] = r[3] * SIZE;
      scores[i] = r[4];
    }
    rows.clear();
    return Detections.of(boxes, scores, classes, ids);
  }

  /** Frame {@code k} of a 4 fps stream: 250 ms apart. */
  static List<RuleEvent> feed(RuleEngine engine, long k, Detections tracks) {
    return engine.onFrame(k, k * 250, SIZE, SIZE, tracks);
  }

  static List<EventType> types(List<RuleEvent> events) {
    return events.stream().map(RuleEvent::type).toList();
  }

  private SyntheticFrames() {}

  static SyntheticFrames frame() {
    return new SyntheticFrames();
  }
}
