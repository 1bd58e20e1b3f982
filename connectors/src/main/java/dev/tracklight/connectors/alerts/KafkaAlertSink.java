package dev.tracklight.connectors.alerts;

import dev.tracklight.connectors.alerts.KafkaAlertSinkOptions.Delivery;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Alerts to a Kafka topic through Flink's {@link KafkaSink}: one record per alert, key = camera id,
 * value = the {@link AlertJson} line (both UTF-8), record timestamp = the alert's emit time. Keying
 * by camera puts a camera's alerts on one partition, in the order its keyed rule operator emitted
 * them.
 *
 * <p>Exactly-once: each sink subtask writes into a Kafka transaction that the checkpoint after it
 * commits (two-phase commit: pre-commit in the checkpoint, commit once it completes). A consumer
 * with {@code isolation.level=read_committed} sees every alert once, a checkpoint interval late;
 * after a failure the restored job aborts what was written since the last checkpoint and writes it
 * again. A {@code read_uncommitted} consumer would see those aborted records too. Transactional ids
 * are {@code prefix-subtask-n} from a pool ({@link TransactionNamingStrategy#POOLING}): a live job
 * that checkpoints every few seconds for months would otherwise leave one id per checkpoint in the
 * broker's memory for 7 days. Pooling finds lingering transactions with the ListTransactions API
 * (brokers 3.0 or newer; with ACLs, DESCRIBE on the prefix's transactional ids).
 *
 * <p>Exactly-once needs checkpointing: without it nothing would ever commit, so {@link #sinkTo}
 * refuses such a job.
 */
public final class KafkaAlertSink {

  /** Operator uid of the sink: its state (open transactions) is restored by this id. */
  public static final String UID = "alerts-kafka";

  /**
   * Longest the sink's Kafka clients wait for a broker before failing: a healthy broker answers in
   * milliseconds and a loaded one in seconds, so 15 s only bounds how long a job takes to notice
   * (and restart from its checkpoint) when the broker has gone.
   */
  public static final Duration BROKER_WAIT = Duration.ofSeconds(15);

  private KafkaAlertSink() {}

  /** The sink for these options. */
  public static KafkaSink<Alert> create(KafkaAlertSinkOptions options) {
    KafkaSinkBuilder<Alert> builder = KafkaSink.<Alert>builder()
        .setBootstrapServers(options.bootstrapServers())
        .setRecordSerializer(new AlertRecordSerializer(options.topic()))
        // A broker that went away is noticed within BROKER_WAIT instead of the clients' 60 s:
        // starting a transaction, aborting one on failover, and the writer's listing of open
        // transactions on (re)start all wait at most this long.
        .setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(BROKER_WAIT.toMillis()))
        .setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(BROKER_WAIT.toMillis()))
        .setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(BROKER_WAIT.toMillis()));
    if (options.delivery() == Delivery.EXACTLY_ONCE) {
      builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
          .setTransactionalIdPrefix(options.transactionalIdPrefix())
          .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
          .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
              Long.toString(options.transactionTimeout().toMillis()));
    } else {
      builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
    }
    return builder.build();
  }

  /**
   * Adds the sink to {@code alerts}, at its parallelism.
   *
   * @throws InvalidInputException if exactly-once is asked for without checkpointing, or with a
   *     transaction timeout that does not exceed the checkpoint interval
   */
  public static DataStreamSink<Alert> sinkTo(DataStream<Alert> alerts, KafkaAlertSinkOptions options) {
    if (options.delivery() == Delivery.EXACTLY_ONCE) {
      CheckpointConfig checkpoints = alerts.getExecutionEnvironment().getCheckpointConfig();
      if (!checkpoints.isCheckpointingEnabled()) {
        throw new InvalidInputException(KafkaAlertSinkOptions.KEY + ".delivery exactly_once commits "
            + "alerts on checkpoints, but checkpointing is off: expected checkpointing.interval_ms > 0, "
            + "or delivery at_least_once");
      }
      Duration interval = Duration.ofMillis(checkpoints.getCheckpointInterval());
      if (options.transactionTimeout().compareTo(interval) <= 0) {
        throw new InvalidInputException(KafkaAlertSinkOptions.KEY + " transaction timeout "
            + options.transactionTimeout().toMillis() + " ms does not exceed the checkpoint interval "
            + interval.toMillis() + " ms: transactions would be aborted before their checkpoint commits them");
      }
    }
    return alerts.sinkTo(new TolerantCloseKafkaSink<>(create(options))).name("alerts → kafka " + options.topic()).uid(UID);
  }

  /**
   * Key = camera id, value = the alert's JSON line, timestamp = emit time. It names its one topic
   * ({@link KafkaDatasetFacetProvider}): the pooling transaction strategy lists the open
   * transactions of the topics it writes to on restore.
   */
  static final class AlertRecordSerializer
      implements KafkaRecordSerializationSchema<Alert>, KafkaDatasetFacetProvider {
    private static final long serialVersionUID = 1L;

    private final String topic;

    AlertRecordSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Alert alert, KafkaSinkContext context, Long timestamp) {
      // The stream timestamp is event time, which for replays counts from the video's start: as a
      // record timestamp that would be 1970, and retention would delete the records at once.
      return new ProducerRecord<>(topic, null, alert.emitTimeMs(),
          alert.camera().getBytes(StandardCharsets.UTF_8),
          AlertJson.toJson(alert).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
      return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }
  }
}
