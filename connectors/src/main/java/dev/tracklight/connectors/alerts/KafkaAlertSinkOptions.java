package dev.tracklight.connectors.alerts;

import dev.tracklight.inference.InvalidInputException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how alerts go to Kafka ({@code sinks.alerts.kafka} in the job configuration). Validated
 * on construction; error messages name the configuration key.
 *
 * @param bootstrapServers comma-separated {@code HOST:PORT} list
 * @param topic the alert topic (must exist, or the brokers must auto-create it)
 * @param delivery {@link Delivery#EXACTLY_ONCE} (Kafka transactions committed on Flink
 *     checkpoints) or {@link Delivery#AT_LEAST_ONCE}
 * @param transactionalIdPrefix prefix of the sink's Kafka transactional ids (exactly-once only).
 *     Must be unique per job on a Kafka cluster (two jobs with one prefix fence each other's
 *     producers) and stable across restarts of the job (a new prefix cannot abort the old one's
 *     open transactions, which then hold back read_committed consumers until they time out)
 * @param transactionTimeout how long the broker keeps a sink transaction open before aborting it
 *     (exactly-once only); see {@link #DEFAULT_TRANSACTION_TIMEOUT}
 */
public record KafkaAlertSinkOptions(String bootstrapServers, String topic, Delivery delivery,
    String transactionalIdPrefix, Duration transactionTimeout) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The configuration section the messages name. */
  static final String KEY = "sinks.alerts.kafka";

  /**
   * Default transaction timeout: 10 minutes. A transaction is open from one checkpoint until the
   * next one completes and commits it, and through a restart after a failure (the restored job
   * commits it then); if the broker times it out first, its alerts are lost. Flink's own default
   * (1 hour) is above the broker's default ceiling, {@code transaction.max.timeout.ms} = 15
   * minutes, so producers would fail to start; 10 minutes covers checkpoint intervals of seconds to
   * a minute plus a few restarts, and stays below the ceiling.
   */
  public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);
  /** The broker's default {@code transaction.max.timeout.ms}; longer timeouts are refused. */
  public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
  /** Below a second a transaction could not even span one checkpoint. */
  public static final Duration MIN_TRANSACTION_TIMEOUT = Duration.ofSeconds(1);
  /** Default {@code transactional_id_prefix}. */
  public static final String DEFAULT_TRANSACTIONAL_ID_PREFIX = "tracklight";
  /** Longer prefixes make unwieldy ids in broker logs and ACLs; Kafka itself allows far more. */
  public static final int MAX_PREFIX_LENGTH = 200;

  /** The sink's delivery guarantee ({@code delivery:}). */
  public enum Delivery {
    /** Each alert once for read_committed consumers; visible after the checkpoint that commits it. */
    EXACTLY_ONCE,
    /** Each alert at least once, visible at once; a restore may write some again (same ids). */
    AT_LEAST_ONCE;

    /** The configuration spelling: {@code exactly_once}, {@code at_least_once}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the configuration spelling (case-insensitive). */
    public static Delivery parse(String value) {
      for (Delivery d : values()) {
        if (d.key().equalsIgnoreCase(value == null ? "" : value.strip())) {
          return d;
        }
      }
      throw new InvalidInputException(KEY + ".delivery '" + value
          + "': expected exactly_once or at_least_once");
    }
  }

  public KafkaAlertSinkOptions {
    bootstrapServers = KafkaNames.bootstrapServers(KEY + ".bootstrap_servers", bootstrapServers);
    KafkaNames.topic(KEY + ".topic", topic);
    Objects.requireNonNull(delivery, "delivery");
    if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
      throw new InvalidInputException(KEY + ".transactional_id_prefix is blank: expected a name "
          + "unique to this job on the Kafka cluster, e.g. tracklight-lobby");
    }
    if (transactionalIdPrefix.length() > MAX_PREFIX_LENGTH
        || transactionalIdPrefix.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new InvalidInputException(KEY + ".transactional_id_prefix '" + transactionalIdPrefix
          + "': expected at most " + MAX_PREFIX_LENGTH + " characters without spaces");
    }
    Objects.requireNonNull(transactionTimeout, "transactionTimeout");
    if (transactionTimeout.compareTo(MIN_TRANSACTION_TIMEOUT) < 0
        || transactionTimeout.compareTo(MAX_TRANSACTION_TIMEOUT) > 0) {
      throw new InvalidInputException(KEY + " transaction timeout " + transactionTimeout.toMillis()
          + " ms: expected " + MIN_TRANSACTION_TIMEOUT.toMillis() + ".." + MAX_TRANSACTION_TIMEOUT.toMillis()
          + " ms (the broker's default transaction.max.timeout.ms is 15 min)");
    }
  }

  /** Exactly-once to {@code topic} with the default prefix and transaction timeout. */
  public static KafkaAlertSinkOptions of(String bootstrapServers, String topic) {
    return new KafkaAlertSinkOptions(bootstrapServers, topic, Delivery.EXACTLY_ONCE,
        DEFAULT_TRANSACTIONAL_ID_PREFIX, DEFAULT_TRANSACTION_TIMEOUT);
  }

  public KafkaAlertSinkOptions withDelivery(Delivery d) {
    return new KafkaAlertSinkOptions(bootstrapServers, topic, d, transactionalIdPrefix, transactionTimeout);
  }

  public KafkaAlertSinkOptions withTransactionalIdPrefix(String prefix) {
    return new KafkaAlertSinkOptions(bootstrapServers, topic, delivery, prefix, transactionTimeout);
  }

  public KafkaAlertSinkOptions withTransactionTimeout(Duration timeout) {
    return new KafkaAlertSinkOptions(bootstrapServers, topic, delivery, transactionalIdPrefix, timeout);
  }
}
