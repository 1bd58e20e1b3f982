package dev.tracklight.pipeline.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.connectors.source.LiveCameraSource;
import dev.tracklight.connectors.source.LiveCameraSplit;
import dev.tracklight.operators.stream.CameraFrame;
import dev.tracklight.pipeline.job.ReplayJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job reading a KVS camera fails after a checkpoint; the restored source resumes at exactly the
 * frame after the checkpointed (fragment, frame offset): every frame of the capture is emitted by
 * one attempt or the other, the restored attempt's first frame follows the checkpoint, and frames
 * seen by both attempts (after the checkpoint, before the failure) are the same pictures at the
 * same producer times and sequence numbers.
 */
class KvsSourceRestoreTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  private static final long FAIL_FROM = 150;

  /** sequence → (event time, pixel hash), per attempt. */
  static final Map<Integer, Map<Long, List<Long>>> SEEN = new ConcurrentHashMap<>();
  static final AtomicInteger FAILURES = new AtomicInteger();
  static final AtomicLong FAILED_AT = new AtomicLong(-1);

  @TempDir
  Path tmp;

  @Test
  void restoredSourceResumesAtTheNextFrame() throws Exception {
    try (KvsStreams kvs = KvsStreams.start()) {
      kvs.stream("dock", kvs.cars);
      Configuration conf = new Configuration();
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("chk").toUri().toString());
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
      env.setParallelism(1);
      KvsCamera camera = KvsCamera.of("kvs://dock", "us-east-1", "earliest", kvs.media.endpoint());
      env.fromSource(new LiveCameraSource(List.of(LiveCameraSplit.kvs("dock", camera, 0)), ReplayJob.MAX_PARALLELISM),
              WatermarkStrategy.noWatermarks(), "cameras")
          .map(new FailOnceAfterCheckpoint()).returns(Types.LONG)
          .sinkTo(new DiscardingSink<>());
      JobClient job = env.executeAsync("kvs-restore-test");
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!SEEN.getOrDefault(1, Map.of()).containsKey(299L)) {
          if (System.nanoTime() > deadline) {
            fail("the restored attempt did not reach frame 299: " + summary() + "\n" + kvs.media.requestLog());
          }
          Thread.sleep(100);
        }
      } finally {
        job.cancel().get();
      }
      assertEquals(1, FAILURES.get());
      Map<Long, List<Long>> first = SEEN.get(0);
      Map<Long, List<Long>> restored = new TreeMap<>(SEEN.get(1));
      long resumedAt = restored.keySet().iterator().next();
      assertTrue(resumedAt > 0 && resumedAt <= FAILED_AT.get(),
          "restored mid-stream from a checkpoint before the failure: " + summary());
      for (long s = 0; s < resumedAt; s++) {
        assertTrue(first.containsKey(s), "frame " + s + " emitted before the checkpoint");
      }
      assertEquals(300 - resumedAt, restored.size(), "each frame from the checkpoint on, once");
      for (long s = resumedAt; s < 300; s++) {
        List<Long> frame = restored.get(s);
        long expected = 1511852108513L + (s / 60) * 2000L + Math.round((s % 60) * 1000 / 30.0);
        assertTrue(Math.abs(frame.get(0) - expected) <= 1, "frame " + s + " at its producer time: " + frame);
        if (first.containsKey(s)) {
          assertEquals(first.get(s), frame, "frame " + s + " is the same picture in both attempts");
        }
      }
      assertTrue(kvs.media.requests().stream().anyMatch(r -> r.path("StartSelector").path("StartSelectorType")
          .asText().equals("PRODUCER_TIMESTAMP")), "restored by the fragment's producer time: " + kvs.media.requestLog());
    }
  }

  private static String summary() {
    StringBuilder b = new StringBuilder("failed at " + FAILED_AT + ";");
    SEEN.forEach((attempt, frames) -> b.append(" attempt ").append(attempt).append(": ").append(frames.size())
        .append(" frames ").append(new TreeMap<>(frames).firstKey()).append("..")
        .append(new TreeMap<>(frames).lastKey()));
    return b.toString();
  }

  /** Records every frame per attempt; throws once, at a frame after a completed checkpoint. */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<CameraFrame, Long> implements CheckpointListener {
    private volatile boolean checkpointed;

    @Override
    public Long map(CameraFrame frame) throws InterruptedException {
      int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
      SEEN.computeIfAbsent(attempt, a -> new ConcurrentHashMap<>()).put(frame.frameIndex(),
          List.of(frame.timestampMs(), (long) Arrays.hashCode(frame.image().pixels())));
      Thread.sleep(10); // a little work per frame, so that checkpoints complete mid-stream
      if (checkpointed && frame.frameIndex() >= FAIL_FROM && attempt == 0 && FAILURES.get() == 0) {
        FAILURES.incrementAndGet();
        FAILED_AT.set(frame.frameIndex());
        throw new IllegalStateException("injected failure at frame " + frame.frameIndex());
      }
      return frame.frameIndex();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }
}
