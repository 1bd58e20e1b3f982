package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.live.LiveStatusBoard;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Prints {@code tracklight run}'s live status from {@link LiveStatusBoard}: on a terminal, one line
 * per camera redrawn in place (cursor up, clear line) every {@link #TERMINAL_REFRESH}; otherwise
 * (a log file, a service journal) the same lines as {@code tracklight: status: ...} every
 * {@link #LOG_INTERVAL}. {@link #stop} prints one summary line per camera, once. A line logged
 * between two terminal draws (a reconnect warning) is drawn over by the next block, which moves up
 * by the lines it drew last; so a camera that is not streaming shows its last error in its status
 * line.
 *
 * <p>Threads: a single scheduler thread draws; {@link #stop} may come from a shutdown hook or the
 * command's thread, and the first caller wins (the draw lock keeps a summary from interleaving a
 * half-drawn status). Owns its scheduler; {@link #close} stops it without a summary if
 * {@link #stop} already ran, else with one.
 */
final class LiveStatusPrinter implements AutoCloseable {

  /** A person watching sees changes within a second; more often only flickers. */
  static final Duration TERMINAL_REFRESH = Duration.ofSeconds(1);
  /** Log lines every half minute: a day is under 3000 lines per camera. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(30);

  private final PrintWriter err;
  private final List<String> cameraIds;
  private final boolean inPlace;
  private final LongSupplier nanoTime;
  private final LiveStatusView view;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Object drawLock = new Object();
  /** Lines of the last in-place draw, to move the cursor back over them. */
  private int drawn;

  private LiveStatusPrinter(PrintWriter err, List<String> cameraIds, boolean inPlace, LongSupplier nanoTime) {
    this.err = err;
    this.cameraIds = List.copyOf(cameraIds);
    this.inPlace = inPlace;
    this.nanoTime = nanoTime;
    this.view = new LiveStatusView(nanoTime.getAsLong());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tracklight-status");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts drawing every {@code interval}; {@code inPlace} on a terminal. */
  static LiveStatusPrinter start(PrintWriter err, List<String> cameraIds, boolean inPlace, Duration interval) {
    return start(err, cameraIds, inPlace, interval, System::nanoTime);
  }

  static LiveStatusPrinter start(PrintWriter err, List<String> cameraIds, boolean inPlace, Duration interval,
      LongSupplier nanoTime) {
    LiveStatusPrinter p = new LiveStatusPrinter(err, cameraIds, inPlace, nanoTime);
    p.scheduler.scheduleWithFixedDelay(p::draw, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return p;
  }

  /** Draws the status once (the scheduler calls this). */
  void draw() {
    synchronized (drawLock) {
      if (stopped.get()) {
        return;
      }
      List<String> lines = view.lines(cameraIds, LiveStatusBoard.snapshot(), nanoTime.getAsLong());
      StringBuilder out = new StringBuilder();
      if (inPlace) {
        if (drawn > 0) {
          out.append("\033[").append(drawn).append('A'); // back to the first status line
        }
        for (String line : lines) {
          out.append("\r\033[2K").append(line).append('\n');
        }
        drawn = lines.size();
      } else {
        for (String line : lines) {
          out.append("tracklight: status: ").append(line).append('\n');
        }
      }
      err.print(out);
      err.flush();
    }
  }

  /** Prints the summary line of each camera; only the first call prints. */
  void stop() {
    synchronized (drawLock) {
      if (!stopped.compareAndSet(false, true)) {
        return;
      }
      scheduler.shutdownNow();
      for (String line : view.summary(cameraIds, LiveStatusBoard.snapshot(), nanoTime.getAsLong())) {
        err.println("tracklight: stopped: " + line);
      }
      err.flush();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
