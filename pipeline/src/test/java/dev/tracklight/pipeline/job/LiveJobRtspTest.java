package dev.tracklight.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.testing.RtspTestServer;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.config.JobConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job on a MiniCluster against two real RTSP servers: both cameras produce tracks; when one
 * camera's server dies the other keeps going; when it comes back, the source reconnects and that
 * camera's frame sequence continues.
 */
class LiveJobRtspTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Bound on every wait; the clip is 34 s long and the test server does not loop. */
  private static final Duration WAIT = Duration.ofSeconds(25);

  @TempDir
  Path tmp;

  @Test
  void camerasSurviveEachOthersDrops() throws Exception {
    RtspTestServer.requireAvailable();
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    Path tracks = tmp.resolve("tracks.jsonl");
    try (RtspTestServer a = RtspTestServer.builder().mount("cam", video).start();
        RtspTestServer b = RtspTestServer.builder().mount("cam", video).start()) {
      Path yaml = Files.writeString(tmp.resolve("cameras.yaml"), """
          cameras:
            - id: pool-a
              url: '%s'
              fps: 5
              rules: [{type: appearance, name: dog-arrives, classes: [dog]}]
            - {id: pool-b, url: '%s', fps: 5}
          model: {max_batch: 4}
          batching: {max_batch: 4, max_delay_ms: 5}
          checkpointing: {interval_ms: 1000, dir: '%s'}
          sinks: {jsonl: '%s'}
          highlights: {clips_dir: '%s', buffer_seconds: 10}
          """.formatted(a.url("cam"), b.url("cam"), tmp.resolve("chk").toUri(), tracks, tmp.resolve("clips")));
      JobConfig config = JobConfigLoader.load(yaml);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      env.enableCheckpointing(1000);
      Path root = TestAssets.root();
      DetectorOptions detector = DetectorOptions.forModel(root.resolve("models/yolox_nano_dynamic.onnx").toString())
          .withDevice(DeviceSpec.CPU).withMaxBatch(4);
      LiveJob.build(env, config, detector, ClassNames.COCO.names());
      JobClient job = env.executeAsync("live-rtsp-test");
      try {
        long started = System.currentTimeMillis();
        await("both cameras tracked", tracks, l -> count(l, "pool-a") >= 5 && count(l, "pool-b") >= 5);
        // No alert sink configured: alerts go to alerts.jsonl next to the track lines.
        Path alerts = tmp.resolve("alerts.jsonl");
        await("the dog's appearance alert", alerts, l -> l.stream().anyMatch(x -> x.get("type").asText().equals("appearance")));
        JsonNode appearance = read(alerts).stream().filter(x -> x.get("type").asText().equals("appearance"))
            .findFirst().orElseThrow();
        assertEquals("pool-a", appearance.get("camera").asText(), "only pool-a has the rule");
        assertEquals(List.of("dog"), List.of(appearance.get("classes").get(0).asText()));
        long eventTime = appearance.get("event_time_ms").asLong();
        assertTrue(eventTime >= started - 5_000 && eventTime <= System.currentTimeMillis(),
            "live event time is capture time (epoch ms): " + appearance);
        a.stop();
        long bBefore = count(read(tracks), "pool-b");
        await("pool-b continues while pool-a is down", tracks, l -> count(l, "pool-b") >= bBefore + 10);
        long aFrameBefore = maxFrame(read(tracks), "pool-a");
        a.start();
        await("pool-a reconnects", tracks, l -> maxFrame(l, "pool-a") > aFrameBefore + 3);
      } finally {
        job.cancel().get();
      }
      List<JsonNode> lines = read(tracks);
      assertSequenceIncreasing(lines, "pool-a");
      assertSequenceIncreasing(lines, "pool-b");
      assertTrue(lines.stream().anyMatch(l -> l.toString().contains("\"class\":\"dog\"")), "the dog is tracked");
      assertFalse(Files.readString(tracks).isBlank());
    }
  }

  private static void await(String what, Path file, Predicate<List<JsonNode>> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.test(read(file))) {
        return;
      }
      Thread.sleep(200);
    }
    fail("timed out waiting for: " + what + " (" + read(file).size() + " lines)");
  }

  private static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file)) {
      if (line.endsWith("}")) { // a line being written may be cut
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static long count(List<JsonNode> lines, String camera) {
    return lines.stream().filter(l -> camera.equals(l.get("camera").asText())).count();
  }

  private static long maxFrame(List<JsonNode> lines, String camera) {
    return lines.stream().filter(l -> camera.equals(l.get("camera").asText()))
        .mapToLong(l -> l.get("frame").asLong()).max().orElse(-1);
  }

  private static void assertSequenceIncreasing(List<JsonNode> lines, String camera) {
    long last = -1;
    for (JsonNode l : lines) {
      if (camera.equals(l.get("camera").asText())) {
        long f = l.get("frame").asLong();
        assertTrue(f > last, camera + " frame " + f + " after " + last);
        last = f;
      }
    }
  }
}
