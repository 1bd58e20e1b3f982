package dev.tracklight.pipeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * TaskManager loss on a real multi-process cluster: two videos replayed at parallelism 2 over two
 * TaskManager JVMs (two slots each, subtasks spread over both), with file checkpoints; one
 * TaskManager is killed with SIGKILL mid-way, the job restores on the survivor, a replacement
 * TaskManager joins, and the outputs are identical to a fault-free run's: track lines, MOT files
 * and alerts (by id). (RocksDB restores are exercised by {@link ClusterRescaleIT}; parallelism 1
 * and 2 giving the same outputs by {@code ReplayJobTest}; the scaling of two TaskManagers is a
 * measurement, not a test: {@code tools/flink-local-cluster.sh} and {@code replay --jobmanager}.)
 *
 * <p>Prints what it measured as JSON lines ({@code cluster-fault: {...}}): the fault-free replay's
 * wall time, recovery (kill → every task running again, and → the first checkpoint after), and the last
 * checkpoint's size and duration.
 */
class TaskManagerLossIT {

  /** Long enough that the kill lands mid-way on a loaded machine, short enough for CI. */
  private static final int CLIP_FRAMES = 100;
  private static final Duration REPLAY = Duration.ofSeconds(400);
  private static final Duration POLL = Duration.ofMillis(100);
  /** The kill waits for this many completed checkpoints: proof the restore starts mid-way. */
  private static final int CHECKPOINTS_BEFORE_KILL = 2;

  // Kept when the test fails: the cluster's logs are under it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp;

  @Test
  void replaySurvivesTheLossOfATaskManagerWithIdenticalOutputs() throws Exception {
    LocalFlinkCluster.TwoVideos two = LocalFlinkCluster.TwoVideos.write(temp, CLIP_FRAMES);
    List<String> videos = two.videos();
    Path rules = two.rules();
    Map<String, String> env = Map.of("TRACKLIGHT_ASSETS", TestAssets.root().toAbsolutePath().toString());

    Path cleanOut;
    try (LocalFlinkCluster cluster = LocalFlinkCluster.start(temp.resolve("a"),
        List.of("--taskmanagers", "2", "--slots", "2"), env, Set.of())) {
      long t0 = System.nanoTime();
      cleanOut = temp.resolve("clean");
      Process cleanCli = replay(cluster, videos, rules, cleanOut, "clean");
      LocalFlinkCluster.ProcessResult clean = LocalFlinkCluster.await(cleanCli, REPLAY, List.of("replay clean"));
      assertEquals(0, clean.exitCode(), "fault-free replay failed:\n" + clean.output() + cluster.logs());
      System.out.println("cluster-fault: {\"run\": \"clean\", \"frames\": " + 2 * CLIP_FRAMES + ", \"p2_wall_s\": "
          + String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - t0) / 1e9) + "}");
      killMidwayAndCompare(cluster, videos, rules, cleanOut, "hashmap");
    }
  }

  private void killMidwayAndCompare(LocalFlinkCluster cluster, List<String> videos, Path rules, Path cleanOut,
      String backend) throws Exception {
    Path out = temp.resolve("faulted-" + backend);
    long t0 = System.nanoTime();
    Process cli = replay(cluster, videos, rules, out, backend);
    String jobId = awaitRunningJob(cluster, cli);
    // This cluster's default scheduler cannot rescale a running job: scale says so, exit 2.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    LocalFlinkCluster.ProcessResult scale = LocalFlinkCluster.run(temp, Duration.ofSeconds(60), List.of(java,
        "-Xmx256m", "-jar", cluster.jar.toAbsolutePath().toString(), "scale", "--jobmanager", cluster.restAddress(),
        jobId, "--parallelism", "1"), Map.of(), Set.of());
    assertEquals(2, scale.exitCode(), scale.output());
    assertTrue(scale.output().contains("expected jobmanager.scheduler: adaptive"), scale.output());
    LocalFlinkCluster.ProcessResult badId = LocalFlinkCluster.run(temp, Duration.ofSeconds(60), List.of(java,
        "-Xmx256m", "-jar", cluster.jar.toAbsolutePath().toString(), "scale", "--jobmanager", cluster.restAddress(),
        "0123456789abcdef0123456789abcdef", "--parallelism", "1"), Map.of(), Set.of());
    assertEquals(2, badId.exitCode(), badId.output());
    assertTrue(badId.output().contains("no job 0123456789abcdef0123456789abcdef on"), badId.output());
    awaitCheckpoints(cluster, jobId, CHECKPOINTS_BEFORE_KILL, cli);
    long checkpointsBefore = cluster.get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();

    long killedAt = System.nanoTime();
    cluster.killTaskManager(1);
    // Recovered: the job went through a restart and every task runs again (on the survivor).
    long runningAgainAt = awaitRestartedAndRunning(cluster, jobId, cli);
    int replacement = cluster.addTaskManager();
    long checkpointAfterAt = awaitCheckpointAfter(cluster, jobId, checkpointsBefore, cli);

    LocalFlinkCluster.ProcessResult result = LocalFlinkCluster.await(cli, REPLAY, List.of("replay " + backend));
    assertEquals(0, result.exitCode(), "replay did not survive the loss:\n" + result.output() + cluster.logs());
    JsonNode checkpoints = cluster.get("/jobs/" + jobId + "/checkpoints");
    JsonNode latest = checkpoints.path("latest").path("completed");
    System.out.println("cluster-fault: {\"run\": \"kill-taskmanager\", \"state_backend\": \"" + backend
        + "\", \"wall_s\": " + seconds(System.nanoTime() - t0)
        + ", \"recovery_running_s\": " + seconds(runningAgainAt - killedAt)
        + ", \"recovery_first_checkpoint_s\": " + seconds(checkpointAfterAt - killedAt)
        + ", \"restarts\": " + restarts(cluster, jobId)
        + ", \"replacement_taskmanager\": " + replacement
        + ", \"checkpoints_completed\": " + checkpoints.path("counts").path("completed").asLong()
        + ", \"last_checkpoint_bytes\": " + latest.path("checkpointed_size").asLong()
        + ", \"last_checkpoint_ms\": " + latest.path("end_to_end_duration").asLong()
        + ", \"cameras\": " + videos.size() + "}");
    assertTrue(restarts(cluster, jobId) >= 1, "the job restarted after the loss");

    LocalFlinkCluster.assertSameReplay(cleanOut, out, List.of("hall", "persons"), CLIP_FRAMES);
  }

  private static Process replay(LocalFlinkCluster cluster, List<String> videos, Path rules, Path out, String name)
      throws Exception {
    return replay(cluster, videos, rules, out, name, 2);
  }

  private static Process replay(LocalFlinkCluster cluster, List<String> videos, Path rules, Path out, String name,
      int parallelism) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.createDirectories(out);
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true", "-jar",
        cluster.jar.toAbsolutePath().toString(), "replay"));
    command.addAll(videos);
    command.addAll(List.of("--out", out.toString(), "--parallelism", Integer.toString(parallelism), "--rules",
        rules.toString(),
        "--alerts", out.resolve("alerts.jsonl").toString(), "--jobmanager", cluster.restAddress(),
        "--checkpoint-interval-ms", "500", "--checkpoint-dir", out.resolveSibling("chk-" + name).toUri().toString()));
    return LocalFlinkCluster.launch(out.getParent(), command,
        Map.of("TRACKLIGHT_ASSETS", TestAssets.root().toAbsolutePath().toString()), Set.of());
  }

  /** The id of the one RUNNING job the CLI submitted. */
  static String awaitRunningJob(LocalFlinkCluster cluster, Process cli) throws Exception {
    long deadline = System.nanoTime() + REPLAY.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive(cli, cluster);
      for (JsonNode job : cluster.get("/jobs/overview").path("jobs")) {
        if (job.path("state").asText().equals("RUNNING")) {
          return job.path("jid").asText();
        }
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError("no running job:\n" + LocalFlinkCluster.output(cli) + cluster.logs());
  }

  static void awaitCheckpoints(LocalFlinkCluster cluster, String jobId, int n, Process cli) throws Exception {
    long deadline = System.nanoTime() + REPLAY.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive(cli, cluster);
      if (cluster.get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt() >= n) {
        return;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError("fewer than " + n + " checkpoints:\n" + cluster.logs());
  }

  /** When the job, after at least one restart, has every task RUNNING (or FINISHED) again. */
  static long awaitRestartedAndRunning(LocalFlinkCluster cluster, String jobId, Process cli)
      throws Exception {
    long deadline = System.nanoTime() + REPLAY.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = cluster.get("/jobs/" + jobId);
      if (restarts(cluster, jobId) >= 1 && job.path("state").asText().equals("RUNNING")) {
        boolean allRunning = true;
        for (JsonNode v : job.path("vertices")) {
          String s = v.path("status").asText();
          allRunning &= s.equals("RUNNING") || s.equals("FINISHED");
        }
        if (allRunning) {
          return System.nanoTime();
        }
      }
      if (job.path("state").asText().equals("FINISHED") || !cli.isAlive()) {
        return System.nanoTime(); // finished before the poll saw it running: no later than now
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new AssertionError("the job did not run again after the loss:\n" + cluster.logs());
  }

  private static long awaitCheckpointAfter(LocalFlinkCluster cluster, String jobId, long before, Process cli)
      throws Exception {
    long deadline = System.nanoTime() + REPLAY.toNanos();
    while (System.nanoTime() < deadline && cli.isAlive()) {
      if (cluster.get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong() > before) {
        return System.nanoTime();
      }
      Thread.sleep(POLL.toMillis());
    }
    return System.nanoTime(); // the job finished first (its final checkpoint counts as the next one)
  }

  static long restarts(LocalFlinkCluster cluster, String jobId) throws Exception {
    // The job's numRestarts metric, as Flink's REST API reports it.
    JsonNode m = cluster.get("/jobs/" + jobId + "/metrics?get=numRestarts");
    for (JsonNode n : m) {
      return Long.parseLong(n.path("value").asText("0"));
    }
    return 0;
  }

  private static void requireAlive(Process cli, LocalFlinkCluster cluster) throws Exception {
    if (!cli.isAlive()) {
      throw new AssertionError("the CLI exited early (" + cli.exitValue() + "):\n" + LocalFlinkCluster.output(cli)
          + cluster.logs());
    }
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e9);
  }
}
