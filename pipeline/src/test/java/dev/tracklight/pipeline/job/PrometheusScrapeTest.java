package dev.tracklight.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.testing.RtspTestServer;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.config.JobConfigLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fleet operator's Prometheus sees: a MiniCluster configured with the container image's
 * reporter settings ({@code deploy/docker/conf/config.yaml}, read the way an embedded {@code run}
 * reads them) serves {@code /metrics} while a replay runs, and it carries Tracklight's operator
 * metrics with values that moved (frames decoded and inferred, batch sizes, latency quantiles,
 * fps per camera as a {@code camera} label) and every Tracklight metric the Grafana dashboard in
 * {@code deploy/grafana} charts, except the live-camera ones listed in {@link #LIVE_ONLY}, which a
 * live job on a real RTSP camera serves in the second test (frames skipped by fps sampling, the
 * connection and its state, frames decoded, the capture-to-tracks lag).
 */
class PrometheusScrapeTest {

  static final int PORT = freePort();
  static final String VIDEO = "people_walking_overhead_720p";
  /** Charted by the dashboard, registered only by the live camera source (connectors/source). */
  static final Set<String> LIVE_ONLY = Set.of("flink_taskmanager_job_task_operator_camera_framesSkipped",
      "flink_taskmanager_job_task_operator_camera_connections", "flink_taskmanager_job_task_operator_camera_state",
      "flink_taskmanager_job_task_operator_camera_framesDecoded",
      "flink_taskmanager_job_task_operator_frameToTracksLatencyMs");

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      // Two slots: the live test's job must not wait for the cancelled replay's task to let go of one.
      .setConfiguration(reporter()).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir
  Path out;

  static Configuration reporter() {
    Configuration conf = JobEnvironments.metricSettings(repoRoot().resolve("deploy/docker/conf"));
    conf.setString("metrics.reporter.prom.port", Integer.toString(PORT));
    return conf;
  }

  @Test
  void aRunningReplaysMetricsAreScrapeable() throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        JobEnvironments.configuration(Optional.empty(), Duration.ZERO, Optional.empty()));
    env.setParallelism(1);
    DetectorOptions detector = DetectorOptions.forModel(TestAssets.file("models/yolox_nano_dynamic.onnx").toString())
        .withDevice(DeviceSpec.CPU);
    ReplayJob.build(env, ReplayInputs.probe(List.of(TestAssets.file("videos/" + VIDEO + ".mp4")), out),
        VideoReadOptions.defaults(), detector, BatchingConfig.defaults().withMaxBatch(4), ByteTrackConfig.defaults(),
        AnnotationStyle.defaults(), ClassNames.COCO.names(), Map.of("executor", "flink"), Duration.ofMinutes(2));
    JobClient job = env.executeAsync("prometheus-scrape");
    String scrape = "";
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < deadline) {
        scrape = scrape();
        if (value(scrape, "flink_taskmanager_job_task_operator_inferenceLatencyMs_count", "") >= 8) {
          break;
        }
        Thread.sleep(500);
      }
    } finally {
      job.cancel().get();
    }
    Files.writeString(out.resolve("scrape.txt"), scrape);
    // frames went through decode and inference
    assertTrue(value(scrape, "flink_taskmanager_job_task_operator_inferenceLatencyMs_count", "") >= 8, names(scrape).toString());
    assertTrue(value(scrape, "flink_taskmanager_job_task_operator_framesDecoded", "") >= 8);
    assertTrue(value(scrape, "flink_taskmanager_job_task_operator_inferenceLatencyMs", "quantile=\"0.5\"") > 0);
    double batch = value(scrape, "flink_taskmanager_job_task_operator_batchSize", "quantile=\"0.5\"");
    assertTrue(batch >= 1 && batch <= 4, "median batch size " + batch);
    assertTrue(value(scrape, "flink_taskmanager_job_task_operator_queueDepth", "") >= 0);
    // fps per camera: one metric, the camera as a label
    assertTrue(scrape.contains("flink_taskmanager_job_task_operator_camera_framesPerSecond{"), "no per-camera fps");
    assertTrue(Pattern.compile("flink_taskmanager_job_task_operator_camera_framesPerSecond\\{[^}]*camera=\"" + VIDEO + "\"")
        .matcher(scrape).find(), "the camera label");
    for (String counter : List.of("ruleEvents", "highlights", "lateFrames", "inferenceFailures", "inferenceTimeouts")) {
      assertTrue(names(scrape).contains("flink_taskmanager_job_task_operator_" + counter), counter);
    }
    // every Tracklight metric the dashboard charts is real
    Set<String> charted = dashboardMetrics();
    assertTrue(charted.size() >= 10, charted.toString());
    for (String name : charted) {
      if (!LIVE_ONLY.contains(name) && name.startsWith("flink_taskmanager_job_task_operator_")) {
        assertTrue(names(scrape).contains(name), "the dashboard charts " + name + ", which is not scraped");
      }
    }
  }

  @Test
  void aLiveJobsCameraMetricsAreScrapeable() throws Exception {
    RtspTestServer.requireAvailable();
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    try (RtspTestServer camera = RtspTestServer.builder().mount("cam", video).looping(true).start()) {
      Path yaml = Files.writeString(out.resolve("cameras.yaml"), """
          cameras:
            - {id: lobby, url: '%s', fps: 5}
          model: {max_batch: 4}
          batching: {max_batch: 4, max_delay_ms: 5}
          sinks: {jsonl: '%s'}
          highlights: {clips_dir: '%s'}
          """.formatted(camera.url("cam"), out.resolve("tracks.jsonl"), out.resolve("clips")));
      JobConfig config = JobConfigLoader.load(yaml);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          JobEnvironments.configuration(Optional.empty(), Duration.ZERO, Optional.empty()));
      env.setParallelism(1);
      DetectorOptions detector = DetectorOptions.forModel(TestAssets.file("models/yolox_nano_dynamic.onnx").toString())
          .withDevice(DeviceSpec.CPU).withMaxBatch(4);
      LiveJob.build(env, config, detector, ClassNames.COCO.names());
      JobClient job = env.executeAsync("prometheus-scrape-live");
      String scrape = "";
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
          scrape = scrape();
          if (value(scrape, "flink_taskmanager_job_task_operator_frameToTracksLatencyMs_count", "") >= 5) {
            break;
          }
          Thread.sleep(500);
        }
      } finally {
        job.cancel().get();
      }
      Files.writeString(out.resolve("scrape-live.txt"), scrape);
      String lobby = "camera=\"lobby\"";
      // Frames the reader drops to stay real-time when inference falls behind (not the fps
      // sampling): zero or more, depending on how warm the model is, but served.
      assertTrue(value(scrape, "flink_taskmanager_job_task_operator_camera_framesSkipped", lobby) >= 0
          && scrape.contains("flink_taskmanager_job_task_operator_camera_framesSkipped{"), names(scrape).toString());
      assertTrue(value(scrape, "flink_taskmanager_job_task_operator_camera_framesDecoded", lobby) >= 5);
      assertTrue(value(scrape, "flink_taskmanager_job_task_operator_camera_connections", lobby) >= 1);
      assertEquals(1, value(scrape, "flink_taskmanager_job_task_operator_camera_state", lobby), "1 = streaming");
      assertTrue(value(scrape, "flink_taskmanager_job_task_operator_frameToTracksLatencyMs", "quantile=\"0.5\"") > 0);
      for (String name : LIVE_ONLY) {
        assertTrue(names(scrape).contains(name), "the dashboard charts " + name + ", which the live job does not serve");
      }
    }
  }

  /** Metric names the Grafana dashboard's queries use. */
  static Set<String> dashboardMetrics() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(repoRoot().resolve("deploy/grafana/tracklight-dashboard.json").toFile());
    Set<String> names = new TreeSet<>();
    Pattern metric = Pattern.compile("flink_[A-Za-z0-9_]+");
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher m = metric.matcher(expr.asText());
      while (m.find()) {
        names.add(m.group().replaceAll("_(count|sum|bucket)$", ""));
      }
    }
    return names;
  }

  private static Set<String> names(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }

  /** The largest sample of {@code name} whose labels contain {@code label}; -1 when none. */
  private static double value(String scrape, String name, String label) {
    double max = -1;
    for (String line : scrape.lines().toList()) {
      if (line.startsWith(name + "{") && line.contains(label) || line.startsWith(name + " ")) {
        max = Math.max(max, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return max;
  }

  private static String scrape() throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + PORT + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy")) && Files.isRegularFile(d.resolve("mvnw"))) {
        return d;
      }
    }
    throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
