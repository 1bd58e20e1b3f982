package dev.tracklight.pipeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracklight.inference.TestAssets;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JobManager lost mid-replay on a cluster with ZooKeeper high availability (the ZooKeeper server
 * Flink's shaded jar carries, as a separate process): after {@code kill -9} of the JobManager,
 * {@code restart-jobmanager} starts a new one, which takes the job graph and the latest checkpoint
 * from ZooKeeper and the HA storage folder; the TaskManager reconnects and the job finishes with
 * outputs identical to an undisturbed replay. (In production, Kubernetes HA plays ZooKeeper's part:
 * docs/cluster.md.) Prints the recovery time ({@code jobmanager-restart: {...}}).
 */
class JobManagerRestartIT {

  private static final int CLIP_FRAMES = 100;
  private static final Duration REPLAY = Duration.ofSeconds(400);
  private static final String ZOOKEEPER_MAIN =
      "org.apache.flink.shaded.zookeeper3.org.apache.zookeeper.server.ZooKeeperServerMain";

  // Kept when the test fails: the cluster's logs are under it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp;

  @Test
  void aRestartedJobManagerRecoversTheReplayFromItsLatestCheckpoint() throws Exception {
    LocalFlinkCluster.TwoVideos two = LocalFlinkCluster.TwoVideos.write(temp, CLIP_FRAMES);
    List<String> videos = two.videos();
    Path rules = two.rules();
    Map<String, String> env = Map.of("TRACKLIGHT_ASSETS", TestAssets.root().toAbsolutePath().toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = LocalFlinkCluster.shadedJar().toAbsolutePath().toString();

    Path cleanOut = temp.resolve("clean");
    Files.createDirectories(cleanOut);
    List<String> clean = new ArrayList<>(List.of(java, "-Xmx2g", "-Dai.djl.offline=true", "-jar", jar, "replay"));
    clean.addAll(videos);
    clean.addAll(List.of("--out", cleanOut.toString(), "--rules", rules.toString(), "--alerts",
        cleanOut.resolve("alerts.jsonl").toString()));
    LocalFlinkCluster.ProcessResult cleanRun = LocalFlinkCluster.run(temp, REPLAY, clean, env, Set.of());
    assertEquals(0, cleanRun.exitCode(), cleanRun.output());

    int zkPort = LocalFlinkCluster.freePort();
    Path zkData = Files.createDirectories(temp.resolve("zookeeper"));
    Process zookeeper = LocalFlinkCluster.launch(temp, List.of(java, "-Xmx256m",
        "-Dzookeeper.admin.enableServer=false", "-cp", jar, ZOOKEEPER_MAIN,
        Integer.toString(zkPort), zkData.toString()), Map.of(), Set.of());
    try {
      awaitPort(zkPort, zookeeper);
      try (LocalFlinkCluster cluster = LocalFlinkCluster.start(temp.resolve("ha"), List.of("--taskmanagers", "1",
          "--slots", "2", "--ha-zookeeper", "127.0.0.1:" + zkPort), env, Set.of())) {
        Path out = temp.resolve("restarted");
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true", "-jar", jar,
            "replay"));
        command.addAll(videos);
        command.addAll(List.of("--out", out.toString(), "--parallelism", "2", "--rules", rules.toString(),
            "--alerts", out.resolve("alerts.jsonl").toString(), "--jobmanager", cluster.restAddress(),
            "--checkpoint-interval-ms", "500", "--checkpoint-dir", temp.resolve("chk").toUri().toString()));
        Process cli = LocalFlinkCluster.launch(temp, command, env, Set.of());
        String jobId = TaskManagerLossIT.awaitRunningJob(cluster, cli);
        TaskManagerLossIT.awaitCheckpoints(cluster, jobId, 2, cli);

        long killed = System.nanoTime();
        ProcessHandle.of(Long.parseLong(Files.readString(cluster.state.resolve("jobmanager.pid")).strip()))
            .ifPresent(ProcessHandle::destroyForcibly);
        LocalFlinkCluster.ProcessResult restarted = LocalFlinkCluster.run(temp, LocalFlinkCluster.START, List.of(
            cluster.script.toString(), "restart-jobmanager", "--rest-port", Integer.toString(cluster.restPort),
            "--state-dir", cluster.state.toString()), env, Set.of());
        assertEquals(0, restarted.exitCode(), restarted.output() + cluster.logs());
        // The new JobManager knows the job (from ZooKeeper) and runs it again, then to the end.
        long runningAgain = -1;
        long deadline = System.nanoTime() + REPLAY.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
          try {
            JsonNode job = cluster.get("/jobs/" + jobId);
            state = job.path("state").asText();
            if (runningAgain < 0 && (state.equals("RUNNING") || state.equals("FINISHED"))) {
              runningAgain = System.nanoTime();
            }
            if (state.equals("FINISHED") || state.equals("FAILED") || state.equals("CANCELED")) {
              break;
            }
          } catch (java.io.IOException notYet) {
            // the new JobManager is still recovering the job
          }
          Thread.sleep(250);
        }
        assertEquals("FINISHED", state, "the recovered job:\n" + cluster.logs());
        // The client followed the job across the restart, or lost it: the job's outputs decide.
        LocalFlinkCluster.ProcessResult client = LocalFlinkCluster.await(cli, Duration.ofSeconds(120), command);
        System.out.println("jobmanager-restart: {\"ha\": \"zookeeper\", \"job_running_again_s\": "
            + String.format(Locale.ROOT, "%.1f", (runningAgain - killed) / 1e9)
            + ", \"client_exit\": " + client.exitCode() + "}");
        LocalFlinkCluster.assertSameReplay(cleanOut, out, List.of("hall", "persons"), CLIP_FRAMES);
      }
    } finally {
      zookeeper.destroyForcibly().waitFor();
    }
  }

  private static void awaitPort(int port, Process server) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new AssertionError("ZooKeeper exited:\n" + LocalFlinkCluster.output(server));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new AssertionError("ZooKeeper did not listen on " + port + ":\n" + LocalFlinkCluster.output(server));
  }
}
