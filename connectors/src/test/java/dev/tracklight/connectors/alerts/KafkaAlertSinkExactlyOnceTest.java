package dev.tracklight.connectors.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.testing.KafkaTestBroker;
import dev.tracklight.connectors.testing.TestAlerts;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Flink job with checkpoints writes {@value #ALERTS} deterministic alerts through the
 * exactly-once Kafka sink into a real broker; a read_committed consumer must see each alert id
 * exactly once, keyed by its camera, both in a clean run and in a run that fails mid-stream after a
 * checkpoint and restores. In the failed run, a read_uncommitted consumer also sees the aborted
 * records of the failed attempt: proof that the failure did leave something to hide.
 */
class KafkaAlertSinkExactlyOnceTest {

  private static final int ALERTS = 300;
  private static final int CAMERAS = 4;
  /**
   * The source lets this many alerts through per checkpoint, so the stream spans ten checkpoints
   * however slow the machine is (a time-based rate let a loaded machine finish the stream before
   * its first checkpoint completed, and the failure never came).
   */
  private static final int ALERTS_PER_CHECKPOINT = 30;
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);
  /**
   * The failure comes after this many alerts of one subtask since its last completed checkpoint;
   * a subtask with one camera of four gets about 7 per checkpoint.
   */
  private static final int FAIL_AFTER_UNCOMMITTED = 5;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static KafkaTestBroker broker;
  /** Failures injected across the test JVM (the function is re-instantiated on restart). */
  static final AtomicInteger FAILURES = new AtomicInteger();

  @TempDir
  static Path tmp;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaTestBroker.start();
    System.out.println("kafka-test-broker: {\"start_ms\": " + broker.startTime().toMillis() + "}");
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void cleanRunDeliversEachAlertOnce() throws Exception {
    List<ConsumerRecord<String, String>> committed = run("alerts-clean", false);
    assertExactlyTheAlerts(committed);
    assertEquals(ALERTS, broker.readAll("alerts-clean", IsolationLevel.READ_UNCOMMITTED).size(),
        "nothing aborted in a run without failures");
  }

  @Test
  void failedAndRestoredRunDeliversEachAlertOnce() throws Exception {
    List<ConsumerRecord<String, String>> committed = run("alerts-restored", true);
    assertEquals(1, FAILURES.get(), "exactly one injected failure");
    assertExactlyTheAlerts(committed);
    int uncommitted = broker.readAll("alerts-restored", IsolationLevel.READ_UNCOMMITTED).size();
    System.out.println("kafka-exactly-once: {\"read_uncommitted_records\": " + uncommitted
        + ", \"alerts\": " + ALERTS + "}");
    assertTrue(uncommitted > ALERTS, "read_uncommitted sees the failed attempt's aborted records: "
        + uncommitted);
  }

  private static List<ConsumerRecord<String, String>> run(String topic, boolean fail) throws Exception {
    broker.createTopic(topic, 3);
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve(topic).toUri().toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);

    // A replayable source: the generator's splits checkpoint how far they got.
    DataGeneratorSource<Long> numbers = new DataGeneratorSource<>(n -> n, ALERTS,
        RateLimiterStrategy.perCheckpoint(ALERTS_PER_CHECKPOINT), Types.LONG);
    var alerts = env.fromSource(numbers, WatermarkStrategy.noWatermarks(), "alert numbers")
        // Like the job's rule operator: a camera's alerts come from one keyed subtask.
        .keyBy(n -> "cam" + (n % CAMERAS))
        .map(new ToAlert(fail)).returns(Alert.typeInfo()).name("to alert");
    KafkaAlertSink.sinkTo(alerts, KafkaAlertSinkOptions.of(broker.bootstrapServers(), topic)
        .withTransactionalIdPrefix("test-" + topic)
        .withTransactionTimeout(Duration.ofMinutes(1)));
    long t0 = System.nanoTime();
    env.execute("kafka exactly-once " + topic);
    List<ConsumerRecord<String, String>> committed = broker.readAll(topic, IsolationLevel.READ_COMMITTED);
    System.out.println("kafka-exactly-once: {\"topic\": \"" + topic + "\", \"job_and_read_ms\": "
        + Duration.ofNanos(System.nanoTime() - t0).toMillis() + "}");
    return committed;
  }

  private static void assertExactlyTheAlerts(List<ConsumerRecord<String, String>> records) {
    Map<String, Alert> expected = LongStream.range(0, ALERTS).mapToObj(n -> TestAlerts.number(n, CAMERAS))
        .collect(Collectors.toMap(Alert::id, a -> a));
    assertEquals(ALERTS, expected.size(), "test alerts have distinct ids");
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Set<Integer>> partitionsOfCamera = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      Alert a = AlertJson.parse(r.value());
      seen.merge(a.id(), 1, Integer::sum);
      assertEquals(a.camera(), r.key(), "record key is the camera id");
      assertEquals(expected.get(a.id()), a, "alert survives the round trip");
      partitionsOfCamera.computeIfAbsent(a.camera(), c -> new TreeSet<>()).add(r.partition());
    }
    Map<String, Integer> duplicates = seen.entrySet().stream().filter(e -> e.getValue() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertEquals(Map.of(), duplicates, "no alert twice");
    assertEquals(expected.keySet(), seen.keySet(), "every alert");
    assertEquals(ALERTS, records.size());
    partitionsOfCamera.forEach((camera, partitions) ->
        assertEquals(1, partitions.size(), camera + "'s alerts on one partition: " + partitions));
  }

  /** Alert number n; optionally throws once, after a checkpoint, with uncommitted alerts written. */
  static final class ToAlert extends RichMapFunction<Long, Alert> implements CheckpointListener {
    private final boolean fail;
    private volatile int sinceCheckpoint;
    private volatile boolean checkpointed;

    ToAlert(boolean fail) {
      this.fail = fail;
    }

    @Override
    public Alert map(Long n) throws InterruptedException {
      if (fail && checkpointed && sinceCheckpoint >= FAIL_AFTER_UNCOMMITTED && FAILURES.get() == 0
          && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
        FAILURES.incrementAndGet();
        // Let the producer's sender thread hand what it buffered (linger.ms) to the broker, so the
        // transaction that the restore aborts holds records a read_uncommitted consumer can see.
        Thread.sleep(300);
        throw new IllegalStateException("injected failure at alert " + n);
      }
      sinceCheckpoint++;
      return TestAlerts.number(n, CAMERAS);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
      sinceCheckpoint = 0;
    }
  }
}
