package dev.tracklight.operators.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.highlights.NormalizedBox;
import dev.tracklight.operators.highlights.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The wire form of an {@link Alert}: one JSON object on one line, keys in snake case, absent
 * optional values omitted (not {@code null}); {@code docs/alert.schema.json} is its contract. The
 * first key is {@code "schema": "tracklight.alert.v1"}, so a consumer can route by version before
 * reading the rest. Scores are rounded to 3 decimals and box coordinates to 4 (0.1 px at 1080p).
 */
public final class AlertJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertJson() {}

  /** The alert as one line of JSON (no newline). */
  public static String toJson(Alert a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("schema", Alert.SCHEMA);
    o.put("id", a.id());
    o.put("camera", a.camera());
    o.put("rule", a.rule());
    o.put("rule_type", a.ruleType());
    o.put("type", a.type());
    o.put("severity", a.severity().key());
    o.put("event_time_ms", a.eventTimeMs());
    o.put("emit_time_ms", a.emitTimeMs());
    o.put("frame", a.frame());
    o.put("start_ms", a.startMs());
    if (Alert.HIGHLIGHT.equals(a.type())) {
      o.put("end_ms", a.eventTimeMs()); // a highlight's span, named as a live highlight's is
    }
    ArrayNode tracks = o.putArray("track_ids");
    a.trackIds().forEach(tracks::add);
    ArrayNode classes = o.putArray("classes");
    a.classes().forEach(classes::add);
    putIfPresent(o, "zone", a.zone());
    putIfPresent(o, "line", a.line());
    putIfPresent(o, "direction", a.direction());
    o.put("count", a.count());
    o.put("score", Math.round(a.score() * 1000) / 1000.0);
    if (a.box() != null) {
      NormalizedBox b = a.box();
      o.putArray("box").add(round4(b.x1())).add(round4(b.y1())).add(round4(b.x2())).add(round4(b.y2()));
    }
    putIfPresent(o, "clip_uri", a.clipUri());
    putIfPresent(o, "thumbnail_uri", a.thumbnailUri());
    return o.toString();
  }

  /**
   * Reads one line written by {@link #toJson}.
   *
   * @throws InvalidInputException if it is not JSON, not of schema {@value Alert#SCHEMA}, or lacks
   *     a required field
   */
  public static Alert parse(String line) {
    JsonNode o;
    try {
      o = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("not an alert: invalid JSON (" + e.getOriginalMessage()
          + "); expected one " + Alert.SCHEMA + " object per line");
    }
    if (o == null || !o.isObject()) {
      throw new InvalidInputException("not an alert: expected a JSON object of schema " + Alert.SCHEMA);
    }
    String schema = o.path("schema").asText("");
    if (!Alert.SCHEMA.equals(schema)) {
      throw new InvalidInputException("unsupported alert schema '" + schema + "': expected "
          + Alert.SCHEMA);
    }
    List<Integer> tracks = new ArrayList<>();
    required(o, "track_ids").forEach(t -> tracks.add(t.asInt()));
    List<String> classes = new ArrayList<>();
    required(o, "classes").forEach(c -> classes.add(c.asText()));
    NormalizedBox box = null;
    if (o.has("box")) {
      JsonNode b = o.get("box");
      box = new NormalizedBox((float) b.get(0).asDouble(), (float) b.get(1).asDouble(),
          (float) b.get(2).asDouble(), (float) b.get(3).asDouble());
    }
    return new Alert(text(o, "id"), text(o, "camera"), text(o, "rule"), text(o, "rule_type"),
        text(o, "type"), Severity.valueOf(text(o, "severity").toUpperCase(Locale.ROOT)),
        required(o, "event_time_ms").asLong(), required(o, "emit_time_ms").asLong(),
        required(o, "frame").asLong(), required(o, "start_ms").asLong(), tracks, classes,
        optional(o, "zone"), optional(o, "line"), optional(o, "direction"),
        required(o, "count").asInt(), required(o, "score").asDouble(), box,
        optional(o, "clip_uri"), optional(o, "thumbnail_uri"));
  }

  private static JsonNode required(JsonNode o, String key) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      throw new InvalidInputException("alert lacks '" + key + "': expected every required field of "
          + Alert.SCHEMA);
    }
    return v;
  }

  private static String text(JsonNode o, String key) {
    return required(o, key).asText();
  }

  private static String optional(JsonNode o, String key) {
    JsonNode v = o.get(key);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void putIfPresent(ObjectNode o, String key, String value) {
    if (value != null) {
      o.put(key, value);
    }
  }

  private static double round4(float v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
