package dev.tracklight.operators.highlights;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code highlights.json}: {@code {"highlights": [...]}} in the given (ranked) order, each
 * with {@code id, camera, start_s, end_s, score, reasons, track_ids, classes, peak_frame}, and,
 * where media were written for it ({@link HighlightFiles}), {@code clip: {file, start_s, end_s}}
 * and {@code thumbnail}. Times are rounded to milliseconds and scores to four decimals, enough for
 * players and for diffs.
 */
public final class HighlightJsonWriter {

  private static final JsonFactory JSON = new JsonFactory();

  private HighlightJsonWriter() {}

  public static void write(List<Highlight> highlights, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      write(highlights, out);
    }
  }

  /** Writes to {@code out} without closing it. */
  public static void write(List<Highlight> highlights, OutputStream out) throws IOException {
    write(highlights, Map.of(), out);
  }

  /**
   * Writes to {@code out} without closing it, with the media of each highlight that has an entry
   * in {@code filesById} (by {@link Highlight#id()}).
   */
  public static void write(List<Highlight> highlights, Map<String, HighlightFiles> filesById,
      OutputStream out) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeArrayFieldStart("highlights");
      for (Highlight h : highlights) {
        g.writeStartObject();
        g.writeStringField("id", h.id());
        g.writeStringField("camera", h.camera());
        g.writeNumberField("start_s", round(h.startS(), 1000));
        g.writeNumberField("end_s", round(h.endS(), 1000));
        g.writeNumberField("score", round(h.score(), 10000));
        g.writeArrayFieldStart("reasons");
        for (String r : h.reasons()) {
          g.writeString(r);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("track_ids");
        for (int t : h.trackIds()) {
          g.writeNumber(t);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("classes");
        for (String c : h.classes()) {
          g.writeString(c);
        }
        g.writeEndArray();
        g.writeNumberField("peak_frame", h.peakFrame());
        HighlightFiles files = filesById.get(h.id());
        if (files != null) {
          g.writeObjectFieldStart("clip");
          g.writeStringField("file", files.clip());
          g.writeNumberField("start_s", round(files.clipStartS(), 1000));
          g.writeNumberField("end_s", round(files.clipEndS(), 1000));
          g.writeEndObject();
          g.writeStringField("thumbnail", files.thumbnail());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static double round(double v, double scale) {
    return Math.round(v * scale) / scale;
  }
}
