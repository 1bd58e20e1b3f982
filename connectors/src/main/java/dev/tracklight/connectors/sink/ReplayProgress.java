package dev.tracklight.connectors.sink;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Frames written by the replay sinks of this JVM, for the CLI's progress bar when the job runs in
 * the CLI's own process (local MiniCluster). A job on a remote cluster counts there; its progress is
 * in Flink's web UI ({@code numRecordsIn} of the sink).
 */
public final class ReplayProgress {

  private static final AtomicLong FRAMES = new AtomicLong();

  private ReplayProgress() {}

  static void frameWritten() {
    FRAMES.incrementAndGet();
  }

  /** Frames written since this JVM started. */
  public static long framesWritten() {
    return FRAMES.get();
  }
}
