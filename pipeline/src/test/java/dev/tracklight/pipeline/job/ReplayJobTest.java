package dev.tracklight.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay job on a Flink MiniCluster with the real model, on the 720p H.264 video (341 frames,
 * 25 fps) and the VP9 WebM (816 frames, 23.976 fps, odd height): outputs complete, counts and rates
 * exact, persons tracked, and parallelism 1 and 2 producing the same tracks.
 */
class ReplayJobTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir
  static Path out;
  static List<Path> videos;

  @BeforeAll
  static void inputs() {
    videos = List.of(TestAssets.file("videos/people_walking_overhead_720p.mp4"),
        TestAssets.file("videos/dog_golden_retriever_swimming_360p_vp9.webm"));
  }

  private static void run(Path outRoot, int parallelism) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    Path root = TestAssets.root();
    System.setProperty("tracklight.test.assets", root.toString());
    DetectorOptions detector = DetectorOptions.forModel(root.resolve("models/yolox_nano_dynamic.onnx").toString())
        .withDevice(DeviceSpec.CPU);
    ReplayJob.build(env, ReplayInputs.probe(videos, outRoot), VideoReadOptions.defaults(), detector,
        BatchingConfig.defaults().withMaxBatch(4), ByteTrackConfig.defaults(), AnnotationStyle.defaults(),
        ClassNames.COCO.names(), Map.of("executor", "flink", "parallelism", Integer.toString(parallelism)),
        Duration.ofMinutes(2));
    env.execute("replay-test-p" + parallelism);
  }

  @Test
  void replaysBothVideosIdenticallyAtParallelismOneAndTwo() throws Exception {
    run(out.resolve("p1"), 1);
    run(out.resolve("p2"), 2);
    ObjectMapper json = new ObjectMapper();
    Map<String, Long> expected = Map.of("people_walking_overhead_720p", 341L,
        "dog_golden_retriever_swimming_360p_vp9", 816L);
    Map<String, Double> expectedFps = Map.of("people_walking_overhead_720p", 25.0,
        "dog_golden_retriever_swimming_360p_vp9", 24000 / 1001.0);
    for (var e : expected.entrySet()) {
      ReplayOutputs p1 = new ReplayOutputs(out.resolve("p1").resolve(e.getKey()));
      ReplayOutputs p2 = new ReplayOutputs(out.resolve("p2").resolve(e.getKey()));
      long frames = e.getValue();
      JsonNode summary = json.readTree(p1.summary().toFile());
      assertTrue(summary.get("complete").asBoolean(), summary.toString());
      assertEquals(frames, summary.get("frames").asLong());
      assertEquals(Files.readAllLines(p1.tracksJsonl()), Files.readAllLines(p2.tracksJsonl()),
          e.getKey() + ": tracks differ between parallelism 1 and 2");
      assertEquals(Files.readAllLines(p1.tracksMot()), Files.readAllLines(p2.tracksMot()));
      assertEquals(frames, Files.readAllLines(p1.tracksJsonl()).size());
      try (VideoReader annotated = VideoReader.open(p1.annotatedVideo(), VideoReadOptions.defaults())) {
        assertEquals("h264", annotated.info().codec());
        assertEquals(expectedFps.get(e.getKey()), annotated.info().fps(), 1e-9);
        long n = 0;
        while (annotated.next().isPresent()) {
          n++;
        }
        assertEquals(frames, n, e.getKey() + " annotated frames");
      }
    }
    // Persons are found in every frame where the reference has them (people_walking #170: 22).
    List<String> walking = Files.readAllLines(out.resolve("p1/people_walking_overhead_720p/tracks.jsonl"));
    JsonNode f170 = json.readTree(walking.get(170));
    assertEquals(170, f170.get("frame").asInt());
    assertTrue(f170.get("tracks").size() >= 15, "tracked persons at frame 170: " + f170.get("tracks").size());
    long framesWithPersons = walking.stream().filter(l -> l.contains("\"class\":\"person\"")).count();
    assertEquals(341, framesWithPersons, "persons in every frame of the hall video");
  }
}
