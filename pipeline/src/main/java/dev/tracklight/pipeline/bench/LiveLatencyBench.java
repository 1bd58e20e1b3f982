package dev.tracklight.pipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ModelInfo;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.config.JobConfigLoader;
import dev.tracklight.pipeline.job.JobEnvironments;
import dev.tracklight.pipeline.job.LiveJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Live latency and memory: N cameras served by the project's real RTSP test server
 * ({@code tools/rtsp/rtsp_loop.py}, looping a video), the live job on an embedded MiniCluster for a
 * given time, then the frame-to-tracks latency ({@code processed_ms - timestamp_ms} of every track
 * line: capture to tracks, inside the job) as p50/p99/max, frames per camera, and the heap after GC
 * sampled every {@link #HEAP_SAMPLE} (flat = no leak). Not a unit test: minutes of wall time.
 */
public final class LiveLatencyBench {

  /**
   * Rules of every camera when alerts are measured: a line across the middle of the frame and a
   * zone over its right half, for people walking through a hall (several events a second).
   */
  static final String BENCH_RULES = "{type: line, name: middle, points: [[0.5, 0.0], [0.5, 1.0]],"
      + " inertia: 1}, {type: zone, name: right, polygon: [[0.5, 0.0], [1.0, 0.0], [1.0, 1.0],"
      + " [0.5, 1.0]], inertia: 1}";

  /** Heap sample period: 20 samples in the default 10 minutes. */
  static final Duration HEAP_SAMPLE = Duration.ofSeconds(30);

  private LiveLatencyBench() {}

  /**
   * Alert measurement: with a Kafka broker, every camera gets a line and a zone rule (inertia 1,
   * so an event is dated at the frame that confirms it and the latency is the pipeline's, not the
   * rule's) and alerts go to a fresh topic, read by a {@code read_committed} consumer that records
   * receive time minus {@code event_time_ms}.
   *
   * @param kafka bootstrap servers, or empty for no alert measurement
   * @param exactlyOnce transactional sink (alerts become visible when a checkpoint commits)
   * @param checkpointInterval the live job's checkpoint interval
   */
  public record AlertOptions(Optional<String> kafka, boolean exactlyOnce, Duration checkpointInterval,
      Optional<String> kinesis) {
    public static final AlertOptions NONE = new AlertOptions(Optional.empty(), false, Duration.ofSeconds(10));

    /** No Kinesis stream. */
    public AlertOptions(Optional<String> kafka, boolean exactlyOnce, Duration checkpointInterval) {
      this(kafka, exactlyOnce, checkpointInterval, Optional.empty());
    }

    boolean any() {
      return kafka.isPresent() || kinesis.isPresent();
    }
  }

  public static Map<String, Object> run(Path video, int cameras, double fps, Duration duration,
      Path serverScript, Path work) throws Exception {
    return run(video, cameras, fps, duration, serverScript, work, AlertOptions.NONE);
  }

  public static Map<String, Object> run(Path video, int cameras, double fps, Duration duration,
      Path serverScript, Path work, AlertOptions alerts) throws Exception {
    if (!Files.isRegularFile(serverScript)) {
      throw new InvalidInputException("RTSP test server script not found: " + serverScript
          + "; expected tools/rtsp/rtsp_loop.py (run from the repository, after tools/install-rtsp-test-server.sh)");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", serverScript.toString(), "--port", Integer.toString(port)));
    for (int i = 0; i < cameras; i++) {
      cmd.add("--mount");
      cmd.add("cam" + i + "=" + video.toAbsolutePath());
    }
    Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      if (first == null || !first.startsWith("READY")) {
        throw new IllegalStateException("RTSP server did not start: " + first);
      }
      Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "rtsp-server-output");
      drain.setDaemon(true);
      drain.start();
      List<String> entries = new ArrayList<>();
      for (int i = 0; i < cameras; i++) {
        entries.add("{id: cam" + i + ", url: 'rtsp://127.0.0.1:" + port + "/cam" + i + "', fps: " + fps);
      }
      return measure(entries, "", fps, duration, work, alerts);
    } finally {
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs the live job over {@code cameraEntries} (each a YAML flow mapping of one camera, open at the
   * end: {@code "{id: a, url: '...', fps: 5"}; rules are appended when alerts are measured) for
   * {@code duration} on an embedded MiniCluster and reports latencies and heap.
   *
   * @param extraYaml more top-level YAML for the job (e.g. a model section), or empty
   */
  public static Map<String, Object> measure(List<String> cameraEntries, String extraYaml, double fps,
      Duration duration, Path work, AlertOptions alerts) throws Exception {
    int cameras = cameraEntries.size();
    Files.createDirectories(work);
    Path tracks = work.resolve("tracks.jsonl");
    Files.deleteIfExists(tracks);
    StringBuilder yaml = new StringBuilder("cameras:\n");
    for (String entry : cameraEntries) {
      yaml.append("  - ").append(entry);
      if (alerts.any()) {
        yaml.append(", rules: [").append(BENCH_RULES).append("]");
      }
      yaml.append("}\n");
    }
    yaml.append(extraYaml);
    yaml.append("checkpointing: {interval_ms: ").append(alerts.checkpointInterval().toMillis())
        .append(", dir: '").append(work.resolve("chk").toUri()).append("'}\n");
    String topic = "bench-alerts-" + System.currentTimeMillis();
    yaml.append("sinks:\n  jsonl: '").append(tracks).append("'\n");
    if (alerts.kafka().isPresent()) {
      yaml.append("  alerts: {kafka: {bootstrap_servers: '").append(alerts.kafka().get())
          .append("', topic: ").append(topic).append(", delivery: ")
          .append(alerts.exactlyOnce() ? "exactly_once" : "at_least_once")
          .append(", transactional_id_prefix: ").append(topic).append("}}\n");
    } else if (alerts.kinesis().isPresent()) {
      yaml.append("  alerts: {kinesis: {stream: '").append(alerts.kinesis().get()).append("'}}\n");
    }
    JobConfig config = JobConfigLoader.parse("bench-cameras.yaml", yaml.toString());
    List<String> names;
    ModelInfo model;
    try (YoloDetector probe = YoloDetector.open(config.detector(), ModelRegistry.fromEnvironment())) {
      names = probe.classNames().names();
      model = probe.info();
    }
    DetectorOptions pinned = config.detector().pinnedTo(model);
    StreamExecutionEnvironment env = JobEnvironments.create(Optional.empty(), 1,
        config.checkpointing().interval(), config.checkpointing().directory());
    LiveJob.build(env, config, pinned, names);
    AlertLatencyConsumer consumer = alerts.kafka().isPresent()
        ? AlertLatencyConsumer.start(alerts.kafka().get(), topic)
        : alerts.kinesis().isPresent() ? AlertLatencyConsumer.startKinesis(config.sinks().alerts().kinesis().get())
        : null;
    JobClient job = env.executeAsync("live-latency-bench");
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    List<Long> heapMb = new ArrayList<>();
    long end = System.nanoTime() + duration.toNanos();
    try {
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(HEAP_SAMPLE.toMillis(), Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
        System.gc();
        heapMb.add(memory.getHeapMemoryUsage().getUsed() >> 20);
      }
    } finally {
      job.cancel().get();
      if (consumer != null) {
        consumer.close();
      }
    }
    Map<String, Object> r = report(tracks, cameras, fps, duration, heapMb, model);
    if (consumer != null) {
      long[] lat = consumer.latenciesMs();
      r.put("alert_delivery", alerts.kinesis().isPresent() ? "kinesis_at_least_once"
          : alerts.exactlyOnce() ? "exactly_once" : "at_least_once");
      r.put("checkpoint_interval_ms", alerts.checkpointInterval().toMillis());
      r.put("alerts", lat.length); // rule events; highlights separately below
      r.put("alert_latency_ms_p50", percentile(lat, 0.50));
      r.put("alert_latency_ms_p99", percentile(lat, 0.99));
      r.put("alert_latency_ms_max", lat.length == 0 ? 0 : lat[lat.length - 1]);
      r.put("alert_latency_by_type_count_p50_p99", consumer.perType());
      long[] hl = consumer.highlightLatenciesMs();
      r.put("highlight_alerts", hl.length);
      r.put("highlight_alert_ms_after_end_p50", percentile(hl, 0.50));
      r.put("highlight_alert_ms_after_end_p99", percentile(hl, 0.99));
    }
    return r;
  }

  private static Map<String, Object> report(Path tracks, int cameras, double fps, Duration duration,
      List<Long> heapMb, ModelInfo model) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Long> latencies = new ArrayList<>();
    Map<String, Long> perCamera = new TreeMap<>();
    for (String line : Files.readAllLines(tracks)) {
      if (!line.endsWith("}")) {
        continue;
      }
      JsonNode l = json.readTree(line);
      latencies.add(l.get("processed_ms").asLong() - l.get("timestamp_ms").asLong());
      perCamera.merge(l.get("camera").asText(), 1L, Long::sum);
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("cameras", cameras);
    r.put("target_fps_per_camera", fps);
    r.put("duration_s", duration.toSeconds());
    r.put("model", model.name());
    r.put("device", model.device().toString());
    r.put("frames", sorted.length);
    r.put("frames_per_camera", perCamera);
    r.put("achieved_fps_per_camera", Math.round(sorted.length / (double) cameras / duration.toSeconds() * 100) / 100.0);
    r.put("latency_ms_p50", percentile(sorted, 0.50));
    r.put("latency_ms_p99", percentile(sorted, 0.99));
    r.put("latency_ms_max", sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    r.put("heap_mb_after_gc_samples", heapMb);
    r.put("heap_mb_first_last", heapMb.isEmpty() ? List.of() : List.of(heapMb.get(0), heapMb.get(heapMb.size() - 1)));
    return r;
  }

  private static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

}
