package dev.tracklight.connectors.alerts;

import dev.tracklight.inference.InvalidInputException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks, before a job starts, that the Kafka brokers of an alert sink answer. Without it, a sink
 * that cannot reach its brokers fails inside the running job, which restarts a few times (each
 * failure a page of client stack traces) and then exits; a job should instead refuse to start with
 * one line that names the servers and the setting. A broker that goes away later is the restart
 * strategy's business, not this check's.
 */
public final class KafkaReachability {

  /**
   * How long to wait for a broker's answer at start: a healthy broker answers in milliseconds, a
   * loaded one in a second or two; longer only delays the user's error message.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private KafkaReachability() {}

  /**
   * Fails unless some broker of {@code bootstrapServers} resolves and answers within {@code timeout}.
   *
   * @param what the setting the servers come from, for the message ({@code sinks.alerts.kafka})
   * @throws InvalidInputException naming the servers and what was expected
   */
  public static void require(String what, String bootstrapServers, Duration timeout) {
    require(what, bootstrapServers, Optional.empty(), timeout);
  }

  /**
   * Like {@link #require(String, String, Duration)}, and then that {@code topic}, if given, exists.
   * An exactly-once sink needs its topic before it writes anything: on start it lists the topic's
   * open transactions, which fails for a missing topic (the broker's automatic topic creation only
   * happens on a first write), and the job would restart until it gives up.
   *
   * @throws InvalidInputException naming the servers or the topic and what was expected
   */
  public static void require(String what, String bootstrapServers, Optional<String> topic,
      Duration timeout) {
    String servers = KafkaNames.bootstrapServers(what + ".bootstrap_servers", bootstrapServers);
    List<String> unresolved = new ArrayList<>();
    for (String server : servers.split(",")) {
      String host = server.substring(0, server.lastIndexOf(':')).replace("[", "").replace("]", "");
      try {
        InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        unresolved.add(host);
      }
    }
    if (unresolved.size() == servers.split(",").length) {
      throw new InvalidInputException(what + ": cannot resolve Kafka host" + (unresolved.size() == 1 ? " " : "s ")
          + String.join(", ", unresolved) + " of bootstrap_servers '" + servers
          + "'; expected reachable brokers for the alerts sink");
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "tracklight-sink-check");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1, timeout.toMillis())));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1, timeout.toMillis())));
    Admin admin = Admin.create(p);
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.max(1, timeout.toMillis())))
          .clusterId().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      if (topic.isPresent()) {
        requireTopic(what, admin, servers, topic.get(), timeout);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new InvalidInputException(what + ": no Kafka broker answered at " + servers + " within "
          + timeout.toSeconds() + " s; expected reachable brokers for the alerts sink (is one running there?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking Kafka at " + servers, e);
    } finally {
      admin.close(Duration.ZERO); // do not wait for an unreachable broker a second time
    }
  }

  private static void requireTopic(String what, Admin admin, String servers, String topic,
      Duration timeout) throws InterruptedException {
    try {
      admin.describeTopics(List.of(topic), new DescribeTopicsOptions()
              .timeoutMs((int) Math.max(1, timeout.toMillis())))
          .allTopicNames().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new InvalidInputException(what + ": topic '" + topic + "' does not exist at " + servers
            + "; expected an existing topic (exactly-once delivery needs it before its first"
            + " transaction; create it, e.g. kafka-topics.sh --create --topic " + topic + ")");
      }
      if (e.getCause() instanceof TopicAuthorizationException) {
        throw new InvalidInputException(what + ": not allowed to describe topic '" + topic + "' at "
            + servers + "; expected DESCRIBE and WRITE on the topic for the alerts sink");
      }
      throw new InvalidInputException(what + ": cannot look up topic '" + topic + "' at " + servers
          + " (" + e.getCause().getMessage() + "); expected an existing topic");
    } catch (TimeoutException e) {
      throw new InvalidInputException(what + ": no answer about topic '" + topic + "' from " + servers
          + " within " + timeout.toSeconds() + " s; expected an existing topic");
    }
  }
}
