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
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
  private static final Duration CLUSTER_START = Duration.ofSeconds(120);
  /** Generous on 2 shared cores: JVM start, model load and 60 frames of 720p detection. */
  private static final Duration REPLAY = Duration.ofSeconds(150);
  private static final Pattern JOB_ID = Pattern.compile("job ([0-9a-f]{32})\\)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void replayRunsOnAStandaloneClusterTwiceWithCompleteOutputs() throws Exception {
    Path video = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    Path jar = Path.of(System.getProperty("tracklight.shadedJar", "target/tracklight.jar"));
    Path script = Path.of(System.getProperty("tracklight.clusterScript", "../tools/flink-local-cluster.sh"));
    assertTrue(Files.isRegularFile(jar), "no shaded jar at " + jar.toAbsolutePath()
        + "; run ./mvnw verify (package builds it before this test)");
    assertTrue(Files.isExecutable(script), "cluster script missing: " + script.toAbsolutePath());
    Path clip = TestClips.firstFrames(video, CLIP_FRAMES, temp.resolve("clip.mp4"));

    int restPort = freePort();
    int rpcPort = freePort();
    Path state = temp.resolve("cluster");
    List<String> clusterArgs = List.of("--rest-port", Integer.toString(restPort),
        "--rpc-port", Integer.toString(rpcPort), "--state-dir", state.toString());
    List<Long> clusterPids = new ArrayList<>();
    try {
      // Without TRACKLIGHT_ASSETS: the client pins the model to an absolute path, so a TaskManager
      // needs only the same files at the same paths (docs/cluster.md).
      ProcessResult started = run(temp, CLUSTER_START, concat(List.of(script.toString(), "start",
          "--slots", "2", "--jar", jar.toString()), clusterArgs), Map.of(), Set.of("TRACKLIGHT_ASSETS"));
      for (String name : List.of("jobmanager", "taskmanager")) {
        Path pidFile = state.resolve(name + ".pid");
        if (Files.exists(pidFile)) {
          clusterPids.add(Long.parseLong(Files.readString(pidFile).strip()));
        }
      }
      assertEquals(0, started.exitCode(), "cluster did not start:\n" + started.output()
          + clusterLogs(state));
      assertEquals("127.0.0.1:" + restPort, started.output().strip().lines().reduce((a, b) -> b).orElse(""));

      Path work = Files.createDirectories(temp.resolve("client")); // the CLI's cwd, unlike the TM's
      Files.copy(clip, work.resolve("clip.mp4"));
      // Absolute: CI sets TRACKLIGHT_ASSETS relative to the module, and the CLI runs elsewhere.
      Map<String, String> cliEnv = Map.of("TRACKLIGHT_ASSETS", TestAssets.root().toAbsolutePath().toString());
      String first = replay(jar, work, "out1", restPort, state, cliEnv);
      String second = replay(jar, work, "out2", restPort, state, cliEnv);

      JsonNode jobs = JSON.readTree(get("http://127.0.0.1:" + restPort + "/jobs/overview")).path("jobs");
      for (String jobId : List.of(first, second)) {
        Optional<JsonNode> job = findJob(jobs, jobId);
        assertTrue(job.isPresent(), "job " + jobId + " not on the cluster: " + jobs);
        assertEquals("FINISHED", job.get().path("state").asText(), job.get().toString());
      }
      ReplayOutputs out1 = new ReplayOutputs(work.resolve("out1").resolve("clip"));
      ReplayOutputs out2 = new ReplayOutputs(work.resolve("out2").resolve("clip"));
      assertEquals(Files.readString(out1.tracksMot()), Files.readString(out2.tracksMot()),
          "the same clip and model on the same cluster must give the same tracks");
    } finally {
      ProcessResult stopped = run(temp, Duration.ofSeconds(60), concat(List.of(script.toString(), "stop"),
          clusterArgs), Map.of(), Set.of());
      assertEquals(0, stopped.exitCode(), "cluster stop failed:\n" + stopped.output());
      for (long pid : clusterPids) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
            "cluster process " + pid + " still alive after stop");
      }
    }
  }

  /** Runs the CLI against the cluster; checks its outputs and returns the job id it printed. */
  private static String replay(Path jar, Path work, String outDir, int restPort, Path state,
      Map<String, String> env) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessResult r = run(work, REPLAY, List.of(java, "-Xmx2g", "-Dai.djl.offline=true", "-jar",
        jar.toAbsolutePath().toString(), "replay", "clip.mp4", "--out", outDir, "--jobmanager",
        "127.0.0.1:" + restPort), env, Set.of());
    assertEquals(0, r.exitCode(), "replay failed:\n" + r.output() + clusterLogs(state));
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

  private static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url + ": " + response.body());
    return response.body();
  }

  private static String clusterLogs(Path state) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("jobmanager.log", "taskmanager.log", "taskmanager.out")) {
      Path log = state.resolve("log").resolve(name);
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        sb.append("\n--- ").append(name).append(" (last 60 lines) ---\n");
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> sb.append(l).append('\n'));
      }
    }
    return sb.toString();
  }

  private record ProcessResult(int exitCode, String output) {}

  /**
   * Runs a command to completion (killed, with its children, past {@code limit}), with the
   * environment variables in {@code set} and without those in {@code unset}.
   */
  private static ProcessResult run(Path dir, Duration limit, List<String> command, Map<String, String> set,
      Set<String> unset) throws Exception {
    Path log = Files.createTempFile(dir, "process", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(set);
    builder.environment().keySet().removeAll(unset);
    Process p = builder.start();
    if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
      return new ProcessResult(-1, "timed out after " + limit + ": " + command + "\n"
          + Files.readString(log));
    }
    return new ProcessResult(p.exitValue(), Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
