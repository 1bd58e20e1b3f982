package dev.tracklight.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.testing.KafkaTestBroker;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.job.ReplayRestoreTest.FailOnceAfterCheckpoint;
import dev.tracklight.pipeline.testing.TestClips;
import java.nio.file.Files;
import dev.tracklight.pipeline.testing.VideoFrames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A line across the hall of {@code people_walking_overhead_720p.mp4} counts crossings per
 * direction; the counts and the alerts (ids included) are the same at parallelism 1 and 2 and after
 * a failure restored from a checkpoint, and the alerts file holds each alert once. The runs with
 * checkpoints also publish to a real Kafka broker, exactly once: a {@code read_committed} consumer
 * sees the same alerts, each once, with and without the failure.
 */
class LineCountReplayTest {

  private static final String RULES = """
      - {type: line, name: hall, points: [[0.5, 0.0], [0.5, 1.0]], direction: both, classes: [person]}
      """;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir
  static Path tmp;
  static KafkaTestBroker kafka;
  static Path hall;
  static Path other;

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @BeforeAll
  static void inputs() throws Exception {
    kafka = KafkaTestBroker.start();
    hall = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    other = TestClips.firstFrames(TestAssets.file("videos/persons_one_by_one_432p.mp4"), 60,
        tmp.resolve("table.mp4"));
  }

  private static List<Alert> run(String name, List<Path> videos, int parallelism, boolean failOnce)
      throws Exception {
    return run(name, videos, parallelism, failOnce, failOnce);
  }

  /** With {@code checkpoints}, the alerts also go to the Kafka topic {@code name}, exactly once. */
  private static List<Alert> run(String name, List<Path> videos, int parallelism, boolean failOnce,
      boolean checkpoints) throws Exception {
    Configuration conf = new Configuration();
    if (checkpoints) {
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("chk-" + name).toUri().toString());
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
      kafka.createTopic(name, 2);
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    DetectorOptions detector = DetectorOptions.forModel(
        TestAssets.root().resolve("models/yolox_nano_dynamic.onnx").toString()).withDevice(DeviceSpec.CPU);
    List<Rule> rules = new RuleParser(ClassNames.COCO).parse(
        new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
            .loadFromString(RULES) instanceof List<?> l ? l : List.of());
    UnaryOperator<DataStream<FrameDetections>> tap = failOnce
        ? s -> s.map(new FailOnceAfterCheckpoint()).returns(FrameDetections.typeInfo()).name("fail-once")
        : UnaryOperator.identity();
    Path alerts = tmp.resolve(name + "-alerts.jsonl");
    DataStream<Alert> stream = ReplayJob.build(env, ReplayInputs.probe(videos, tmp.resolve(name)),
        VideoReadOptions.defaults(), detector, BatchingConfig.defaults().withMaxBatch(4),
        ByteTrackConfig.defaults(), AnnotationStyle.defaults(), ClassNames.COCO.names(),
        Map.of("executor", "flink"), Duration.ofMinutes(2), rules, tap);
    AlertSinks.attach(stream, new JobConfig.Alerts(Optional.of(alerts.toString()), false,
        checkpoints ? Optional.of(new JobConfig.Kafka(kafka.bootstrapServers(), name, true, "tl-" + name))
            : Optional.empty()));
    env.execute("line-count-" + name);
    return Files.readAllLines(alerts).stream().map(AlertJson::parse).toList();
  }

  /** Crossings of the hall line per direction, as the last crossing alert of each reports. */
  private static Map<String, Integer> counts(List<Alert> alerts) {
    Map<String, Integer> counts = new TreeMap<>();
    for (Alert a : alerts) {
      if (a.camera().equals("people_walking_overhead_720p") && a.type().equals("crossing")) {
        counts.merge(a.direction(), 1, Integer::sum);
        assertEquals(counts.get(a.direction()), a.count(), "running count of " + a);
      }
    }
    return counts;
  }

  /** Alert ids a read_committed consumer sees on {@code topic}, in per-camera order (one camera). */
  private static List<String> kafkaIds(String topic) {
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<String, String> r : kafka.readAll(topic, IsolationLevel.READ_COMMITTED)) {
      assertEquals("people_walking_overhead_720p", r.key(), "keyed by camera");
      ids.add(AlertJson.parse(r.value()).id());
    }
    return ids;
  }

  private static List<String> hallIds(List<Alert> alerts) {
    return alerts.stream().filter(a -> a.camera().equals("people_walking_overhead_720p"))
        .map(Alert::id).toList();
  }

  /**
   * The hall line (x = 0.5, top to bottom) is drawn into the annotated video: the column under it
   * differs clearly from the source frame in most rows (boxes and labels alone change a few).
   */
  private static void assertLineDrawn(Path annotated) {
    for (long frame : new long[] {0, 170, 340}) {
      BgrImage drawn = VideoFrames.frame(annotated, frame);
      BgrImage original = VideoFrames.frame(hall, frame);
      int rows = 0;
      int x = drawn.width() / 2;
      for (int y = 0; y < drawn.height(); y++) {
        int at = (y * drawn.width() + x) * 3;
        int max = 0;
        for (int c = 0; c < 3; c++) {
          max = Math.max(max, Math.abs((drawn.pixels()[at + c] & 0xFF) - (original.pixels()[at + c] & 0xFF)));
        }
        rows += max > 40 ? 1 : 0;
      }
      assertTrue(rows > drawn.height() / 2, "frame " + frame + ": the line shows in " + rows + " of "
          + drawn.height() + " rows");
    }
  }

  @Test
  void crossingCountsAreStableAcrossParallelismAndRestore() throws Exception {
    List<Alert> p1 = run("p1", List.of(hall), 1, false);
    Map<String, Integer> counts = counts(p1);
    assertTrue(counts.getOrDefault("in", 0) > 0 && counts.getOrDefault("out", 0) > 0,
        "people cross the hall both ways: " + counts);
    assertEquals(p1.size(), new HashSet<>(p1.stream().map(Alert::id).toList()).size(), "ids unique");

    assertLineDrawn(tmp.resolve("p1").resolve("people_walking_overhead_720p").resolve("annotated.mp4"));

    List<Alert> p2 = run("p2", List.of(hall, other), 2, false);
    assertEquals(counts, counts(p2), "parallelism 2 counts the same");
    assertEquals(hallIds(p1), hallIds(p2), "and emits the same alerts, in the same order");

    List<Alert> checkpointed = run("checkpointed", List.of(hall), 1, false, true);
    assertEquals(hallIds(p1), kafkaIds("checkpointed"), "Kafka has every alert once, committed");

    ReplayRestoreTest.FAILURES.set(0);
    List<Alert> restored = run("restored", List.of(hall), 1, true);
    assertEquals(1, ReplayRestoreTest.FAILURES.get(), "exactly one injected failure");
    assertEquals(counts, counts(restored), "a restore from a checkpoint counts the same");
    assertEquals(hallIds(p1), hallIds(restored), "each alert exactly once after the restore");
    assertEquals(hallIds(checkpointed), kafkaIds("restored"),
        "a read_committed consumer sees the same alerts, each once, despite the failure");
  }
}
