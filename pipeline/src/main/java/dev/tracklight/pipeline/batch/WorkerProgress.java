package dev.tracklight.pipeline.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How far a Batch worker's replay is: what the worker writes as {@value #FILE} beside its results
 * while it runs ({@code {"frames_done","frames_total","updated"}}), and what the console reads for
 * a RUNNING job. Never a result: {@code result.json} stays the only completion signal, and the
 * commit removes this object with the other leftovers of the prefix.
 */
public record WorkerProgress(long framesDone, long framesTotal, Instant updated) {

  /** The object's name under the video's output prefix. */
  public static final String FILE = "_progress.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public WorkerProgress {
    if (framesDone < 0 || framesTotal < 0) {
      throw new IllegalArgumentException("frames must be >= 0, got " + framesDone + "/" + framesTotal);
    }
  }

  /** Fraction done, 0..1; 0 while the total is unknown (0). */
  public double fraction() {
    return framesTotal == 0 ? 0 : Math.min(1.0, framesDone / (double) framesTotal);
  }

  public byte[] toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("frames_done", framesDone);
    m.put("frames_total", framesTotal);
    m.put("updated", updated.toString());
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The progress in an object's bytes, or empty if they are not one (torn, garbled, another
   * writer's): a reader shows no new progress rather than failing the job over it.
   */
  public static Optional<WorkerProgress> parse(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.path("frames_done").canConvertToLong() || !n.path("frames_total").canConvertToLong()
          || !n.path("frames_done").isIntegralNumber() || !n.path("frames_total").isIntegralNumber()) {
        return Optional.empty();
      }
      return Optional.of(new WorkerProgress(n.path("frames_done").asLong(), n.path("frames_total").asLong(),
          Instant.parse(n.path("updated").asText())));
    } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
