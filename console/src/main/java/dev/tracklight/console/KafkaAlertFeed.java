package dev.tracklight.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the live job's Kafka alert topic for the Live page: every committed alert from now on
 * goes to {@link AlertStream#publish}, so it reaches the same SSE clients, with the same filters, as
 * the JSONL file's.
 *
 * <p><b>Why these settings.</b> {@code run}'s Kafka sink is exactly-once: its records are written
 * in transactions that a checkpoint commits, and a restore aborts the open one. Only
 * {@code isolation.level=read_committed} keeps aborted alerts (which the job will emit again) off
 * the page. The console shows what happens from now on, so it assigns every partition itself and
 * seeks to the end; with no consumer group there are no offsets to commit and no rebalances, and
 * several consoles do not share (split) the topic. The topic is never auto-created.
 *
 * <p><b>Broker loss.</b> A consumer's poll does not fail when its broker goes away (the client
 * reconnects by itself, keeping its positions), so every {@link #probeEvery} the feed asks for the
 * end offsets with a short timeout; a timeout is reported once as a {@code feed} event with
 * {@code ok=false}, and the first answer after it as {@code ok=true}. A broker that is absent at
 * start, a missing topic or any other client error is reported the same way and retried after a
 * pause with a new consumer; the console itself never stops for it.
 *
 * <p><b>Secrets.</b> The properties may carry credentials (a JAAS line): they go to the consumer
 * only. Reported messages are the exception's class and first line, with every configured
 * property value masked (a configuration error may quote the value it refuses).
 *
 * <p><b>Threads.</b> One daemon thread owns the consumer (KafkaConsumer is single-threaded);
 * {@link #close} sets the stop flag and wakes it up.
 */
final class KafkaAlertFeed implements AutoCloseable {

  static final String SOURCE = "kafka";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertFeed.class);
  /** How long a lookup may take before the broker counts as unreachable. */
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

  private final LiveSettings.KafkaAlerts settings;
  private final AlertStream sink;
  private final Duration probeEvery;
  private volatile boolean stopped;
  private volatile KafkaConsumer<String, String> consumer;
  private Thread thread;

  KafkaAlertFeed(LiveSettings.KafkaAlerts settings, AlertStream sink, Duration probeEvery) {
    this.settings = settings;
    this.sink = sink;
    this.probeEvery = probeEvery;
  }

  void start() {
    sink.feedState(SOURCE, false, "connecting to Kafka topic " + settings.topic());
    thread = new Thread(this::loop, "console-kafka-alerts");
    thread.setDaemon(true);
    thread.start();
  }

  private Properties properties() {
    Properties p = new Properties();
    p.putAll(settings.properties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(LOOKUP_TIMEOUT.toMillis()));
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "tracklight-console-alerts");
    return p;
  }

  private void loop() {
    while (!stopped) {
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(properties())) {
        consumer = c;
        if (stopped) {
          return;
        }
        follow(c);
      } catch (WakeupException | InterruptException e) {
        if (stopped) {
          return;
        }
      } catch (KafkaException | IllegalStateException e) {
        report(false, "Kafka topic " + settings.topic() + ": " + describe(e) + "; retrying");
      } finally {
        consumer = null;
      }
      try {
        Thread.sleep(RETRY_PAUSE.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Assigns every partition at its end and forwards records until stopped or a lookup fails. */
  private void follow(KafkaConsumer<String, String> c) {
    List<PartitionInfo> infos;
    try {
      infos = c.partitionsFor(settings.topic(), LOOKUP_TIMEOUT);
    } catch (TimeoutException e) {
      report(false, "Kafka broker " + settings.bootstrapServers() + " unreachable; retrying");
      return;
    }
    if (infos == null || infos.isEmpty()) {
      report(false, "Kafka topic " + settings.topic() + " does not exist (yet); retrying");
      return;
    }
    List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    c.assign(parts);
    c.seekToEnd(parts);
    for (TopicPartition tp : parts) {
      c.position(tp, LOOKUP_TIMEOUT); // resolve "the end" now, so "following" means from here on
    }
    report(true, "following Kafka topic " + settings.topic() + " (committed alerts)");
    long nextProbe = System.nanoTime() + probeEvery.toNanos();
    boolean reachable = true;
    while (!stopped) {
      for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
        if (r.value() != null) {
          sink.publish(r.value());
        }
      }
      if (System.nanoTime() >= nextProbe) {
        nextProbe = System.nanoTime() + probeEvery.toNanos();
        Set<TopicPartition> assigned = c.assignment();
        try {
          Map<TopicPartition, Long> end = c.endOffsets(assigned, LOOKUP_TIMEOUT);
          if (!reachable && end != null) {
            reachable = true;
            report(true, "following Kafka topic " + settings.topic() + " again (committed alerts)");
          }
        } catch (TimeoutException e) {
          if (reachable) {
            reachable = false;
            report(false, "Kafka broker " + settings.bootstrapServers() + " unreachable; reconnecting");
          }
        }
      }
    }
  }

  private void report(boolean ok, String message) {
    if (!ok) {
      LOG.warn("live alerts: {}", message);
    } else {
      LOG.info("live alerts: {}", message);
    }
    sink.feedState(SOURCE, ok, message);
  }

  /** The exception's first line, with any configured property value masked (a config error quotes it). */
  private String describe(Exception e) {
    String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    for (String v : settings.properties().values()) {
      if (v.length() >= 3) {
        m = m.replace(v, "***");
      }
    }
    return e.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
  }

  @Override
  public void close() {
    stopped = true;
    KafkaConsumer<String, String> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
