package dev.tracklight.connectors.alerts;

import java.time.Duration;
import java.util.List;

/**
 * A stream of alert lines to follow (a Kafka topic, a JSON-lines file), as the raw text the job
 * wrote: a reader that prints them verbatim keeps keys this version does not know. Single-threaded:
 * one thread polls and closes.
 */
public interface AlertFeed extends AutoCloseable {

  /**
   * The lines that arrived since the last call, waiting up to {@code timeout} for at least one;
   * empty when none came.
   */
  List<String> poll(Duration timeout) throws InterruptedException;

  /** Where the feed reads from and where it started, for a status line. */
  String describe();

  @Override
  void close();
}
