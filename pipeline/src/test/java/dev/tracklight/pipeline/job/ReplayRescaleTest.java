package dev.tracklight.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.connectors.source.KeyAlignedSplitEnumerator;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.pipeline.testing.TestClips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay of two videos rescaled mid-way, 1 → 2 → 1 subtasks, through savepoints (what the
 * adaptive scheduler and {@code tracklight scale} do with checkpoints), gives exactly the outputs of
 * an uninterrupted run: every frame once, the same track ids, the same highlights and alerts. The
 * videos are named so that at parallelism 2 they belong to different subtasks: each camera's
 * split, tracker state, rule state and sink progress must move with its key group.
 */
class ReplayRescaleTest {

  private static final int CLIP_FRAMES = 90;
  /** Frames that pass the sink before each stop: the rescales fall a third and two thirds in. */
  private static final long[] STOP_AFTER = {CLIP_FRAMES * 2 / 3, CLIP_FRAMES * 4 / 3};

  @TempDir
  static Path tmp;
  static Path hall;
  static Path persons;

  /** Frames that reached the sink in the current run (the counting tap is re-created per run). */
  static final AtomicLong FRAMES = new AtomicLong();

  @BeforeAll
  static void makeClips() {
    // At parallelism 2 the two camera ids must live in different subtasks, or nothing moves.
    assertNotEquals(KeyAlignedSplitEnumerator.subtaskOf("hall", ReplayJob.MAX_PARALLELISM, 2),
        KeyAlignedSplitEnumerator.subtaskOf("persons", ReplayJob.MAX_PARALLELISM, 2));
    hall = TestClips.firstFrames(TestAssets.file("videos/people_walking_overhead_720p.mp4"), CLIP_FRAMES,
        tmp.resolve("hall.mp4"));
    persons = TestClips.firstFrames(TestAssets.file("videos/persons_one_by_one_432p.mp4"), CLIP_FRAMES,
        tmp.resolve("persons.mp4"));
  }

  private static StreamExecutionEnvironment environment(int parallelism, Optional<String> savepoint) {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("chk").toUri().toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    savepoint.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    return env;
  }

  private static void build(StreamExecutionEnvironment env, Path out) {
    DetectorOptions detector = DetectorOptions.forModel(
        TestAssets.root().resolve("models/yolox_nano_dynamic.onnx").toString()).withDevice(DeviceSpec.CPU);
    UnaryOperator<DataStream<FrameDetections>> tap = s -> s.map(new CountFrames())
        .returns(FrameDetections.typeInfo()).name("count").uid("count");
    DataStream<dev.tracklight.operators.alerts.Alert> emitted = ReplayJob.build(env, ReplayInputs.probe(List.of(hall, persons), out),
        VideoReadOptions.defaults(), detector, BatchingConfig.defaults().withMaxBatch(4),
        ByteTrackConfig.recommended(), AnnotationStyle.defaults(), ClassNames.COCO.names(),
        Map.of("executor", "flink"), Duration.ofMinutes(2), ReplayRestoreTest.RULES, tap);
    // The real alert path: the exactly-once file sink, pinned to one subtask whatever the parallelism.
    AlertSinks.attach(emitted, new dev.tracklight.pipeline.config.JobConfig.Alerts(
        Optional.of(out.resolve("alerts.jsonl").toString()), false, Optional.empty()));
  }

  @Test
  void rescaledOneTwoOneEqualsAnUninterruptedRun() throws Exception {
    FRAMES.set(0);
    StreamExecutionEnvironment clean = environment(1, Optional.empty());
    build(clean, tmp.resolve("clean"));
    clean.execute("replay-rescale-clean");
    List<String> cleanAlerts = alertIds(tmp.resolve("clean/alerts.jsonl"));

    Path out = tmp.resolve("rescaled");
    Optional<String> savepoint = Optional.empty();
    int[] parallelism = {1, 2};
    for (int step = 0; step < 2; step++) {
      FRAMES.set(0);
      StreamExecutionEnvironment env = environment(parallelism[step], savepoint);
      build(env, out);
      JobClient job = env.executeAsync("replay-rescale-" + step);
      long stopAt = STOP_AFTER[step] - (step == 0 ? 0 : STOP_AFTER[0]);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (FRAMES.get() < stopAt) {
        assertTrue(System.nanoTime() < deadline, "the replay stalled at " + FRAMES + " frames");
        assertTrue(!job.getJobStatus().get().isGloballyTerminalState(), "the replay ended before its rescale");
        Thread.sleep(20);
      }
      savepoint = Optional.of(job.stopWithSavepoint(false, tmp.resolve("sp" + step).toUri().toString(),
          SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES));
      job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
      System.out.println("rescale: step " + step + " at parallelism " + parallelism[step] + " stopped after "
          + FRAMES.get() + " frames, savepoint " + savepoint.get());
    }
    FRAMES.set(0);
    StreamExecutionEnvironment last = environment(1, savepoint);
    build(last, out);
    last.execute("replay-rescale-last");

    for (String camera : List.of("hall", "persons")) {
      ReplayOutputs a = new ReplayOutputs(tmp.resolve("clean").resolve(camera));
      ReplayOutputs b = new ReplayOutputs(out.resolve(camera));
      List<String> lines = Files.readAllLines(b.tracksJsonl());
      assertEquals(CLIP_FRAMES, lines.size(), camera + ": every frame once");
      assertEquals(Files.readAllLines(a.tracksJsonl()), lines, camera + ": the same tracks and ids");
      assertEquals(Files.readAllLines(a.tracksMot()), Files.readAllLines(b.tracksMot()), camera);
      ObjectMapper json = new ObjectMapper();
      JsonNode sa = json.readTree(a.summary().toFile());
      JsonNode sb = json.readTree(b.summary().toFile());
      assertEquals(ReplayRestoreTest.withoutRunFigures(sa), ReplayRestoreTest.withoutRunFigures(sb), camera);
      assertEquals(ReplayRestoreTest.withoutMedia(json.readTree(a.highlightsJson().toFile()).get("highlights")),
          ReplayRestoreTest.withoutMedia(json.readTree(b.highlightsJson().toFile()).get("highlights")), camera);
      try (var files = Files.walk(b.dir())) {
        assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList(),
            "no staging or progress left behind");
      }
    }
    assertTrue(!cleanAlerts.isEmpty(), "the rules fire");
    assertEquals(cleanAlerts, alertIds(out.resolve("alerts.jsonl")), "each alert once, as without rescales");
  }

  /** Counts frames on their way to the sink. */
  static final class CountFrames implements MapFunction<FrameDetections, FrameDetections> {
    @Override
    public FrameDetections map(FrameDetections f) {
      FRAMES.incrementAndGet();
      return f;
    }
  }

  /** The alert ids of a JSON-lines alerts file, sorted, repeats kept. */
  private static List<String> alertIds(Path file) throws java.io.IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank())
        .map(l -> dev.tracklight.operators.alerts.AlertJson.parse(l).id()).sorted().toList();
  }
}
