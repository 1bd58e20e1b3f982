package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.live.CameraState;
import dev.tracklight.connectors.live.CameraUrl;
import dev.tracklight.connectors.live.LiveStatusBoard;
import dev.tracklight.connectors.live.LiveStatusBoard.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tracklight run}'s status file ({@code status.json}): what {@link LiveStatusBoard} knows
 * about each camera, rewritten every {@link #INTERVAL} for the web console's Live page, which
 * reads it and calls a run whose file stopped changing stale (the run died) or {@code stopped}
 * (it said so on the way out, {@link #stop}).
 *
 * <p>Format ({@value #SCHEMA}): {@code {"schema", "state": "running"|"stopped", "written_ms",
 * "started_ms", "interval_ms", "job", "cameras": [{"id", "state", "fps", "lag_ms", "tracks",
 * "frames", "alerts", "connections", "reconnects", "last_error"}]}}; fps is over the last
 * interval, {@code lag_ms} -1 before a first tracked frame, {@code last_error} null or the reason
 * the last connection failed.
 *
 * <p>Why atomic: the console may read at any moment; each write goes to a temporary file in the
 * same folder, then replaces the file in one rename, so a reader sees the old or the new file,
 * never half of one.
 *
 * <p>Secrets: the readers already redact their errors; the text is scrubbed again here with every
 * configured camera's own secrets and a generic {@code user:password@} / {@code ?password=} rule,
 * because this file is meant to be shown to people who must not see camera credentials. No URL is
 * written (cameras are named by id).
 *
 * <p>Threads: one scheduler thread writes; {@link #stop} (shutdown hook or the command's thread)
 * writes the final file once, under the same lock. Time comes from the injected clock.
 */
final class RunStatusFile implements AutoCloseable {

  static final String SCHEMA = "tracklight.run-status/v1";
  /** The console's freshness check allows a few intervals. */
  static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(RunStatusFile.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String job;
  private final List<String> cameraIds;
  private final List<CameraUrl> urls;
  private final Clock clock;
  private final Supplier<Map<String, Snapshot>> board;
  private final long startedMs;
  private final Object lock = new Object();
  private ScheduledExecutorService scheduler;
  private Map<String, Snapshot> previous = Map.of();
  private long previousMs;
  private boolean stopped;
  private boolean warned;

  /**
   * @param cameraUrls each camera's configured address, whose secrets are masked in error texts
   *     (addresses that are not {@code rtsp://} carry none)
   * @param board the figures (LiveStatusBoard::snapshot in {@code run})
   */
  RunStatusFile(Path file, String job, List<String> cameraIds, List<String> cameraUrls, Clock clock,
      Supplier<Map<String, Snapshot>> board) {
    this.file = file.toAbsolutePath();
    this.job = job;
    this.cameraIds = List.copyOf(cameraIds);
    List<CameraUrl> parsed = new ArrayList<>();
    for (String u : cameraUrls) {
      try {
        parsed.add(CameraUrl.parse(u));
      } catch (RuntimeException notRtsp) {
        // kvs:// and file cameras carry no credentials in their address
      }
    }
    this.urls = List.copyOf(parsed);
    this.clock = clock;
    this.board = board;
    this.startedMs = clock.millis();
    this.previousMs = startedMs;
  }

  /** Writes the first file now (so a bad path fails the command at once), then every {@link #INTERVAL}. */
  static RunStatusFile start(Path file, String job, List<String> cameraIds, List<String> cameraUrls) {
    RunStatusFile f = new RunStatusFile(file, job, cameraIds, cameraUrls, Clock.systemUTC(),
        LiveStatusBoard::snapshot);
    try {
      f.write();
    } catch (UncheckedIOException e) {
      throw new dev.tracklight.inference.InvalidInputException("status file " + f.file + " cannot be written: "
          + e.getCause().getMessage());
    }
    f.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tracklight-status-file");
      t.setDaemon(true);
      return t;
    });
    f.scheduler.scheduleWithFixedDelay(f::writeQuietly, INTERVAL.toMillis(), INTERVAL.toMillis(),
        TimeUnit.MILLISECONDS);
    return f;
  }

  private void writeQuietly() {
    try {
      write();
    } catch (UncheckedIOException e) {
      if (!warned) { // a full disk must not fill the log once a second
        warned = true;
        LOG.warn("status file {}: {}", file, e.getCause().getMessage());
      }
    }
  }

  /** Writes the current figures as {@code running} (or nothing once stopped). */
  void write() {
    synchronized (lock) {
      if (!stopped) {
        writeLocked("running");
      }
    }
  }

  /** Writes the final figures as {@code stopped}; only the first call writes. */
  void stop() {
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
      try {
        writeLocked("stopped");
      } catch (UncheckedIOException e) {
        LOG.warn("status file {}: {}", file, e.getCause().getMessage());
      }
    }
  }

  private void writeLocked(String state) {
    long now = clock.millis();
    Map<String, Snapshot> snap = board.get();
    double seconds = Math.max(1e-3, (now - previousMs) / 1000.0);
    ObjectNode root = JSON.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("state", state);
    root.put("written_ms", now);
    root.put("started_ms", startedMs);
    root.put("interval_ms", INTERVAL.toMillis());
    root.put("job", job);
    ArrayNode cams = root.putArray("cameras");
    for (String id : cameraIds) {
      Snapshot s = snap.get(id);
      ObjectNode c = cams.addObject();
      c.put("id", id);
      if (s == null) {
        c.put("state", CameraState.CONNECTING.name());
        c.put("fps", 0.0);
        c.put("lag_ms", -1);
        c.put("tracks", 0);
        c.put("frames", 0);
        c.put("alerts", 0);
        c.put("connections", 0);
        c.put("reconnects", 0);
        c.putNull("last_error");
        continue;
      }
      Snapshot before = previous.get(id);
      double fps = (s.frames() - (before == null ? 0 : before.frames())) / seconds;
      c.put("state", s.state().name());
      c.put("fps", Math.round(fps * 10) / 10.0);
      c.put("lag_ms", s.lagMs());
      c.put("tracks", s.tracks());
      c.put("frames", s.frames());
      c.put("alerts", s.alerts());
      c.put("connections", s.connections());
      c.put("reconnects", Math.max(0, s.connections() - 1));
      if (s.lastError() == null) {
        c.putNull("last_error");
      } else {
        c.put("last_error", scrub(s.lastError()));
      }
    }
    previous = snap;
    previousMs = now;
    try {
      Path dir = file.getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try {
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The error text with every configured camera's secrets and any URL password masked. */
  String scrub(String text) {
    String out = text;
    for (CameraUrl u : urls) {
      out = u.redact(out);
    }
    return CameraUrl.scrub(out);
  }

  Path file() {
    return file;
  }

  @Override
  public void close() {
    stop();
  }
}
