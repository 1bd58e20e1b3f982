package dev.tracklight.connectors.kvs;

import java.time.Instant;

/**
 * A GetMedia start selector, free of the SDK's types (the resume logic is tested without AWS).
 *
 * @param value the fragment number or continuation token, else null
 * @param at the producer time for {@link Type#PRODUCER_TIMESTAMP}, else null
 */
public record KvsSelector(Type type, String value, Instant at) {

  public enum Type { NOW, EARLIEST, PRODUCER_TIMESTAMP, FRAGMENT_NUMBER, CONTINUATION_TOKEN }

  static KvsSelector of(KvsStart start) {
    return switch (start.kind()) {
      case NOW -> new KvsSelector(Type.NOW, null, null);
      case EARLIEST -> new KvsSelector(Type.EARLIEST, null, null);
      case PRODUCER_TIME -> new KvsSelector(Type.PRODUCER_TIMESTAMP, null, start.at());
    };
  }

  @Override
  public String toString() {
    return type + (value != null ? " " + value : "") + (at != null ? " " + at : "");
  }
}
