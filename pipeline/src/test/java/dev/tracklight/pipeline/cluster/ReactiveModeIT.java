package dev.tracklight.pipeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracklight.connectors.testing.RtspTestServer;
import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reactive mode on a standalone application cluster: the JobManager runs {@code tracklight run} as
 * its one job (two looping RTSP cameras) on one one-slot TaskManager; starting a second TaskManager
 * raises the job's parallelism to 2 by itself, and both cameras go on producing track lines from
 * their restored state. Prints how long the rescale took ({@code reactive: {...}}).
 */
class ReactiveModeIT {

  private static final List<String> CAMERAS = List.of("gate", "hall");
  private static final Duration WAIT = Duration.ofSeconds(240);

  // Kept when the test fails: the cluster's logs are under it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp;

  @Test
  void anotherTaskManagerRaisesTheParallelismByItself() throws Exception {
    RtspTestServer.requireAvailable();
    Path video = TestAssets.file("videos/persons_one_by_one_432p.mp4");
    RtspTestServer.Builder rtsp = RtspTestServer.builder().looping(true);
    CAMERAS.forEach(c -> rtsp.mount(c, video));
    Map<String, String> env = Map.of("TRACKLIGHT_ASSETS", TestAssets.root().toAbsolutePath().toString());
    try (RtspTestServer cameras = rtsp.start()) {
      Path tracks = temp.resolve("tracks.jsonl");
      StringBuilder yaml = new StringBuilder("cameras:\n");
      for (String c : CAMERAS) {
        yaml.append("  - {id: ").append(c).append(", url: '").append(cameras.url(c)).append("', fps: 3}\n");
      }
      yaml.append("model: {name: yolox-nano, device: cpu, classes: [person]}\n")
          .append("checkpointing: {interval_ms: 2000, dir: '").append(temp.resolve("chk").toUri()).append("'}\n")
          .append("sinks: {jsonl: '").append(tracks).append("', alerts: {jsonl: '")
          .append(temp.resolve("alerts.jsonl")).append("'}}\n");
      Path config = Files.writeString(temp.resolve("cameras.yaml"), yaml.toString());
      try (LocalFlinkCluster cluster = LocalFlinkCluster.start(temp.resolve("app"), List.of("--taskmanagers", "1",
          "--slots", "1", "--reactive", "--application", "run --config " + config), env, Set.of())) {
        String jobId = awaitJobAtParallelism(cluster, 1);
        awaitTracksOfEveryCamera(tracks, 0, cluster);
        long added = System.nanoTime();
        long addedEpochMs = System.currentTimeMillis();
        cluster.addTaskManager();
        assertEquals(jobId, awaitJobAtParallelism(cluster, 2), "the same job, rescaled in place");
        double rescaleS = (System.nanoTime() - added) / 1e9;
        awaitTracksOfEveryCamera(tracks, addedEpochMs, cluster);
        System.out.println("reactive: {\"taskmanagers\": 2, \"parallelism\": 2, \"rescale_s\": "
            + String.format(java.util.Locale.ROOT, "%.1f", rescaleS) + "}");
      }
    }
  }

  /** Waits until the cluster's one job runs with every task at {@code parallelism} (the widest). */
  private static String awaitJobAtParallelism(LocalFlinkCluster cluster, int parallelism) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
        if (!job.path("state").asText().equals("RUNNING")) {
          continue;
        }
        JsonNode details = cluster.get("/jobs/" + job.path("jid").asText());
        int widest = 0;
        boolean running = true;
        for (JsonNode v : details.path("vertices")) {
          widest = Math.max(widest, v.path("parallelism").asInt());
          running &= v.path("status").asText().equals("RUNNING");
        }
        if (widest == parallelism && running) {
          return job.path("jid").asText();
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no job running at parallelism " + parallelism + ":\n" + cluster.logs());
  }

  private static void awaitTracksOfEveryCamera(Path tracks, long sinceEpochMs, LocalFlinkCluster cluster)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Set<String> seen = new HashSet<>();
      if (Files.exists(tracks)) {
        for (String l : Files.readAllLines(tracks)) {
          try {
            JsonNode n = LocalFlinkCluster.JSON.readTree(l);
            if (n.path("timestamp_ms").asLong() >= sinceEpochMs && n.path("tracks").size() > 0) {
              seen.add(n.path("camera").asText());
            }
          } catch (java.io.IOException partial) {
            // a line being written
          }
        }
      }
      if (seen.containsAll(CAMERAS)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not every camera has track lines since " + sinceEpochMs + ":\n" + cluster.logs());
  }
}
