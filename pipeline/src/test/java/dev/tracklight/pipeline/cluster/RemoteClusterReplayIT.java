package dev.tracklight.pipeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.pipeline.testing.TestClips;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay job, unchanged, on a real multi-process Flink session cluster: the JobManager and the
 * TaskManager are separate JVMs started by {@code tools/flink-local-cluster.sh} from the shaded jar,
 * and the CLI is a third JVM ({@code java -jar tracklight.jar replay ... --jobmanager}). Runs in
 * Maven's integration-test phase (failsafe), after {@code package} has built the jar.
 *
 * <p>Two jobs are submitted to the same TaskManager on purpose: the second gets a fresh user-code
 * class loader, which is where native libraries loaded per class loader break (DJL's PyTorch and
 * ONNX Runtime, JavaCPP). Both must finish on the cluster (its REST API says FINISHED) with complete
 * outputs, and, the model and clip being the same, identical tracks.
 */
class RemoteClusterReplayIT {

  /** Short enough for a quick test, long enough for tracks to form (2.4 s at 25 fps). */
  private static final int CLIP_FRAMES = 60;
  /** Generous on 2 shared cores: JVM start, model load and 60 frames of 720p detection. */
  private static final Duration REPLAY = Duration.ofSeconds(150);
  private static final Pattern JOB_ID = Pattern.compile("job ([0-9a-f]{32})\\)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void replayRunsOnAStandaloneClusterTwiceWithCompleteOutputs() throws Exception {
    Path video = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    Path jar = LocalFlinkCluster.shadedJar();
    Path script = LocalFlinkCluster.clusterScript();
    assertTrue(Files.isRegularFile(jar), "no shaded jar at " + jar.toAbsolutePath()
        + "; run ./mvnw verify (package builds it before this test)");
    assertTrue(Files.isExecutable(script), "cluster script missing: " + script.toAbsolutePath());
    Path clip = TestClips.firstFrames(video, CLIP_FRAMES, temp.resolve("clip.mp4"));

    List<Long> clusterPids = new ArrayList<>();
    // Without TRACKLIGHT_ASSETS: the client pins the model to an absolute path, so a TaskManager
    // needs only the same files at the same paths (docs/cluster.md).
    try (LocalFlinkCluster cluster = LocalFlinkCluster.start(temp, List.of("--slots", "2"), Map.of(),
        Set.of("TRACKLIGHT_ASSETS"))) {
      clusterPids.addAll(cluster.pids());
      assertEquals(2, clusterPids.size(), "a JobManager and one TaskManager: " + clusterPids);
      assertTrue(Files.exists(cluster.state.resolve("taskmanager-1.pid")), "the TaskManager's pid file");

      Path work = Files.createDirectories(temp.resolve("client")); // the CLI's cwd, unlike the TM's
      Files.copy(clip, work.resolve("clip.mp4"));
      // Absolute: CI sets TRACKLIGHT_ASSETS relative to the module, and the CLI runs elsewhere.
      Map<String, String> cliEnv = Map.of("TRACKLIGHT_ASSETS", TestAssets.root().toAbsolutePath().toString());
      String first = replay(cluster, work, "out1", cliEnv);
      String second = replay(cluster, work, "out2", cliEnv);

      JsonNode jobs = cluster.get("/jobs/overview").path("jobs");
      for (String jobId : List.of(first, second)) {
        Optional<JsonNode> job = findJob(jobs, jobId);
        assertTrue(job.isPresent(), "job " + jobId + " not on the cluster: " + jobs);
        assertEquals("FINISHED", job.get().path("state").asText(), job.get().toString());
      }
      ReplayOutputs out1 = new ReplayOutputs(work.resolve("out1").resolve("clip"));
      ReplayOutputs out2 = new ReplayOutputs(work.resolve("out2").resolve("clip"));
      assertEquals(Files.readString(out1.tracksMot()), Files.readString(out2.tracksMot()),
          "the same clip and model on the same cluster must give the same tracks");
    }
    for (long pid : clusterPids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "cluster process " + pid + " still alive after stop");
    }
  }

  /** Runs the CLI against the cluster; checks its outputs and returns the job id it printed. */
  private static String replay(LocalFlinkCluster cluster, Path work, String outDir, Map<String, String> env)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int restPort = cluster.restPort;
    LocalFlinkCluster.ProcessResult r = LocalFlinkCluster.run(work, REPLAY, List.of(java, "-Xmx2g",
        "-Dai.djl.offline=true", "-jar", cluster.jar.toAbsolutePath().toString(), "replay", "clip.mp4", "--out",
        outDir, "--jobmanager", cluster.restAddress()), env, Set.of());
    assertEquals(0, r.exitCode(), "replay failed:\n" + r.output() + cluster.logs());
    Matcher m = JOB_ID.matcher(r.output());
    assertTrue(m.find(), "no job id in the CLI output:\n" + r.output());
    assertTrue(r.output().contains("submitted job " + m.group(1) + " to 127.0.0.1:" + restPort),
        "the job id is announced on submission:\n" + r.output());

    ReplayOutputs outputs = new ReplayOutputs(work.resolve(outDir).resolve("clip"));
    JsonNode summary = JSON.readTree(outputs.summary().toFile());
    assertTrue(summary.path("complete").asBoolean(), summary.toString());
    assertEquals(CLIP_FRAMES, summary.path("frames").asInt(), summary.toString());
    assertEquals("flink-cluster", summary.path("executor").asText(), summary.toString());
    assertTrue(summary.path("tracks").asInt() > 0, "no tracks in 60 frames of a crowd: " + summary);
    List<String> lines = Files.readAllLines(outputs.tracksJsonl(), StandardCharsets.UTF_8);
    assertEquals(CLIP_FRAMES, lines.size(), "one JSON line per frame");
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(i, JSON.readTree(lines.get(i)).path("frame").asInt(), "line " + i);
    }
    try (VideoReader annotated = VideoReader.open(outputs.annotatedVideo(), VideoReadOptions.defaults())) {
      int frames = 0;
      while (annotated.next().isPresent()) {
        frames++;
      }
      assertEquals(CLIP_FRAMES, frames, "annotated video frames");
    }
    return m.group(1);
  }

  private static Optional<JsonNode> findJob(JsonNode jobs, String jobId) {
    for (JsonNode job : jobs) {
      if (jobId.equals(job.path("jid").asText())) {
        return Optional.of(job);
      }
    }
    return Optional.empty();
  }
}
