package dev.tracklight.connectors.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;

/**
 * One frame's tracks as a JSON line, the format of {@code tracks.jsonl} and of live track streams:
 * {@code {"camera": ..., "frame": N, "timestamp_ms": T, "tracks": [{"id", "class", "class_id",
 * "det_class", "score", "box": [x1, y1, x2, y2]}]}} ({@code camera} only on multi-camera streams).
 * {@code class} is the track's class, decided over its life (what the video shows and the rules
 * judge); {@code det_class} is what the detector said in this frame. Scores are rounded to 3
 * decimals and boxes to 0.1 px: finer digits are noise.
 */
public final class TrackJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TrackJson() {}

  /** The line; {@code cameraId} null to omit it. */
  public static String line(String cameraId, long frameIndex, long timestampMs, Detections tracks,
      ClassNames names) {
    return line(cameraId, frameIndex, timestampMs, -1, tracks, names);
  }

  /**
   * The line of a live stream, with {@code processed_ms}: when the tracks were produced (epoch ms),
   * so consumers see how far behind capture ({@code timestamp_ms}) the stream runs. Negative omits it.
   */
  public static String line(String cameraId, long frameIndex, long timestampMs, long processedMs,
      Detections tracks, ClassNames names) {
    ObjectNode line = JSON.createObjectNode();
    if (cameraId != null) {
      line.put("camera", cameraId);
    }
    line.put("frame", frameIndex);
    line.put("timestamp_ms", timestampMs);
    if (processedMs >= 0) {
      line.put("processed_ms", processedMs);
    }
    ArrayNode list = line.putArray("tracks");
    for (int i = 0; i < tracks.size(); i++) {
      ObjectNode t = list.addObject();
      t.put("id", tracks.trackId(i));
      t.put("class", names.name(tracks.classId(i)));
      t.put("class_id", tracks.classId(i));
      t.put("det_class", names.name(tracks.detectionClassId(i)));
      t.put("score", Math.round(tracks.score(i) * 1000) / 1000.0);
      t.putArray("box").add(round1(tracks.x1(i))).add(round1(tracks.y1(i)))
          .add(round1(tracks.x2(i))).add(round1(tracks.y2(i)));
    }
    return line.toString();
  }

  /** The tracks of a line {@link #line} wrote (boxes at its 0.1 px precision). */
  public static Detections parseTracks(com.fasterxml.jackson.databind.JsonNode line) {
    com.fasterxml.jackson.databind.JsonNode list = line.path("tracks");
    int n = list.size();
    float[] boxes = new float[4 * n];
    float[] scores = new float[n];
    int[] classes = new int[n];
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      com.fasterxml.jackson.databind.JsonNode t = list.get(i);
      for (int k = 0; k < 4; k++) {
        boxes[4 * i + k] = (float) t.path("box").path(k).asDouble();
      }
      scores[i] = (float) t.path("score").asDouble();
      classes[i] = t.path("class_id").asInt();
      ids[i] = t.path("id").asInt();
    }
    return Detections.of(boxes, scores, classes, ids);
  }

  private static double round1(float v) {
    return Math.round(v * 10) / 10.0;
  }
}
