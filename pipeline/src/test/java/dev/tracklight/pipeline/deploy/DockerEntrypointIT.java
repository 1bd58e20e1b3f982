package dev.tracklight.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracklight.inference.TestAssets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's entrypoint ({@code deploy/docker/entrypoint.sh}) on this host with the shaded jar,
 * as a container would run it (Docker cannot build here): its {@code jobmanager} and
 * {@code taskmanager} roles start from the image's own {@code conf/config.yaml} plus
 * {@code FLINK_PROPERTIES}, form a cluster (one TaskManager with the config file's 2 slots), each
 * role is the exec'ed JVM itself (PID 1 in a container, so SIGTERM reaches Flink), both serve
 * Prometheus metrics, {@code health} answers for each role and fails once it is gone, CLI roles
 * reach the {@code tracklight} CLI, and bad usage exits 2 with one line. The TaskManager declares
 * 2 GPUs through Flink's external-resource framework (the GPU driver as a plugin, a discovery
 * script reporting {@code 0,1}), and a replay submitted with {@code --device auto} has its
 * inference operator take one of those GPUs.
 */
class DockerEntrypointIT {

  private static final Duration START = Duration.ofSeconds(120);

  @TempDir
  Path tmp;

  @Test
  void jobManagerAndTaskManagerRolesFormAClusterThatServesMetricsAndHealth() throws Exception {
    Path jar = Path.of(System.getProperty("tracklight.shadedJar", "target/tracklight.jar")).toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "no shaded jar at " + jar + "; run ./mvnw -pl pipeline -am verify");
    Path entrypoint = DeployManifestsTest.repoRoot().resolve("deploy/docker/entrypoint.sh");
    int rest = freePort();
    int rpc = freePort();
    int jmMetrics = freePort();
    int tmMetrics = freePort();
    String common = String.join("\n",
        "jobmanager.rpc.address: 127.0.0.1", "jobmanager.rpc.port: " + rpc, "jobmanager.bind-host: 127.0.0.1",
        "taskmanager.bind-host: 127.0.0.1", "taskmanager.host: 127.0.0.1", "taskmanager.rpc.port: 0",
        "rest.address: 127.0.0.1", "rest.bind-address: 127.0.0.1", "rest.port: " + rest, "blob.server.port: 0",
        // small enough for a shared 2-core test machine
        "jobmanager.memory.process.size: 1g", "taskmanager.memory.process.size: 1536m",
        "taskmanager.memory.jvm-overhead.min: 256m", "taskmanager.memory.jvm-overhead.max: 256m",
        "taskmanager.memory.managed.size: 64m", "io.tmp.dirs: " + tmp);
    // The TaskManager "has 2 GPUs": Flink's external-resource framework runs the discovery script
    // through the GPU driver, which the entrypoint lays out as a Flink plugin.
    Path discover = tmp.resolve("discover.sh");
    Path discoverArgs = tmp.resolve("discover.args");
    Files.writeString(discover, "#!/bin/sh\necho \"$@\" > \"$3\"\necho 0,1\n");
    assertTrue(discover.toFile().setExecutable(true));
    String gpus = String.join("\n", "external-resources: gpu", "external-resource.gpu.amount: 2",
        "external-resource.gpu.driver-factory.class: dev.tracklight.operators.flink.gpu.ScriptGpuDriverFactory",
        "external-resource.gpu.param.discovery-script.path: " + discover,
        "external-resource.gpu.param.discovery-script.args: --probe " + discoverArgs);
    Process jm = start(entrypoint, jar, "jm", Map.of("FLINK_PROPERTIES", common + "\nmetrics.reporter.prom.port: " + jmMetrics),
        "jobmanager");
    Process tm = null;
    try {
      tm = start(entrypoint, jar, "tm", Map.of("FLINK_PROPERTIES",
          common + "\nmetrics.reporter.prom.port: " + tmMetrics + "\n" + gpus), "taskmanager");
      JsonNode overview = awaitTaskManager(rest, jm, tm);
      assertEquals(1, overview.path("taskmanagers").asInt(), overview.toString());
      assertEquals(2, overview.path("slots-total").asInt(), "the image's config.yaml gives 2 slots: " + overview);

      // exec: the process the entrypoint started *is* the Flink JVM
      assertTrue(commandLine(jm.pid()).contains("StandaloneSessionClusterEntrypoint"), commandLine(jm.pid()));
      assertTrue(commandLine(tm.pid()).contains("TaskManagerRunner"), commandLine(tm.pid()));
      assertTrue(commandLine(tm.pid()).contains("-Dai.djl.offline=true"));

      // Prometheus, from the image's config.yaml (reporter) and FLINK_PROPERTIES (port)
      String jmScrape = get("http://127.0.0.1:" + jmMetrics + "/metrics");
      assertTrue(Pattern.compile("(?m)^flink_jobmanager_numRegisteredTaskManagers\\{[^}]*} 1\\.0$").matcher(jmScrape).find(),
          "JobManager metrics: " + jmScrape.lines().filter(l -> l.contains("numRegistered")).toList());
      String tmScrape = get("http://127.0.0.1:" + tmMetrics + "/metrics");
      assertTrue(tmScrape.contains("flink_taskmanager_Status_JVM_Memory_Heap_Used"), "TaskManager metrics missing");

      // health, per role
      assertEquals(0, health(entrypoint, jar, "jm", Map.of("TRACKLIGHT_REST_PORT", Integer.toString(rest))).exit);
      assertEquals(0, health(entrypoint, jar, "tm", Map.of("TRACKLIGHT_METRICS_PORT", Integer.toString(tmMetrics))).exit);

      // The inference operator takes its device from the TaskManager's GPUs: `auto` becomes
      // gpu:0 / gpu:1 by subtask, which this CPU-only build cannot open, a clear error naming both.
      assertEquals("2 --probe " + discoverArgs, Files.readString(discoverArgs).strip(), "the script's arguments");
      Result replay = runJava(jar, "replay", TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4").toString(), "--out", tmp.resolve("out").toString(),
          "--jobmanager", "127.0.0.1:" + rest, "--device", "auto", "--parallelism", "2");
      assertNotEquals(0, replay.exit, replay.output);
      assertTrue(Pattern.compile("device gpu:[01] \\(this TaskManager's GPUs from Flink's external resource 'gpu': \\[0, 1\\]\\)")
          .matcher(replay.output).find(), replay.output + logs());

      // SIGTERM (docker stop, pod deletion) ends the TaskManager; health then fails
      tm.destroy();
      assertTrue(tm.waitFor(30, TimeUnit.SECONDS), "TaskManager ignored SIGTERM");
      assertNotEquals(0, health(entrypoint, jar, "tm", Map.of("TRACKLIGHT_METRICS_PORT", Integer.toString(tmMetrics))).exit);
    } finally {
      stop(tm);
      stop(jm);
    }
  }

  @Test
  void cliRolesRunTheTracklightCliAndBadUsageExitsTwo() throws Exception {
    Path jar = Path.of(System.getProperty("tracklight.shadedJar", "target/tracklight.jar")).toAbsolutePath();
    Path entrypoint = DeployManifestsTest.repoRoot().resolve("deploy/docker/entrypoint.sh");
    Result help = run(entrypoint, jar, "cli", Map.of(), "run", "--help", "--jobmanager", "127.0.0.1:1");
    assertEquals(0, help.exit, help.output);
    assertTrue(help.output.contains("--config") && help.output.contains("--jobmanager"), help.output);
    // `run --jobmanager` is a cluster's client: no metrics port to probe, alive is healthy
    assertEquals(0, health(entrypoint, jar, "cli", Map.of("TRACKLIGHT_METRICS_PORT", "1")).exit);
    // batch-worker reaches the CLI too: without its required input picocli says so, exit 2
    Result worker = run(entrypoint, jar, "cli", Map.of(), "batch-worker");
    assertEquals(2, worker.exit, worker.output);
    assertTrue(worker.output.contains("batch-worker"), worker.output);
    // an embedded `run` serves metrics: with nothing on the port, health fails
    Files.writeString(tmp.resolve("cli/role"), "run\n");
    Result down = health(entrypoint, jar, "cli", Map.of("TRACKLIGHT_METRICS_PORT", "1"));
    assertNotEquals(0, down.exit);
    assertEquals("", down.output, "health is silent");

    for (List<String> bad : List.of(List.<String>of(), List.of("jobmanager", "extra"), List.of("--foo"))) {
      Result r = run(entrypoint, jar, "bad", Map.of(), bad.toArray(String[]::new));
      assertEquals(2, r.exit, bad + ": " + r.output);
      assertEquals(1, r.output.strip().lines().count(), bad + ": " + r.output);
      assertTrue(r.output.startsWith("tracklight-entrypoint: "), r.output);
    }
    Result noRole = run(entrypoint, jar, "fresh", Map.of(), "health");
    assertEquals(2, noRole.exit, noRole.output);
    Result noJar = run(entrypoint, tmp.resolve("missing.jar"), "cli", Map.of(), "taskmanager");
    assertEquals(2, noJar.exit);
    assertTrue(noJar.output.contains("no shaded jar at"), noJar.output);
    Result badProps = run(entrypoint, jar, "props", Map.of("FLINK_PROPERTIES", "no colon here"), "taskmanager");
    assertEquals(2, badProps.exit);
    assertTrue(badProps.output.contains("FLINK_PROPERTIES: expected 'key: value' lines"), badProps.output);
  }

  private record Result(int exit, String output) {}

  private ProcessBuilder builder(Path entrypoint, Path jar, String work, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of("bash", entrypoint.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("TRACKLIGHT_JAR", jar.toString());
    pb.environment().put("TRACKLIGHT_WORK_DIR", tmp.resolve(work).toString());
    pb.environment().put("TRACKLIGHT_JAVACPP_CACHE", tmp.resolve("javacpp").toString());
    pb.environment().remove("FLINK_CONF_DIR");
    pb.environment().remove("FLINK_PROPERTIES");
    pb.environment().putAll(env);
    return pb;
  }

  private Process start(Path entrypoint, Path jar, String work, Map<String, String> env, String role) throws IOException {
    Path log = tmp.resolve(work + ".log");
    return builder(entrypoint, jar, work, env, role).redirectOutput(log.toFile()).start();
  }

  private Result run(Path entrypoint, Path jar, String work, Map<String, String> env, String... args) throws Exception {
    Process p = builder(entrypoint, jar, work, env, args).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  private Result health(Path entrypoint, Path jar, String work, Map<String, String> env) throws Exception {
    return run(entrypoint, jar, work, env, "health");
  }

  /** The CLI as a separate process, as a user submits a job to the cluster. */
  private Result runJava(Path jar, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Dai.djl.offline=true", "-jar", jar.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).directory(tmp.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(180, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  private JsonNode awaitTaskManager(int rest, Process jm, Process tm) throws Exception {
    long deadline = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < deadline) {
      if (!jm.isAlive() || !tm.isAlive()) {
        throw new AssertionError("a role exited: " + logs());
      }
      try {
        JsonNode overview = CrdSchema.JSON.readTree(get("http://127.0.0.1:" + rest + "/overview"));
        // registered, and its slot report in (the two arrive one after the other)
        if (overview.path("taskmanagers").asInt() >= 1 && overview.path("slots-total").asInt() > 0) {
          return overview;
        }
      } catch (IOException notYet) {
        // JobManager still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no TaskManager registered within " + START + ": " + logs());
  }

  private String logs() throws IOException {
    StringBuilder b = new StringBuilder();
    for (String name : List.of("jm.log", "tm.log")) {
      Path f = tmp.resolve(name);
      if (Files.exists(f)) {
        List<String> lines = Files.readAllLines(f);
        b.append("\n--- ").append(name).append('\n')
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
      }
    }
    return b.toString();
  }

  private static String commandLine(long pid) throws IOException {
    return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + " answered " + r.statusCode());
    }
    return r.body();
  }

  private static void stop(Process p) throws InterruptedException {
    if (p != null && p.isAlive()) {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
