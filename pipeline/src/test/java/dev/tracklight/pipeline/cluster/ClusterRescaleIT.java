package dev.tracklight.pipeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklight scale} on a real multi-process cluster with the adaptive scheduler and the
 * RocksDB state backend: a replay of two videos submitted at parallelism 1 is rescaled to 2 (its
 * cameras now in two subtasks, on two TaskManagers) and back to 1 while it runs; its outputs equal
 * those of a replay that ran undisturbed: track lines, MOT files, alerts by id. Prints the pauses
 * each rescale caused ({@code cluster-rescale: {...}}).
 */
class ClusterRescaleIT {

  /**
   * Long enough that the job still runs when the second {@code scale} arrives: two checkpoints after
   * the first rescale plus the CLI's start-up. With 120 frames the job finished first on a 2-core
   * machine (8 s at parallelism 2; the second scale then fails, correctly, on a FINISHED job).
   */
  private static final int CLIP_FRAMES = 200;
  private static final Duration REPLAY = Duration.ofSeconds(400);
  private static final Pattern PAUSED = Pattern.compile("runs at parallelism (\\d+) \\(was (\\d+)\\); paused ([0-9.]+) s");

  // Kept when the test fails: the cluster's logs are under it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp;

  @Test
  void replayRescaledOneTwoOneEqualsAnUndisturbedReplay() throws Exception {
    LocalFlinkCluster.TwoVideos two = LocalFlinkCluster.TwoVideos.write(temp, CLIP_FRAMES);
    List<String> videos = two.videos();
    Path rules = two.rules();
    Map<String, String> env = Map.of("TRACKLIGHT_ASSETS", TestAssets.root().toAbsolutePath().toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = LocalFlinkCluster.shadedJar().toAbsolutePath().toString();

    // The reference: the same replay in the embedded MiniCluster, undisturbed.
    Path cleanOut = temp.resolve("clean");
    List<String> clean = new ArrayList<>(List.of(java, "-Xmx2g", "-Dai.djl.offline=true", "-jar", jar, "replay"));
    clean.addAll(videos);
    clean.addAll(List.of("--out", cleanOut.toString(), "--rules", rules.toString(), "--alerts",
        cleanOut.resolve("alerts.jsonl").toString()));
    Files.createDirectories(cleanOut);
    LocalFlinkCluster.ProcessResult cleanRun = LocalFlinkCluster.run(temp, REPLAY, clean, env, Set.of());
    assertEquals(0, cleanRun.exitCode(), cleanRun.output());

    try (LocalFlinkCluster cluster = LocalFlinkCluster.start(temp.resolve("adaptive"),
        List.of("--taskmanagers", "2", "--slots", "1", "--scheduler", "adaptive", "--state-backend", "rocksdb"),
        env, Set.of())) {
      Path out = temp.resolve("rescaled");
      Files.createDirectories(out);
      List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true", "-jar", jar,
          "replay"));
      command.addAll(videos);
      command.addAll(List.of("--out", out.toString(), "--parallelism", "1", "--rules", rules.toString(),
          "--alerts", out.resolve("alerts.jsonl").toString(), "--jobmanager", cluster.restAddress(),
          "--checkpoint-interval-ms", "500", "--checkpoint-dir", temp.resolve("chk").toUri().toString()));
      Process cli = LocalFlinkCluster.launch(temp, command, env, Set.of());
      String jobId = TaskManagerLossIT.awaitRunningJob(cluster, cli);
      List<String> pauses = new ArrayList<>();
      for (int parallelism : new int[] {2, 1}) {
        long done = cluster.get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
        TaskManagerLossIT.awaitCheckpoints(cluster, jobId, (int) done + 2, cli);
        LocalFlinkCluster.ProcessResult scale = LocalFlinkCluster.run(temp, Duration.ofSeconds(180), List.of(java,
            "-Xmx256m", "-jar", jar, "scale", "--jobmanager", cluster.restAddress(), jobId, "--parallelism",
            Integer.toString(parallelism)), Map.of(), Set.of());
        assertEquals(0, scale.exitCode(), "scale to " + parallelism + ":\n" + scale.output() + cluster.logs());
        Matcher m = PAUSED.matcher(scale.output());
        assertTrue(m.find(), scale.output());
        assertEquals(parallelism, Integer.parseInt(m.group(1)), scale.output());
        pauses.add("{\"to\": " + parallelism + ", \"pause_s\": " + m.group(3) + "}");
      }
      LocalFlinkCluster.ProcessResult result = LocalFlinkCluster.await(cli, REPLAY, command);
      assertEquals(0, result.exitCode(), "the rescaled replay failed:\n" + result.output() + cluster.logs());
      System.out.println("cluster-rescale: {\"scheduler\": \"adaptive\", \"state_backend\": \"rocksdb\", \"rescales\": "
          + pauses + "}");

      LocalFlinkCluster.assertSameReplay(cleanOut, out, List.of("hall", "persons"), CLIP_FRAMES);
    }
  }
}
