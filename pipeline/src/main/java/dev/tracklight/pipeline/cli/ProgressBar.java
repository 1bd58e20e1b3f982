package dev.tracklight.pipeline.cli;

import dev.tracklight.pipeline.replay.SerialReplay;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar ({@code frames done / total, fps, ETA}) redrawn in place with a carriage
 * return, at most every {@link #REDRAW_NANOS} so that drawing never costs measurable time. Only used
 * when stderr is a terminal; otherwise {@link SerialReplay.Progress#NONE}.
 */
final class ProgressBar implements SerialReplay.Progress {

  /** Four redraws a second look live without flooding a slow terminal. */
  private static final long REDRAW_NANOS = 250_000_000L;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  /**
   * When the bar was last drawn; starts one interval before zero so the first update draws (a
   * Long.MIN_VALUE start overflowed {@code elapsed - lastDraw} to negative and hid every
   * intermediate draw).
   */
  private long lastDraw = -REDRAW_NANOS;

  ProgressBar(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  /** A bar on a terminal, nothing otherwise. */
  static SerialReplay.Progress forTerminal(PrintWriter err, String label) {
    return System.console() != null ? new ProgressBar(err, label) : SerialReplay.Progress.NONE;
  }

  /**
   * Machine-readable progress for a parent process ({@code tracklight serve}): a line
   * {@code progress DONE TOTAL} at most once a second, and always the last one.
   */
  static SerialReplay.Progress lines(PrintWriter out) {
    long[] last = {-1_000_000_000L};
    return (done, total, elapsedNanos) -> {
      if (elapsedNanos - last[0] >= 1_000_000_000L || (total > 0 && done >= total)) {
        last[0] = elapsedNanos;
        out.printf(Locale.ROOT, "progress %d %d%n", done, total);
        out.flush();
      }
    };
  }

  @Override
  public void update(long done, long total, long elapsedNanos) {
    boolean last = total > 0 && done >= total;
    if (!last && elapsedNanos - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = elapsedNanos;
    double fps = done / Math.max(elapsedNanos / 1e9, 1e-9);
    int filled = total > 0 ? (int) Math.min(WIDTH, done * WIDTH / total) : 0;
    String eta = total > done && fps > 0 ? String.format(Locale.ROOT, "ETA %ds", (long) ((total - done) / fps)) : "";
    err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d frames %.1f fps %s   ", label, "#".repeat(filled),
        "-".repeat(WIDTH - filled), done, total, fps, eta);
    if (last) {
      err.println();
    }
    err.flush();
  }
}
