package dev.tracklight.connectors.alerts;

import dev.tracklight.inference.InvalidInputException;
import java.util.regex.Pattern;

/**
 * Kafka's rules for the names a user types: a bootstrap server list and a topic name. Checked up
 * front so that a typo fails at start with one line, not minutes later inside a Flink task or a
 * client's retry loop.
 */
public final class KafkaNames {

  /** Kafka's own limit (the broker rejects longer names: the partition folders need the room). */
  public static final int MAX_TOPIC_LENGTH = 249;

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");
  /** A host name or IPv4 address, or an IPv6 address in brackets, then a port. */
  private static final Pattern SERVER =
      Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.%A-Za-z]+\\]):(\\d{1,5})");

  private KafkaNames() {}

  /**
   * Checks a comma-separated {@code HOST:PORT} list and returns it without blanks around entries.
   *
   * @param what how the user wrote it (an option or configuration key), for the message
   */
  public static String bootstrapServers(String what, String value) {
    String expected = "expected HOST:PORT[,HOST:PORT...], e.g. localhost:9092";
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(what + " is empty: " + expected);
    }
    StringBuilder out = new StringBuilder();
    for (String part : value.split(",", -1)) {
      String server = part.strip();
      var m = SERVER.matcher(server);
      if (!m.matches()) {
        throw new InvalidInputException(what + " '" + value + "': '" + server + "' is not HOST:PORT; "
            + expected);
      }
      int port = Integer.parseInt(m.group(1));
      if (port < 1 || port > 65535) {
        throw new InvalidInputException(what + " '" + value + "': port " + port
            + " out of range; expected 1..65535");
      }
      out.append(out.isEmpty() ? "" : ",").append(server);
    }
    return out.toString();
  }

  /** Checks a topic name against Kafka's rules and returns it. */
  public static String topic(String what, String value) {
    String rule = "expected 1.." + MAX_TOPIC_LENGTH + " of a-z A-Z 0-9 . _ - (not '.' or '..')";
    if (value == null || value.isEmpty()) {
      throw new InvalidInputException(what + " is empty: " + rule);
    }
    if (value.length() > MAX_TOPIC_LENGTH || !TOPIC.matcher(value).matches()
        || value.equals(".") || value.equals("..")) {
      throw new InvalidInputException(what + " '" + value + "' is not a legal Kafka topic name: " + rule);
    }
    return value;
  }
}
