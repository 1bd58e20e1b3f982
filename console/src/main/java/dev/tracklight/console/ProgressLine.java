package dev.tracklight.console;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a replay's machine-readable progress ({@code replay --progress-lines}): {@code
 * progress DONE TOTAL}. Read by the console from its local replays and by the Batch worker, which
 * turns them into {@code _progress.json}.
 */
public record ProgressLine(long done, long total) {

  private static final Pattern FORM = Pattern.compile("progress (\\d{1,18}) (\\d{1,18})");

  /** The line's progress, or empty for any other line (it belongs to the log). */
  public static Optional<ProgressLine> parse(String line) {
    Matcher m = FORM.matcher(line.strip());
    return m.matches()
        ? Optional.of(new ProgressLine(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))))
        : Optional.empty();
  }
}
