package dev.tracklight.connectors.kvs;

import java.util.Optional;

/**
 * Where a KVS camera's next GetMedia starts, so that a response the service (or the network) ends
 * early continues with no gap and no duplicate frame.
 *
 * <p>The reader reports every block it has processed ({@link #processed}) and every fragment that
 * ended whole ({@link #fragmentEnded}). A reconnection then asks for the fragment after the last
 * whole one by its continuation token and skips the blocks already processed of the fragment that
 * was cut; without a token yet (cut inside the first fragment, or a restored checkpoint) it asks for
 * the cut fragment by its producer timestamp (GetMedia's FRAGMENT_NUMBER selector would start after
 * it). Frame-exact because KVS fragments are immutable once acknowledged:
 * asking again returns the same blocks in the same order. One owner thread (the camera's reader).
 */
final class KvsResume {

  private final KvsStart start;
  private String token;
  /** The fragment being read and how many of its blocks were processed; null between fragments. */
  private String fragment;
  private long fragmentProducerMs;
  private int processed;
  private long previousEventMs;

  private KvsResume(KvsStart start, KvsPosition restored) {
    this.start = start;
    if (restored != null) {
      fragment = restored.fragmentNumber();
      fragmentProducerMs = restored.fragmentProducerMs();
      processed = restored.frameOffset();
      previousEventMs = restored.previousEventMs();
    } else {
      previousEventMs = -1;
    }
  }

  /** A fresh camera starting at {@code start}, or one restored at {@code restored} (may be null). */
  static KvsResume of(KvsStart start, KvsPosition restored) {
    return new KvsResume(start, restored);
  }

  /** The selector of the next GetMedia. */
  KvsSelector selector() {
    if (token != null) {
      return new KvsSelector(KvsSelector.Type.CONTINUATION_TOKEN, token, null);
    }
    if (fragment != null) {
      return new KvsSelector(KvsSelector.Type.PRODUCER_TIMESTAMP, null,
          java.time.Instant.ofEpochMilli(fragmentProducerMs));
    }
    return KvsSelector.of(start);
  }

  /** True when this block was processed by an earlier connection (decode it, deliver nothing). */
  boolean alreadyProcessed(String fragmentNumber, int offset) {
    return fragmentNumber.equals(fragment) && offset < processed;
  }

  void processed(String fragmentNumber, long producerMs, int offset, long eventMs) {
    fragment = fragmentNumber;
    fragmentProducerMs = producerMs;
    processed = offset + 1;
    previousEventMs = eventMs;
  }

  /** A fragment ended whole; with a token, the next connection starts after it. */
  void fragmentEnded(String fragmentNumber, Optional<String> continuationToken) {
    if (continuationToken.isPresent() && fragmentNumber.equals(fragment)) {
      token = continuationToken.get();
      fragment = null;
      processed = 0;
    }
  }

  /** Event time of the last processed block, or -1. */
  long previousEventMs() {
    return previousEventMs;
  }

  @Override
  public String toString() {
    return "resume[" + selector() + (fragment != null ? ", skip " + processed + " of " + fragment : "") + "]";
  }
}
