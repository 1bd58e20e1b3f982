package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.live.CameraState;
import dev.tracklight.connectors.live.LiveStatusBoard.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text of {@code tracklight run}'s live status: one compact line per camera (state, fps over the
 * last interval, capture-to-tracks lag, tracks in view, alerts), and the summary line per camera
 * when the job stops. Pure: it is given snapshots and the time they were taken, and remembers the
 * previous snapshot to turn frame counts into rates.
 *
 * <p>Not thread-safe: one status thread (and the stop hook after it) use it.
 */
final class LiveStatusView {

  private final long startNanos;
  private Map<String, Snapshot> previous = Map.of();
  private long previousNanos;

  LiveStatusView(long startNanos) {
    this.startNanos = startNanos;
    this.previousNanos = startNanos;
  }

  /**
   * One line per camera for {@code now}, e.g.
   * {@code lobby   STREAMING     5.0 fps  lag 180 ms  3 tracks  12 alerts}. Cameras no operator
   * has reported yet are shown as {@code CONNECTING}.
   */
  List<String> lines(List<String> cameraIds, Map<String, Snapshot> now, long nowNanos) {
    double seconds = Math.max(1e-9, (nowNanos - previousNanos) / 1e9);
    int width = cameraIds.stream().mapToInt(String::length).max().orElse(0);
    List<String> out = new ArrayList<>(cameraIds.size());
    for (String id : cameraIds) {
      Snapshot s = now.get(id);
      if (s == null) {
        out.add(String.format(Locale.ROOT, "%-" + width + "s  %-12s", id, "CONNECTING"));
        continue;
      }
      Snapshot before = previous.get(id);
      double fps = (s.frames() - (before == null ? 0 : before.frames())) / seconds;
      out.add(String.format(Locale.ROOT, "%-" + width + "s  %-12s  %5.1f fps  lag %s  %d track%s  %d alert%s",
          id, s.state(), fps, s.lagMs() < 0 ? "-" : s.lagMs() + " ms", s.tracks(), s.tracks() == 1 ? "" : "s",
          s.alerts(), s.alerts() == 1 ? "" : "s")
          + (s.state() != CameraState.STREAMING && s.lastError() != null ? "  last error: " + s.lastError() : ""));
    }
    previous = new HashMap<>(now);
    previousNanos = nowNanos;
    return out;
  }

  /**
   * The summary line of each camera when the job stops, e.g. {@code lobby: 1520 frames in 5:04
   * (5.0 fps), 12 alerts, 2 connections, last state STREAMING}; a camera that never streamed says
   * why ({@code last error: ...}).
   */
  List<String> summary(List<String> cameraIds, Map<String, Snapshot> now, long nowNanos) {
    long seconds = Math.max(0, (nowNanos - startNanos) / 1_000_000_000L);
    String took = String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    List<String> out = new ArrayList<>(cameraIds.size());
    for (String id : cameraIds) {
      Snapshot s = now.get(id);
      if (s == null) {
        out.add(id + ": no frames in " + took + " (the camera was never reached)");
        continue;
      }
      String line = String.format(Locale.ROOT, "%s: %d frames in %s (%.1f fps), %d alert%s, %d connection%s,"
          + " last state %s", id, s.frames(), took, s.frames() / Math.max(1.0, (nowNanos - startNanos) / 1e9),
          s.alerts(), s.alerts() == 1 ? "" : "s", s.connections(), s.connections() == 1 ? "" : "s", s.state());
      if (s.connections() == 0 && s.lastError() != null) {
        line += "; last error: " + s.lastError();
      }
      out.add(line);
    }
    return out;
  }
}
