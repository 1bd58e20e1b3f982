package dev.tracklight.connectors.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.alerts.KafkaAlertSinkOptions.Delivery;
import dev.tracklight.connectors.testing.TestAlerts;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaAlertSinkOptionsTest {

  private static final KafkaAlertSinkOptions OK = KafkaAlertSinkOptions.of("localhost:9092", "tracklight-alerts");

  @Test
  void defaultsAreExactlyOnceWithATimeoutBelowTheBrokerCeiling() {
    assertEquals(Delivery.EXACTLY_ONCE, OK.delivery());
    assertEquals("tracklight", OK.transactionalIdPrefix());
    assertTrue(OK.transactionTimeout().compareTo(KafkaAlertSinkOptions.MAX_TRANSACTION_TIMEOUT) < 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:9092", "a:1,b.example.com:65535", "10.0.0.7:9092, 10.0.0.8:9092",
      "[::1]:9092", "kafka-0.kafka.svc:9093"})
  void acceptsServerLists(String servers) {
    KafkaAlertSinkOptions o = KafkaAlertSinkOptions.of(servers, "t");
    assertTrue(!o.bootstrapServers().contains(" "), o.bootstrapServers());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "localhost", "localhost:", ":9092", "localhost:0", "localhost:70000",
      "localhost:9092,", "http://localhost:9092", "local host:9092", "localhost:90a"})
  void rejectsBadServerListsInOneLine(String servers) {
    assertOneLine(() -> KafkaAlertSinkOptions.of(servers, "t"), "sinks.alerts.kafka.bootstrap_servers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "alerts topic", "alerts/1", "ä"})
  void rejectsIllegalTopicNames(String topic) {
    assertOneLine(() -> KafkaAlertSinkOptions.of("localhost:9092", topic), "sinks.alerts.kafka.topic");
  }

  @Test
  void rejectsTopicNamesOverKafkasLimit() {
    assertOneLine(() -> KafkaAlertSinkOptions.of("localhost:9092", "x".repeat(250)), "1..249");
  }

  @Test
  void acceptsLegalTopicNames() {
    KafkaAlertSinkOptions.of("localhost:9092", "a.b_c-D9");
    KafkaAlertSinkOptions.of("localhost:9092", "x".repeat(249));
  }

  @Test
  void rejectsBlankPrefixAndOutOfRangeTimeouts() {
    assertOneLine(() -> OK.withTransactionalIdPrefix(" "), "transactional_id_prefix");
    assertOneLine(() -> OK.withTransactionalIdPrefix("has space"), "transactional_id_prefix");
    assertOneLine(() -> OK.withTransactionTimeout(Duration.ofMinutes(16)), "15 min");
    assertOneLine(() -> OK.withTransactionTimeout(Duration.ofMillis(10)), "transaction timeout");
  }

  @Test
  void parsesDelivery() {
    assertEquals(Delivery.AT_LEAST_ONCE, Delivery.parse("at_least_once"));
    assertEquals(Delivery.EXACTLY_ONCE, Delivery.parse("EXACTLY_ONCE"));
    assertOneLine(() -> Delivery.parse("at-most-once"), "expected exactly_once or at_least_once");
  }

  @Test
  void exactlyOnceWithoutCheckpointingIsRefused() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    var alerts = env.fromData(TestAlerts.number(0, 1)).returns(Alert.typeInfo());
    assertOneLine(() -> KafkaAlertSink.sinkTo(alerts, OK), "checkpointing is off");
    KafkaAlertSink.sinkTo(alerts, OK.withDelivery(Delivery.AT_LEAST_ONCE));
  }

  @Test
  void transactionTimeoutMustExceedTheCheckpointInterval() {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMinutes(2));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    var alerts = env.fromData(TestAlerts.number(0, 1)).returns(Alert.typeInfo());
    assertOneLine(() -> KafkaAlertSink.sinkTo(alerts, OK.withTransactionTimeout(Duration.ofMinutes(1))),
        "does not exceed the checkpoint interval");
    KafkaAlertSink.sinkTo(alerts, OK);
  }

  @Test
  void recordIsCameraKeyAndJsonValueAtEmitTime() {
    Alert a = TestAlerts.number(7, 3);
    ProducerRecord<byte[], byte[]> r = new KafkaAlertSink.AlertRecordSerializer("t").serialize(a, null, 12L);
    assertEquals("t", r.topic());
    assertEquals(a.camera(), new String(r.key(), StandardCharsets.UTF_8));
    assertEquals(AlertJson.toJson(a), new String(r.value(), StandardCharsets.UTF_8));
    assertEquals(a.emitTimeMs(), r.timestamp(), "emit time, not the stream's event time");
    assertEquals(null, r.partition(), "the producer partitions by key");
  }

  private static void assertOneLine(Supplier<?> call, String mentions) {
    InvalidInputException e = assertThrows(InvalidInputException.class, call::get);
    assertTrue(e.getMessage().contains(mentions), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }

  private static void assertOneLine(Runnable call, String mentions) {
    assertOneLine(() -> {
      call.run();
      return null;
    }, mentions);
  }
}
