package dev.tracklight.connectors.live;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the live job's operators in this JVM know about each camera, for {@code tracklight run}'s
 * status lines: state, frames tracked, the last capture-to-tracks lag, tracks in the last frame,
 * alerts, connections. Only an embedded MiniCluster runs its operators in the CLI's process; a job
 * on a remote cluster reports through Flink's metrics instead (the same figures: {@code state},
 * {@code framesPerSecond}, {@code frameToTracksLatencyMs}, ...).
 *
 * <p>Concurrency: written by task threads (the source's health listener, the track-line function,
 * the alert counter), read by the CLI's status thread; each field is an atomic or a volatile, and
 * a {@link Snapshot} may mix values a few microseconds apart, which a status line does not mind.
 * Entries live as long as the JVM (one job per CLI process); {@link #clear} is for tests.
 */
public final class LiveStatusBoard {

  private static final Map<String, Camera> CAMERAS = new ConcurrentHashMap<>();

  private LiveStatusBoard() {}

  /** One camera's figures, updated in place. */
  private static final class Camera {
    volatile CameraState state = CameraState.CONNECTING;
    final AtomicLong frames = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();
    final AtomicLong connections = new AtomicLong();
    volatile long lagMs = -1;
    volatile int tracks;
    volatile String lastError;
  }

  private static Camera camera(String id) {
    return CAMERAS.computeIfAbsent(id, k -> new Camera());
  }

  /** A health event of a camera's reader. */
  public static void health(CameraHealth health) {
    Camera c = camera(health.cameraId());
    if (health.state() == CameraState.STREAMING && c.state != CameraState.STREAMING) {
      c.connections.incrementAndGet();
    }
    c.state = health.state();
    if (health.lastError() != null) {
      c.lastError = health.lastError();
    }
  }

  /** A frame of {@code cameraId} came out of tracking {@code lagMs} after capture, with this many tracks. */
  public static void frameTracked(String cameraId, long lagMs, int tracks) {
    Camera c = camera(cameraId);
    c.frames.incrementAndGet();
    c.lagMs = lagMs;
    c.tracks = tracks;
  }

  /** An alert of {@code cameraId} was emitted. */
  public static void alert(String cameraId) {
    camera(cameraId).alerts.incrementAndGet();
  }

  /**
   * One camera's figures at one moment.
   *
   * @param state the reader's state
   * @param frames frames tracked so far
   * @param lagMs capture-to-tracks time of the last tracked frame, or -1 before the first
   * @param tracks tracks in the last tracked frame
   * @param alerts alerts so far
   * @param connections successful connections so far (1 + reconnections)
   * @param lastError why the last connection failed or ended (redacted), or null
   */
  public record Snapshot(CameraState state, long frames, long lagMs, int tracks, long alerts,
      long connections, String lastError) {}

  /** Every camera seen so far, by id. */
  public static Map<String, Snapshot> snapshot() {
    Map<String, Snapshot> out = new TreeMap<>();
    CAMERAS.forEach((id, c) -> out.put(id, new Snapshot(c.state, c.frames.get(), c.lagMs, c.tracks,
        c.alerts.get(), c.connections.get(), c.lastError)));
    return out;
  }

  /** Forgets every camera (tests that run several jobs in one JVM). */
  public static void clear() {
    CAMERAS.clear();
  }
}
