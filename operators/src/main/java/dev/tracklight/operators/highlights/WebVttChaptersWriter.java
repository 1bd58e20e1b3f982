package dev.tracklight.operators.highlights;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code highlights.vtt}: a WebVTT file meant for {@code <track kind="chapters">}, one cue
 * per highlight in time order (chapters are chronological whatever the ranking), titled with rank,
 * reasons, classes and score. Merged highlights never overlap, as chapters must not. Timestamps are
 * {@code HH:MM:SS.mmm}; cue text is kept on one line and free of {@code -->}.
 */
public final class WebVttChaptersWriter {

  private WebVttChaptersWriter() {}

  public static void write(List<Highlight> ranked, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(ranked, w);
    }
  }

  /** Writes to {@code out} without closing it; {@code ranked} is best first (rank = position). */
  public static void write(List<Highlight> ranked, Writer out) throws IOException {
    List<Highlight> byTime = new ArrayList<>(ranked);
    byTime.sort(Comparator.comparingDouble(Highlight::startS));
    out.write("WEBVTT - Tracklight highlights (chapters)\n\n");
    for (Highlight h : byTime) {
      int rank = ranked.indexOf(h) + 1;
      out.write(clean(h.id()) + "\n");
      out.write(timestamp(h.startS()) + " --> " + timestamp(h.endS()) + "\n");
      String classes = h.classes().isEmpty() ? "" : " - " + String.join(", ", h.classes());
      out.write(clean(String.format(Locale.ROOT, "#%d %s%s (score %.2f)", rank,
          String.join(" + ", h.reasons()), classes, h.score())) + "\n\n");
    }
    out.flush();
  }

  /** {@code HH:MM:SS.mmm} (hours not limited to two digits for very long streams). */
  static String timestamp(double seconds) {
    long ms = Math.round(seconds * 1000);
    return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60,
        ms / 1000 % 60, ms % 1000);
  }

  private static String clean(String text) {
    return text.replace("-->", "->").replace('\n', ' ').replace('\r', ' ');
  }
}
