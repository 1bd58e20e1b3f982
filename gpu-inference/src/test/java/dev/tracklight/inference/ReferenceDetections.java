package dev.tracklight.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expected detections of a {@code reference/*_reference_detections.json} file, per image and per
 * video frame (keys as in the file, e.g. {@code dog.jpg} or
 * {@code people_walking_overhead_720p.mp4#frame170}).
 */
public record ReferenceDetections(String model, Map<String, Entry> images,
    Map<String, Entry> videoFrames) {

  /** One reference detection: class name (Ultralytics spelling), score, {@code x1,y1,x2,y2}. */
  public record Expected(String className, float score, float[] box) {}

  /** The detections of one image or frame. */
  public record Entry(int width, int height, int frameIndex, List<Expected> detections) {}

  public static ReferenceDetections load(Path json) {
    try {
      JsonNode root = new ObjectMapper().readTree(json.toFile());
      return new ReferenceDetections(root.path("model").asText(), entries(root.path("images")),
          entries(root.path("video_frames")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + json, e);
    }
  }

  private static Map<String, Entry> entries(JsonNode node) {
    Map<String, Entry> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(f -> {
      JsonNode e = f.getValue();
      List<Expected> dets = new ArrayList<>();
      for (JsonNode d : e.path("detections")) {
        JsonNode b = d.path("box");
        dets.add(new Expected(d.path("class").asText(), (float) d.path("score").asDouble(),
            new float[] {(float) b.get(0).asDouble(), (float) b.get(1).asDouble(),
                (float) b.get(2).asDouble(), (float) b.get(3).asDouble()}));
      }
      out.put(f.getKey(), new Entry(e.path("width").asInt(), e.path("height").asInt(),
          e.path("frame_index_0based").asInt(-1), List.copyOf(dets)));
    });
    return out;
  }
}
