package dev.tracklight.pipeline.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real multi-process Flink session cluster for integration tests, run by
 * {@code tools/flink-local-cluster.sh} from the shaded jar: a JobManager JVM and TaskManager JVMs
 * whose pids the script writes to {@code STATE/taskmanager-<i>.pid}, so a test can {@code kill -9}
 * one. {@link #close()} stops every process the script started.
 */
final class LocalFlinkCluster implements AutoCloseable {

  static final Duration START = Duration.ofSeconds(150);
  static final ObjectMapper JSON = new ObjectMapper();

  final Path jar;
  final Path script;
  final Path state;
  final int restPort;
  private final List<String> clusterArgs;
  private final Path workDir;

  private LocalFlinkCluster(Path jar, Path script, Path state, int restPort, List<String> clusterArgs, Path workDir) {
    this.jar = jar;
    this.script = script;
    this.state = state;
    this.restPort = restPort;
    this.clusterArgs = clusterArgs;
    this.workDir = workDir;
  }

  /** The shaded jar and script as Maven's failsafe configuration names them. */
  static Path shadedJar() {
    return Path.of(System.getProperty("tracklight.shadedJar", "target/tracklight.jar"));
  }

  static Path clusterScript() {
    return Path.of(System.getProperty("tracklight.clusterScript", "../tools/flink-local-cluster.sh"));
  }

  /**
   * Starts a cluster; {@code extra} are further {@code start} options ({@code --taskmanagers 2},
   * {@code --scheduler adaptive}, ...). Fails with the logs if it does not come up.
   */
  static LocalFlinkCluster start(Path dir, List<String> extra, Map<String, String> env, Set<String> unsetEnv)
      throws Exception {
    // A port found free may be taken by another process before the cluster binds it (a CI run
    // failed so: "Could not start rest endpoint on any port in port range ..."): new ports, again.
    for (int attempt = 1; ; attempt++) {
      try {
        // A fresh state folder per attempt, so a later failure's logs are not the earlier one's.
        return startOnce(dir, attempt == 1 ? "cluster" : "cluster-" + attempt, extra, env, unsetEnv);
      } catch (AssertionError e) {
        if (attempt >= START_ATTEMPTS || !String.valueOf(e.getMessage()).contains("BindException")) {
          throw e;
        }
      }
    }
  }

  /** Cluster starts tried when a port was taken in between (see {@link #start}). */
  private static final int START_ATTEMPTS = 3;

  private static LocalFlinkCluster startOnce(Path dir, String stateName, List<String> extra,
      Map<String, String> env, Set<String> unsetEnv) throws Exception {
    Files.createDirectories(dir);
    int restPort = freePort();
    int rpcPort = freePort();
    Path state = dir.resolve(stateName);
    List<String> args = List.of("--rest-port", Integer.toString(restPort), "--rpc-port", Integer.toString(rpcPort),
        "--state-dir", state.toString());
    LocalFlinkCluster cluster = new LocalFlinkCluster(shadedJar(), clusterScript(), state, restPort, args, dir);
    List<String> command = new ArrayList<>(List.of(cluster.script.toString(), "start", "--jar", cluster.jar.toString()));
    command.addAll(extra);
    command.addAll(args);
    ProcessResult started = run(dir, START, command, env, unsetEnv);
    if (started.exitCode() != 0) {
      cluster.close();
      throw new AssertionError("cluster did not start:\n" + started.output() + cluster.logs());
    }
    return cluster;
  }

  String restAddress() {
    return "127.0.0.1:" + restPort;
  }

  /** Starts one more TaskManager; returns its index. */
  int addTaskManager() throws Exception {
    List<String> command = new ArrayList<>(List.of(script.toString(), "add-taskmanager"));
    command.addAll(clusterArgs);
    ProcessResult r = run(workDir, START, command, Map.of(), Set.of());
    if (r.exitCode() != 0) {
      throw new AssertionError("add-taskmanager failed:\n" + r.output() + logs());
    }
    return Integer.parseInt(r.output().strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  /** The pid of TaskManager {@code i}. */
  long taskManagerPid(int i) throws IOException {
    return Long.parseLong(Files.readString(state.resolve("taskmanager-" + i + ".pid")).strip());
  }

  /** {@code kill -9} of TaskManager {@code i}: what a lost machine looks like to the cluster. */
  void killTaskManager(int i) throws Exception {
    long pid = taskManagerPid(i);
    ProcessHandle handle = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
    handle.destroyForcibly(); // SIGKILL
    handle.onExit().get(30, TimeUnit.SECONDS);
  }

  /** Every pid the script recorded (JobManager and TaskManagers). */
  List<Long> pids() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> files = Files.list(state)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
        pids.add(Long.parseLong(Files.readString(p).strip()));
      }
    }
    return pids;
  }

  JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://" + restAddress() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(path + ": HTTP " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** Per-checkpoint chatter that would push the telling lines out of a failure message. */
  private static final java.util.regex.Pattern ROUTINE =
      java.util.regex.Pattern.compile("(Triggering|Completed|Marking) checkpoint|checkpoint \\d+ as completed");

  /** The last lines of every log of the cluster (routine checkpoint lines left out), for failure messages. */
  String logs() throws IOException {
    StringBuilder sb = new StringBuilder();
    Path dir = state.resolve("log");
    if (!Files.isDirectory(dir)) {
      return "";
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path log : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
            .filter(l -> !ROUTINE.matcher(l).find()).toList();
        sb.append("\n--- ").append(log.getFileName()).append(" (last 40 lines but routine checkpoints) ---\n");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> sb.append(l).append('\n'));
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws Exception {
    List<String> command = new ArrayList<>(List.of(script.toString(), "stop"));
    command.addAll(clusterArgs);
    ProcessResult stopped = run(workDir, Duration.ofSeconds(90), command, Map.of(), Set.of());
    if (stopped.exitCode() != 0) {
      throw new AssertionError("cluster stop failed:\n" + stopped.output());
    }
  }

  record ProcessResult(int exitCode, String output) {}

  /**
   * Runs a command to completion (killed, with its children, past {@code limit}), with the
   * environment variables in {@code set} and without those in {@code unset}.
   */
  static ProcessResult run(Path dir, Duration limit, List<String> command, Map<String, String> set,
      Set<String> unset) throws Exception {
    Process p = launch(dir, command, set, unset);
    return await(p, limit, command);
  }

  /** Starts a command with its output in a file of {@code dir}; {@link #await} collects it. */
  static Process launch(Path dir, List<String> command, Map<String, String> set, Set<String> unset)
      throws IOException {
    Path log = Files.createTempFile(dir, "process", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(set);
    builder.environment().keySet().removeAll(unset);
    Process p = builder.start();
    LOGS.put(p, log);
    return p;
  }

  private static final Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

  /** What a launched process printed so far. */
  static String output(Process p) throws IOException {
    return Files.readString(LOGS.get(p));
  }

  static ProcessResult await(Process p, Duration limit, List<String> command) throws Exception {
    if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
      return new ProcessResult(-1, "timed out after " + limit + ": " + command + "\n" + output(p));
    }
    return new ProcessResult(p.exitValue(), output(p));
  }

  /**
   * Asserts that a replay into {@code out} produced exactly what the reference replay into
   * {@code reference} did: per camera every frame once, the same track lines and MOT rows, a
   * complete summary; the same alerts by id, each once.
   */
  static void assertSameReplay(Path reference, Path out, List<String> cameras, int frames) throws IOException {
    for (String camera : cameras) {
      dev.tracklight.connectors.sink.ReplayOutputs a = new dev.tracklight.connectors.sink.ReplayOutputs(
          reference.resolve(camera));
      dev.tracklight.connectors.sink.ReplayOutputs b = new dev.tracklight.connectors.sink.ReplayOutputs(
          out.resolve(camera));
      List<String> lines = Files.readAllLines(b.tracksJsonl());
      org.junit.jupiter.api.Assertions.assertEquals(frames, lines.size(), camera + ": every frame once");
      org.junit.jupiter.api.Assertions.assertEquals(Files.readAllLines(a.tracksJsonl()), lines,
          camera + ": the same tracks and ids");
      org.junit.jupiter.api.Assertions.assertEquals(Files.readAllLines(a.tracksMot()),
          Files.readAllLines(b.tracksMot()), camera + " MOT");
      JsonNode summary = JSON.readTree(b.summary().toFile());
      org.junit.jupiter.api.Assertions.assertTrue(summary.path("complete").asBoolean(), summary.toString());
    }
    Set<String> ids = alertIds(reference.resolve("alerts.jsonl"));
    org.junit.jupiter.api.Assertions.assertTrue(!ids.isEmpty(), "the appearance rule fires");
    org.junit.jupiter.api.Assertions.assertEquals(ids, alertIds(out.resolve("alerts.jsonl")), "the same alerts, by id");
    org.junit.jupiter.api.Assertions.assertEquals(ids.size(), Files.readAllLines(out.resolve("alerts.jsonl")).size(),
        "each alert once");
  }

  /**
   * The two videos the cluster tests replay (cameras {@code hall}, 720p, and {@code persons}, 432p,
   * their first {@code frames} frames) and a rules file whose appearance rule fires on both.
   */
  record TwoVideos(List<String> videos, Path rules) {
    static TwoVideos write(Path dir, int frames) throws IOException {
      Path hall = dev.tracklight.pipeline.testing.TestClips.firstFrames(
          dev.tracklight.inference.TestAssets.file("videos/people_walking_overhead_720p.mp4"), frames,
          dir.resolve("hall.mp4"));
      Path persons = dev.tracklight.pipeline.testing.TestClips.firstFrames(
          dev.tracklight.inference.TestAssets.file("videos/persons_one_by_one_432p.mp4"), frames,
          dir.resolve("persons.mp4"));
      Path rules = Files.writeString(dir.resolve("rules.yaml"),
          "rules:\n  - {type: appearance, name: people, classes: [person], min_absence_seconds: 0.5}\n");
      return new TwoVideos(List.of(hall.toString(), persons.toString()), rules);
    }
  }

  /** The ids of the alerts in a JSON-lines alerts file, sorted. */
  static Set<String> alertIds(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank())
        .map(l -> dev.tracklight.operators.alerts.AlertJson.parse(l).id())
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
