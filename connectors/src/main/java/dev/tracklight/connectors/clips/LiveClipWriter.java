package dev.tracklight.connectors.clips;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes highlight clips in the background so that the Flink task thread that schedules them is
 * never blocked by encoding (a 10 s 720p clip takes a second or more of a core).
 *
 * <p><b>Design.</b> A fixed pool of {@code writerThreads} daemon threads over a bounded queue of
 * {@code queueCapacity} clips. {@link #submit} never waits: when every thread is busy and the queue
 * is full the clip is skipped and counted ({@link #skipped()}); a live job would rather lose a clip
 * than fall behind its cameras. Each job runs {@link ClipEncoder#write}; failures are logged and
 * counted ({@link #failed()}), never thrown into the job.
 *
 * <p><b>Shutdown.</b> {@link #close()} stops accepting clips and waits up to
 * {@code drainTimeoutMs} for the queued and running ones (a job that ends normally drains). If the
 * wait runs out, or the closing thread is interrupted (Flink interrupts a task thread it cancels),
 * the rest are abandoned: the threads are interrupted, each running clip stops between frames and
 * deletes its temporary file, queued ones never start ({@link #abandoned()}). Nothing half-written
 * is ever published.
 *
 * <p><b>Threading.</b> {@link #submit} and {@link #close} may be called from any one thread (the
 * task thread); the counters are safe to read from any thread (metrics).
 */
public final class LiveClipWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveClipWriter.class);
  private static final AtomicInteger POOLS = new AtomicInteger();
  /** After abandoning, how long running clips get to notice the interrupt and clean up. */
  private static final long ABANDON_GRACE_MS = 5_000;

  private final ThreadPoolExecutor executor;
  private final long drainTimeoutMs;
  private final Runnable beforeEachClip;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();
  private volatile boolean closed;

  public LiveClipWriter(LiveClipConfig config) {
    this(config, () -> {});
  }

  /** With a hook run by the writer thread before each clip (tests hold the thread busy with it). */
  LiveClipWriter(LiveClipConfig config, Runnable beforeEachClip) {
    this.drainTimeoutMs = config.drainTimeoutMs();
    this.beforeEachClip = beforeEachClip;
    this.executor = new ThreadPoolExecutor(config.writerThreads(), config.writerThreads(), 0,
        TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.queueCapacity()),
        threads("tracklight-clips-" + POOLS.incrementAndGet() + "-"),
        new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * Queues a clip, or skips it when the queue is full or the writer is closed; never blocks.
   *
   * @return whether the clip was queued (its files will appear unless writing fails)
   */
  public boolean submit(ClipRequest request) {
    if (closed) {
      skipped.incrementAndGet();
      return false;
    }
    pending.incrementAndGet();
    try {
      executor.execute(() -> run(request));
      return true;
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
      skipped.incrementAndGet();
      LOG.warn("clip {} skipped: {} clips are already waiting for the writer", request.highlightId(),
          executor.getQueue().size());
      return false;
    }
  }

  private void run(ClipRequest request) {
    try {
      beforeEachClip.run();
      ClipEncoder.Result r = ClipEncoder.write(request);
      written.incrementAndGet();
      LOG.info("clip {} written: {} frames at {} fps ({} repeated, {} dropped) in {} ms",
          request.clip(), r.frames(), r.frameRate(), r.repeated(), r.dropped(), r.millis());
    } catch (InterruptedException e) {
      abandoned.incrementAndGet();
      LOG.warn("clip {} abandoned: the writer was closed before it was done", request.highlightId());
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      LOG.warn("clip {} failed: {}", request.highlightId(), e.getMessage());
    } finally {
      pending.decrementAndGet();
    }
  }

  /** Clips queued or being written now. */
  public int pending() {
    return pending.get();
  }

  public long written() {
    return written.get();
  }

  /** Clips refused because the queue was full (or the writer closed). */
  public long skipped() {
    return skipped.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Clips dropped unfinished or unstarted by {@link #close()}. */
  public long abandoned() {
    return abandoned.get();
  }

  /** Drains, or abandons what is left after the drain timeout or an interrupt (class note). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executor.shutdown();
    boolean interrupted = false;
    try {
      if (executor.awaitTermination(drainTimeoutMs, TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    int unstarted = executor.shutdownNow().size();
    abandoned.addAndGet(unstarted);
    pending.addAndGet(-unstarted);
    LOG.warn("clip writer closed with {} clips unstarted and {} running: abandoned", unstarted,
        executor.getActiveCount());
    try {
      if (!executor.awaitTermination(ABANDON_GRACE_MS, TimeUnit.MILLISECONDS)) {
        LOG.warn("a clip writer thread did not stop within {} ms", ABANDON_GRACE_MS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true); // never keeps a TaskManager JVM alive
      return t;
    };
  }
}
