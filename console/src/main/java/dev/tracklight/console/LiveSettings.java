package dev.tracklight.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code live:} section of console.yaml: where the Live page gets a running
 * {@code tracklight run}'s camera health and (besides the top-level {@code alerts:} file) its
 * alerts.
 *
 * @param statusFile {@code run}'s status file ({@code status.json}, rewritten every second)
 * @param staleAfter a status file older than this is a run that is no longer running
 * @param kafka the job's Kafka alert topic, if any
 */
public record LiveSettings(Optional<Path> statusFile, Duration staleAfter, Optional<KafkaAlerts> kafka) {

  public static final Duration DEFAULT_STALE = Duration.ofSeconds(5);
  public static final LiveSettings NONE = new LiveSettings(Optional.empty(), DEFAULT_STALE, Optional.empty());
  private static final Set<String> KEYS = Set.of("status", "stale_seconds", "kafka");
  private static final Set<String> KAFKA_KEYS = Set.of("bootstrap_servers", "topic", "properties", "properties_env");
  /** Settings the feed decides itself: read_committed, no group, no auto-created topic. */
  private static final Set<String> FIXED = Set.of("isolation.level", "group.id", "enable.auto.commit",
      "key.deserializer", "value.deserializer", "bootstrap.servers", "allow.auto.create.topics");

  public LiveSettings {
    if (staleAfter.compareTo(Duration.ofSeconds(2)) < 0 || staleAfter.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("live.stale_seconds: expected 2..3600, got " + staleAfter.toSeconds());
    }
  }

  /**
   * A Kafka alert topic. {@code properties} are further consumer settings (security, timeouts);
   * their values may be secrets (a JAAS line with a password), so {@link #toString} names the keys
   * only and nothing here is logged or returned by the API.
   */
  public record KafkaAlerts(String bootstrapServers, String topic, Map<String, String> properties) {
    public KafkaAlerts {
      if (bootstrapServers == null || !bootstrapServers.matches("[^\\s,]+:\\d{1,5}(,[^\\s,]+:\\d{1,5})*")) {
        throw new IllegalArgumentException("live.kafka.bootstrap_servers: expected host:port[,host:port...], got "
            + bootstrapServers);
      }
      if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,249}")) {
        throw new IllegalArgumentException("live.kafka.topic: expected a topic name ([A-Za-z0-9._-]), got " + topic);
      }
      for (String k : properties.keySet()) {
        if (FIXED.contains(k)) {
          throw new IllegalArgumentException("live.kafka.properties: " + k + " is set by the console; remove it");
        }
      }
      properties = Map.copyOf(properties);
    }

    @Override
    public String toString() {
      return "KafkaAlerts[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", properties="
          + new TreeMap<>(properties).keySet() + "]";
    }
  }

  /** Parses the section; {@code env} supplies {@code properties_env}'s variables. */
  static LiveSettings parse(Map<?, ?> m, Map<String, String> env) {
    unknown("live", m, KEYS);
    Optional<Path> status = Optional.ofNullable(m.get("status")).map(o -> Path.of(string("live.status", o)));
    Duration stale = DEFAULT_STALE;
    if (m.get("stale_seconds") != null) {
      if (!(m.get("stale_seconds") instanceof Integer i)) {
        throw new IllegalArgumentException("live.stale_seconds: expected an integer, got " + m.get("stale_seconds"));
      }
      stale = Duration.ofSeconds(i);
    }
    Optional<KafkaAlerts> kafka = Optional.empty();
    if (m.get("kafka") != null) {
      Map<?, ?> k = mapping("live.kafka", m.get("kafka"));
      unknown("live.kafka", k, KAFKA_KEYS);
      Map<String, String> props = new TreeMap<>();
      if (k.get("properties") != null) {
        mapping("live.kafka.properties", k.get("properties")).forEach((key, v) ->
            props.put(String.valueOf(key), string("live.kafka.properties." + key, v)));
      }
      if (k.get("properties_env") != null) {
        mapping("live.kafka.properties_env", k.get("properties_env")).forEach((key, v) -> {
          String var = string("live.kafka.properties_env." + key, v);
          String value = env.get(var);
          if (value == null) {
            throw new IllegalArgumentException("live.kafka.properties_env." + key + ": variable " + var + " is not set");
          }
          props.put(String.valueOf(key), value);
        });
      }
      kafka = Optional.of(new KafkaAlerts(
          k.get("bootstrap_servers") == null ? null : string("live.kafka.bootstrap_servers", k.get("bootstrap_servers")),
          k.get("topic") == null ? null : string("live.kafka.topic", k.get("topic")), props));
    }
    return new LiveSettings(status, stale, kafka);
  }

  private static void unknown(String where, Map<?, ?> m, Set<String> keys) {
    for (Object k : m.keySet()) {
      if (!keys.contains(String.valueOf(k))) {
        throw new IllegalArgumentException(where + ": unknown key '" + k + "' (expected one of "
            + new java.util.TreeSet<>(keys) + ")");
      }
    }
  }

  private static Map<?, ?> mapping(String key, Object o) {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException(key + ": expected a mapping");
  }

  private static String string(String key, Object o) {
    if (o == null || o instanceof Map || o instanceof java.util.List) {
      throw new IllegalArgumentException(key + ": expected a string");
    }
    return String.valueOf(o);
  }
}
