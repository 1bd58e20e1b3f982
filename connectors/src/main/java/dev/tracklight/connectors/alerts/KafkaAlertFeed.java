package dev.tracklight.connectors.alerts;

import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows an alert topic with a {@code read_committed} consumer: it sees only alerts whose
 * exactly-once transaction committed (never those a failed job attempt aborted), so each alert
 * once. Group-less: the topic's partitions (as they are at start; partitions added later are not
 * followed) are assigned directly and no offsets are committed, so any number of tails can follow
 * one topic without disturbing consumer groups. Starts at the end of every partition, or at the
 * beginning; the start offsets are resolved in {@link #open}, so records written after it returns
 * are never missed.
 *
 * <p>Ownership: the feed owns its consumer; {@link #close()} closes it. Single-threaded, like
 * {@link KafkaConsumer}.
 */
public final class KafkaAlertFeed implements AlertFeed {

  /**
   * Default wait for the brokers' metadata and the start offsets: a reachable broker answers in
   * milliseconds, and an unreachable one should be reported while the user is still looking.
   */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  private final KafkaConsumer<String, String> consumer;
  private final String description;

  private KafkaAlertFeed(KafkaConsumer<String, String> consumer, String description) {
    this.consumer = consumer;
    this.description = description;
  }

  /**
   * Connects and positions the consumer.
   *
   * @param connectTimeout how long to wait for the brokers (see {@link #CONNECT_TIMEOUT})
   * @throws InvalidInputException if the servers or topic are malformed, or the topic does not exist
   * @throws IllegalStateException if the brokers cannot be reached within {@code connectTimeout}
   */
  public static KafkaAlertFeed open(String bootstrapServers, String topic, boolean fromBeginning,
      Duration connectTimeout) {
    String servers = KafkaNames.bootstrapServers("--kafka", bootstrapServers);
    KafkaNames.topic("--topic", topic);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "tracklight-alerts-tail");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1, connectTimeout.toMillis())));
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
    try {
      List<PartitionInfo> infos;
      try {
        infos = consumer.partitionsFor(topic, connectTimeout);
      } catch (TimeoutException e) {
        throw new IllegalStateException("no answer from Kafka at " + servers + " within "
            + connectTimeout.toMillis() / 1000.0 + " s (is a broker running there?)", e);
      }
      if (infos == null || infos.isEmpty()) {
        throw new InvalidInputException("--topic '" + topic + "' does not exist on " + servers
            + ": expected the topic the job's sinks.alerts.kafka writes to");
      }
      List<TopicPartition> partitions = infos.stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      // Seeks are lazy: resolve them now, so "from the end" means the end at start-up.
      for (TopicPartition tp : partitions) {
        consumer.position(tp, connectTimeout);
      }
      return new KafkaAlertFeed(consumer, "topic " + topic + " on " + servers + " ("
          + partitions.size() + " partition" + (partitions.size() == 1 ? "" : "s") + ", read_committed, from the "
          + (fromBeginning ? "beginning" : "end") + ")");
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
  }

  @Override
  public List<String> poll(Duration timeout) {
    List<String> lines = new ArrayList<>();
    for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
      if (r.value() != null) {
        lines.add(r.value());
      }
    }
    return lines;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
  }
}
