package dev.tracklight.pipeline.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Publishes a worker's {@link WorkerProgress} through a sink (the worker's: a PutObject of
 * {@value WorkerProgress#FILE}), throttled: the first report is written at once (the console then
 * knows the total), later ones only when the frame count changed and {@link #INTERVAL} has passed
 * since the last write, so a long replay costs one small PUT every few seconds, never one per frame.
 *
 * <p><b>Threads.</b> {@link #offer} is called by the replay's progress thread, {@link #close} by
 * the worker before it commits; both hold this object's lock, so once {@code close} returns no
 * write is in flight and none follows (a late PUT would leave the object behind the commit, which
 * removes every object of the prefix it did not write). A failed write is reported to
 * {@code onError} and the next report tries again: progress is never worth failing the job over.
 * Time comes from the injected clock.
 */
public final class ProgressPublisher implements AutoCloseable {

  /** Tuning: at most one progress write per this interval (the console polls every 15 s by default). */
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  private final Clock clock;
  private final Duration interval;
  private final Consumer<byte[]> sink;
  private final Consumer<RuntimeException> onError;
  private Instant lastWrite;
  private long lastDone = -1;
  private boolean closed;

  public ProgressPublisher(Clock clock, Duration interval, Consumer<byte[]> sink, Consumer<RuntimeException> onError) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("progress interval must be > 0, got " + interval);
    }
    this.clock = clock;
    this.interval = interval;
    this.sink = sink;
    this.onError = onError;
  }

  /** The replay's latest count; written if due. Returns whether it was written. */
  public synchronized boolean offer(long done, long total) {
    if (closed || done == lastDone) {
      return false;
    }
    Instant now = clock.instant();
    if (lastWrite != null && now.isBefore(lastWrite.plus(interval))) {
      return false;
    }
    try {
      sink.accept(new WorkerProgress(done, total, now).toJson());
      lastWrite = now;
      lastDone = done;
      return true;
    } catch (RuntimeException e) {
      lastWrite = now; // a failing store is not hammered: the next try waits an interval too
      onError.accept(e);
      return false;
    }
  }

  /** No write after this returns (and none is in flight). */
  @Override
  public synchronized void close() {
    closed = true;
  }
}
