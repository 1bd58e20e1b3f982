package dev.tracklight.connectors.kvs;

import dev.tracklight.inference.InvalidInputException;
import java.io.Serializable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Where a KVS camera starts reading the first time (a restored job resumes from its checkpoint
 * instead): the live edge, the oldest retained fragment, or the first fragment at or after a
 * producer time.
 *
 * @param at the producer time for {@link Kind#PRODUCER_TIME}, else null
 */
public record KvsStart(Kind kind, Instant at) implements Serializable {

  public enum Kind { NOW, EARLIEST, PRODUCER_TIME }

  public static final KvsStart NOW = new KvsStart(Kind.NOW, null);
  public static final KvsStart EARLIEST = new KvsStart(Kind.EARLIEST, null);

  /**
   * {@code now}, {@code earliest} or an ISO-8601 time with an offset
   * ({@code 2017-11-28T06:55:08.513Z}).
   *
   * @throws InvalidInputException saying what was expected
   */
  public static KvsStart parse(String text) {
    String t = text.trim();
    switch (t.toLowerCase(Locale.ROOT)) {
      case "now":
        return NOW;
      case "earliest":
        return EARLIEST;
      default:
        try {
          return new KvsStart(Kind.PRODUCER_TIME, OffsetDateTime.parse(t).toInstant());
        } catch (DateTimeParseException e) {
          throw new InvalidInputException("'" + text + "' is not a start; expected now, earliest or an"
              + " ISO-8601 producer time with offset such as 2017-11-28T06:55:08.513Z");
        }
    }
  }

  @Override
  public String toString() {
    return kind == Kind.PRODUCER_TIME ? at.toString() : kind.name().toLowerCase(Locale.ROOT);
  }
}
