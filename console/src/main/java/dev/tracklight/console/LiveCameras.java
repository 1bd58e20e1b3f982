package dev.tracklight.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/live/cameras}: the cameras of a running {@code tracklight run} with their health,
 * from the status file it rewrites every second ({@code live.status} in console.yaml).
 *
 * <p>The run's state is what the page must not get wrong: a run that died leaves its last file
 * behind, with every camera STREAMING. So the answer's {@code run} is {@code running} only while
 * the file is younger than {@code live.stale_seconds} by the injected clock; {@code stale} after
 * that (the run stopped writing: it died or hangs), {@code stopped} when the run said so on the way
 * out, {@code none} without a file, {@code unconfigured} without {@code live.status}, and
 * {@code unreadable} for a file that is not a status file. Cameras are copied field by field (id,
 * state, fps, lag, tracks, frames, alerts, connections, reconnects, last error): nothing else the
 * file might hold reaches the page, and the file's path is not returned.
 *
 * <p>Stateless: each request reads the file (a few KB; the run replaces it atomically).
 */
final class LiveCameras {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> NUMBERS = List.of("fps", "lag_ms", "tracks", "frames", "alerts", "connections",
      "reconnects");

  private final Optional<Path> file;
  private final Duration staleAfter;
  private final Clock clock;

  LiveCameras(LiveSettings settings, Clock clock) {
    this.file = settings.statusFile();
    this.staleAfter = settings.staleAfter();
    this.clock = clock;
  }

  void register(RoutesConfig r) {
    r.get("/api/live/cameras", ctx -> ctx.json(view()));
  }

  /** The answer of {@code GET /api/live/cameras}. */
  ObjectNode view() {
    ObjectNode out = JSON.createObjectNode();
    out.put("stale_after_ms", staleAfter.toMillis());
    ArrayNode cameras = out.putArray("cameras");
    if (file.isEmpty()) {
      return out.put("run", "unconfigured").put("message", "no run status file configured (console.yaml: live.status)");
    }
    JsonNode status;
    try {
      status = JSON.readTree(Files.readAllBytes(file.get()));
    } catch (NoSuchFileException e) {
      return out.put("run", "none").put("message", "no run has written its status yet");
    } catch (IOException e) {
      return out.put("run", "unreadable").put("message", "the run status file cannot be read");
    }
    if (status == null || !status.path("written_ms").canConvertToLong() || !status.path("cameras").isArray()) {
      return out.put("run", "unreadable").put("message", "not a run status file");
    }
    long written = status.get("written_ms").asLong();
    long age = Math.max(0, clock.millis() - written);
    String run;
    if ("stopped".equals(status.path("state").asText())) {
      run = "stopped";
    } else if (age > staleAfter.toMillis()) {
      run = "stale";
    } else {
      run = "running";
    }
    out.put("run", run);
    out.put("job", status.path("job").asText(""));
    out.put("written_ms", written);
    out.put("age_ms", age);
    out.put("started_ms", status.path("started_ms").asLong(0));
    out.put("message", switch (run) {
      case "stopped" -> "the run stopped";
      case "stale" -> "no status for " + age / 1000 + " s: the run is not running (it died or hangs)";
      default -> "running";
    });
    for (JsonNode c : status.get("cameras")) {
      ObjectNode cam = cameras.addObject();
      cam.put("id", c.path("id").asText());
      cam.put("state", c.path("state").asText("UNKNOWN"));
      for (String n : NUMBERS) {
        if (c.path(n).isNumber()) {
          cam.set(n, c.get(n));
        }
      }
      if (c.path("last_error").isTextual()) {
        cam.put("last_error", c.get("last_error").asText());
      } else {
        cam.putNull("last_error");
      }
    }
    return out;
  }
}
