package dev.tracklight.pipeline.bench;

import dev.tracklight.connectors.alerts.KinesisAlertFeed;
import dev.tracklight.connectors.alerts.KinesisAlertSinkOptions;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A {@code read_committed} Kafka consumer (or a Kinesis stream follower) on its own thread that records, for each alert, the wall-clock
 * time it became visible minus its {@code event_time_ms} (live event time is capture time, epoch
 * ms, on this same machine's clock). It polls with a short timeout so the receive time is within a
 * few ms of the record's arrival. Closing it stops the thread.
 */
final class AlertLatencyConsumer implements AutoCloseable {

  /**
   * Alerts of the first seconds are not counted: the producer's first send waits for the topic to
   * be created and its metadata fetched (~2.5 s once), which is start-up, not steady-state latency.
   */
  static final Duration WARM_UP = Duration.ofSeconds(15);

  /** Poll timeout: bounds how late a receive time can be measured. */
  private static final Duration POLL = Duration.ofMillis(20);

  private final Thread thread;
  private final List<Long> latencies = new ArrayList<>();
  private final List<Long> highlightLatencies = new ArrayList<>();
  private final java.util.Map<String, List<Long>> byType = new java.util.TreeMap<>();
  private final long countFromMs = System.currentTimeMillis() + WARM_UP.toMillis();
  private volatile boolean running = true;

  private AlertLatencyConsumer(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
    thread = new Thread(() -> consume(p, topic), "alert-latency-consumer");
    thread.setDaemon(true);
  }

  static AlertLatencyConsumer start(String bootstrap, String topic) {
    AlertLatencyConsumer c = new AlertLatencyConsumer(bootstrap, topic);
    c.thread.start();
    return c;
  }

  /** Alerts on a Kinesis stream, followed across its shards from now on ({@link KinesisAlertFeed}). */
  private AlertLatencyConsumer(KinesisAlertFeed feed) {
    thread = new Thread(() -> follow(feed), "alert-latency-consumer");
    thread.setDaemon(true);
  }

  /**
   * Reads the stream's shards from their ends as they are now. GetRecords is allowed 5 calls per
   * second per shard, so a receive time is up to {@code KinesisAlertFeed.SHARD_POLL_MS} late: the
   * latency a consumer polling at that limit sees.
   */
  static AlertLatencyConsumer startKinesis(KinesisAlertSinkOptions stream) {
    AlertLatencyConsumer c = new AlertLatencyConsumer(KinesisAlertFeed.open(stream, false, Duration.ofSeconds(15)));
    c.thread.start();
    return c;
  }

  private void follow(KinesisAlertFeed feed) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (feed) {
      while (running) {
        for (String line : feed.poll(POLL)) {
          Alert a = AlertJson.parse(line);
          if (seen.add(a.id())) {
            record(a, System.currentTimeMillis());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void record(Alert a, long now) {
    if (a.eventTimeMs() < countFromMs) {
      return;
    }
    synchronized (latencies) {
      (Alert.HIGHLIGHT.equals(a.type()) ? highlightLatencies : latencies).add(now - a.eventTimeMs());
      byType.computeIfAbsent(a.type(), t -> new ArrayList<>()).add(now - a.eventTimeMs());
    }
  }

  private void consume(Properties p, String topic) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = List.of();
      // The sink creates the topic with its first record (broker auto-creation); wait for it.
      while (running && partitions.isEmpty()) {
        partitions = consumer.listTopics().getOrDefault(topic, List.of()).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        if (partitions.isEmpty()) {
          sleep();
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
          record(AlertJson.parse(r.value()), System.currentTimeMillis());
        }
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The latencies of rule-event alerts so far, sorted ascending. */
  long[] latenciesMs() {
    synchronized (latencies) {
      return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }
  }

  /** Per alert type: count, p50 and p99 of the latency (an exit of a vanished track, for one, is
   * known only when the track expires, 2 s after its last sighting, which dates it). */
  java.util.Map<String, List<Long>> perType() {
    java.util.Map<String, List<Long>> out = new java.util.TreeMap<>();
    synchronized (latencies) {
      byType.forEach((type, list) -> {
        long[] sorted = list.stream().mapToLong(Long::longValue).sorted().toArray();
        out.put(type, List.of((long) sorted.length, sorted[Math.max(0, (int) Math.ceil(0.5 * sorted.length) - 1)],
            sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)]));
      });
    }
    return out;
  }

  /** The latencies of highlight alerts (from the highlight's end) so far, sorted ascending. */
  long[] highlightLatenciesMs() {
    synchronized (latencies) {
      return highlightLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(5_000);
  }
}
