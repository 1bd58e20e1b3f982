package dev.tracklight.connectors.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker in the test JVM: one KRaft node in combined mode (controller and broker in
 * one server), the same code a production broker runs, on a free loopback port, with its logs in a
 * temporary folder that {@link #close()} deletes.
 *
 * <p>Single-node settings: the internal topics ({@code __consumer_offsets},
 * {@code __transaction_state}) default to replication factor 3 and min ISR 2, which one node can
 * never satisfy; consumer groups then silently get nothing and transactional producers hang in
 * {@code initTransactions()}. So both are set to 1 here.
 *
 * <p>Thread safety: start, create topics and close from the test thread; the helpers create their
 * own clients per call and can run from any thread.
 */
public final class KafkaTestBroker implements AutoCloseable {

  /** The broker is up in 4–5 s on two shared cores; allow for a loaded CI machine. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** How long a read waits for the committed end of the log to be reached. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaClusterTestKit cluster;
  private final Path dir;
  private final Duration startTime;

  private KafkaTestBroker(KafkaClusterTestKit cluster, Path dir, Duration startTime) {
    this.cluster = cluster;
    this.dir = dir;
    this.startTime = startTime;
  }

  /** Formats the log folder and starts the broker; returns once it accepts clients. */
  public static KafkaTestBroker start() throws Exception {
    long t0 = System.nanoTime();
    Path dir = Files.createTempDirectory("kafka-test-broker");
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setBaseDirectory(dir)
        // The test kit defaults to the newest, still unstable, metadata version; test against what
        // a released broker runs.
        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
        .build();
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("transaction.state.log.num.partitions", "1")
        // A fresh group's first rebalance otherwise waits 3 s for more members.
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build();
    try {
      cluster.format();
      cluster.startup();
      awaitReady(cluster);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return new KafkaTestBroker(cluster, dir, Duration.ofNanos(System.nanoTime() - t0));
  }

  private static void awaitReady(KafkaClusterTestKit cluster) throws Exception {
    var ready = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try {
        cluster.waitForReadyBrokers();
      } catch (Exception e) {
        throw new IllegalStateException("test broker did not become ready", e);
      }
    });
    ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code host:port} for clients. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** How long {@link #start()} took (for reports). */
  public Duration startTime() {
    return startTime;
  }

  /** Creates a topic with replication factor 1 and waits until it exists. */
  public void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Writes records (key, value as UTF-8) without a transaction and waits for their acks. */
  public void produce(String topic, List<Map.Entry<String, String>> records) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (Map.Entry<String, String> r : records) {
        producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()));
      }
      producer.flush();
    }
  }

  /**
   * Writes records in one transaction and commits or aborts it: aborted records stay in the log,
   * where read_uncommitted consumers see them and read_committed ones must not.
   */
  public void produceInTransaction(String topic, List<Map.Entry<String, String>> records, boolean commit) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-broker-" + topic);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      producer.beginTransaction();
      for (Map.Entry<String, String> r : records) {
        producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()));
      }
      producer.flush();
      if (commit) {
        producer.commitTransaction();
      } else {
        producer.abortTransaction();
      }
    }
  }

  /**
   * Every record of {@code topic} a consumer with this isolation level sees, from the beginning up
   * to the end of the log as it stands when the read starts (for {@code READ_COMMITTED}, the last
   * stable offset: records of open transactions are not waited for). Group-less: partitions are
   * assigned, nothing is committed.
   */
  public List<ConsumerRecord<String, String>> readAll(String topic, IsolationLevel isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("read of " + topic + " did not reach " + end + " in "
              + READ_TIMEOUT.toSeconds() + " s; got " + out.size() + " records");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** Convenience: the committed records' values. */
  public List<String> committedValues(String topic) {
    return readAll(topic, IsolationLevel.READ_COMMITTED).stream().map(ConsumerRecord::value).toList();
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws Exception {
    cluster.close();
    // The test kit deletes its own folders on close; this removes the (now empty) base folder.
    Files.deleteIfExists(dir);
  }
}
