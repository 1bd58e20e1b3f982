package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.alerts.KinesisAlertSinkOptions;
import dev.tracklight.connectors.testing.TestAlerts;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import dev.tracklight.pipeline.batch.MotoServer;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.job.AlertSinks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Alerts to Kinesis Data Streams through the real AWS SDK against moto's Kinesis: a replay's
 * alerts arrive once each (the same as its alerts file), keyed by camera; a job that fails after a
 * checkpoint and restores loses none (re-sent ones keep their id and bytes); {@code alerts tail
 * --kinesis} shows each id once; a missing stream is a one-line error before the job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisAlertsMotoTest {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final int CAMERAS = 4;
  private static final int ALERTS = 1_500;
  /** The failure comes at or after this alert, once a checkpoint has completed. */
  private static final int FAIL_FROM = 700;
  static final AtomicInteger FAILURES = new AtomicInteger();

  MotoServer moto;
  KinesisClient kinesis;
  Path tmp;

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("kinesis-alerts-");
    moto = MotoServer.start();
    moto.setSystemProperties(MotoServer.REGION);
    // moto answers Kinesis in JSON only; AWS itself takes the SDK's default CBOR too.
    System.setProperty("aws.cborEnabled", "false");
    kinesis = KinesisAlertSinkOptions.of("any").newClient();
  }

  @AfterAll
  void stop() throws Exception {
    try {
      kinesis.close();
      moto.close();
    } finally {
      for (String p : List.of("aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey",
          "aws.sessionToken", "aws.disableEc2Metadata", "aws.cborEnabled")) {
        System.clearProperty(p);
      }
    }
  }

  private void createStream(String name, int shards) {
    kinesis.createStream(b -> b.streamName(name).shardCount(shards));
    kinesis.waiter().waitUntilStreamExists(b -> b.streamName(name));
  }

  /** Every record of every shard, from the oldest; the shard id with each. */
  private List<Map.Entry<String, Record>> readAll(String stream) {
    List<Map.Entry<String, Record>> out = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (it != null) {
        String current = it;
        var page = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
        page.records().forEach(r -> out.add(Map.entry(shard.shardId(), r)));
        it = page.records().isEmpty() ? null : page.nextShardIterator();
      }
    }
    return out;
  }

  @Test
  void replayAlertsArriveOnceEachAsInItsAlertsFileAndTailShowsThem() throws Exception {
    String stream = "replay-alerts";
    createStream(stream, 2);
    Path video = TestAssets.file(BatchMotoTest.DOG);
    Path rules = Files.writeString(tmp.resolve("rules.yaml"),
        "rules:\n  - {type: appearance, name: dog-arrives, classes: [dog], min_absence_seconds: 1.0}\n");
    Path localAlerts = tmp.resolve("local-alerts.jsonl");
    CliRun local = CliRun.of("replay", video.toString(), "--out", tmp.resolve("local").toString(),
        "--alerts", localAlerts.toString(), "--rules", rules.toString(), "--fps", "1");
    assertEquals(0, local.exitCode(), local.err());
    CliRun remote = CliRun.of("replay", video.toString(), "--out", tmp.resolve("remote").toString(),
        "--alerts", "kinesis://" + stream, "--rules", rules.toString(), "--fps", "1");
    assertEquals(0, remote.exitCode(), remote.err());

    List<String> fileLines = Files.readAllLines(localAlerts);
    assertTrue(!fileLines.isEmpty(), "the rule fires on this video");
    List<Map.Entry<String, Record>> records = readAll(stream);
    assertEquals(fileLines.size(), records.size(), "each alert once");
    for (var e : records) {
      Alert a = AlertJson.parse(e.getValue().data().asUtf8String());
      assertEquals(a.camera(), e.getValue().partitionKey(), "keyed by camera");
    }
    assertEquals(comparable(fileLines), comparable(records.stream()
        .map(e -> e.getValue().data().asUtf8String()).toList()), "the same alerts as the file's");

    CliRun tail = CliRun.of("alerts", "tail", "--kinesis", stream, "--from-beginning", "--json",
        "--max", Integer.toString(records.size()), "--timeout", "30");
    assertEquals(0, tail.exitCode(), tail.err());
    assertEquals(comparable(fileLines), comparable(tail.out().lines().toList()));
    assertTrue(tail.err().contains("following kinesis stream " + stream + " (2 shards, from the oldest record kept)"),
        tail.err());

    CliRun missing = CliRun.of("replay", video.toString(), "--out", tmp.resolve("x").toString(),
        "--alerts", "kinesis://no-such-stream", "--fps", "1");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, missing.exitCode(), missing.err());
    assertTrue(missing.errIsOneLine() && missing.err().contains("stream 'no-such-stream' does not exist"),
        missing.err());
    CliRun badName = CliRun.of("alerts", "tail", "--kinesis", "bad name!");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, badName.exitCode(), badName.err());
    assertTrue(badName.errIsOneLine() && badName.err().contains("is neither a Kinesis stream name"), badName.err());
  }

  @Test
  void aJobThatFailsAfterACheckpointLosesNoAlertAndResendsOnlyWithTheSameId() throws Exception {
    String stream = "restored-alerts";
    createStream(stream, 4);
    FAILURES.set(0);
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("chk").toUri().toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    DataStream<Alert> alerts = env.fromSequence(0, ALERTS - 1)
        .map(new AlertNumberFailingOnce()).returns(Alert.typeInfo()).name("alerts");
    Path file = tmp.resolve("restored-alerts.jsonl");
    KinesisAlertSinkOptions options = new KinesisAlertSinkOptions(stream, null, null,
        100, 1, 10_000, 50);
    AlertSinks.attach(alerts, new JobConfig.Alerts(Optional.of(file.toString()), false, Optional.empty(),
        Optional.of(options)));
    env.execute("kinesis-alerts-restore-test");
    assertEquals(1, FAILURES.get(), "exactly one injected failure");

    Set<String> expectedIds = LongStream.range(0, ALERTS).mapToObj(n -> TestAlerts.number(n, CAMERAS).id())
        .collect(Collectors.toSet());
    List<Map.Entry<String, Record>> records = readAll(stream);
    Map<String, String> bytesById = new HashMap<>();
    Map<String, Set<String>> shardsByCamera = new HashMap<>();
    int duplicates = 0;
    for (var e : records) {
      String json = e.getValue().data().asUtf8String();
      Alert a = AlertJson.parse(json);
      String before = bytesById.putIfAbsent(a.id(), json);
      if (before != null) {
        duplicates++;
        assertEquals(before, json, "a re-sent alert is the same alert");
      }
      assertEquals(a.camera(), e.getValue().partitionKey());
      shardsByCamera.computeIfAbsent(a.camera(), c -> new HashSet<>()).add(e.getKey());
    }
    assertEquals(expectedIds, bytesById.keySet(), "no alert missing, none invented");
    shardsByCamera.forEach((camera, shards) -> assertEquals(1, shards.size(), camera + " on one shard"));
    System.out.println("kinesis-restore: {\"alerts\": " + ALERTS + ", \"records\": " + records.size()
        + ", \"resent\": " + duplicates + "}");
    // The exactly-once file sink of the same job: each alert once, the same ids.
    List<String> lines = Files.readAllLines(file);
    assertEquals(ALERTS, lines.size());
    assertEquals(expectedIds, lines.stream().map(l -> AlertJson.parse(l).id()).collect(Collectors.toSet()));
  }

  /**
   * Alert n of {@link TestAlerts}; throws once, on the first attempt, at an alert after a completed
   * checkpoint. Slowed a little so that checkpoints fall mid-stream.
   */
  static final class AlertNumberFailingOnce extends RichMapFunction<Long, Alert> implements CheckpointListener {
    private volatile boolean checkpointed;

    @Override
    public Alert map(Long n) throws InterruptedException {
      Thread.sleep(1);
      int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
      if (checkpointed && n >= FAIL_FROM && attempt == 0 && FAILURES.get() == 0) {
        FAILURES.incrementAndGet();
        throw new IllegalStateException("injected failure at alert " + n);
      }
      return TestAlerts.number(n, CAMERAS);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }

  /** The alerts as a set, without what differs between two runs (emit time, local media paths). */
  private static Set<JsonNode> comparable(List<String> lines) throws Exception {
    Set<JsonNode> out = new HashSet<>();
    for (String l : lines) {
      if (!l.isBlank()) {
        ObjectNode n = (ObjectNode) JSON.readTree(l);
        n.remove(List.of("emit_time_ms", "clip_uri", "thumbnail_uri"));
        out.add(n);
      }
    }
    return out;
  }
}
