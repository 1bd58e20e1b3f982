package dev.tracklight.inference;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean ...?" for a mistyped key or value: the accepted word nearest to what was written,
 * by optimal string alignment distance (Levenshtein plus swaps of neighbours, so {@code fsp} is one
 * edit from {@code fps}), ignoring case. Used by every validator that rejects unknown keys or
 * values (cameras.yaml, rules files, class names), so their messages read the same.
 */
public final class ClosestMatch {

  /**
   * Most edits a suggestion may be away. Short words get one edit: two edits turn any three-letter
   * key into many others ({@code fps} to {@code id}), which would suggest nonsense.
   */
  private static final int MAX_EDITS_SHORT = 1;
  private static final int MAX_EDITS_LONG = 2;
  /** Words at least this long may be two edits away. */
  private static final int LONG_WORD = 5;

  private ClosestMatch() {}

  /** The accepted word closest to {@code given}, if one is close enough to be a likely typo. */
  public static Optional<String> of(String given, Collection<String> accepted) {
    String g = given.toLowerCase(Locale.ROOT);
    int limit = g.length() >= LONG_WORD ? MAX_EDITS_LONG : MAX_EDITS_SHORT;
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String a : accepted) {
      int d = distance(g, a.toLowerCase(Locale.ROOT));
      if (d <= limit && d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code " did you mean `fps`?"} with a leading space, or empty when nothing is close. */
  public static String didYouMean(String given, Collection<String> accepted) {
    return of(given, accepted).map(m -> " did you mean `" + m + "`?").orElse("");
  }

  /**
   * The message for a key nobody accepts: {@code "unknown key; did you mean `fps`? expected one of
   * id, url, fps, rules"} (the suggestion only when one is close).
   */
  public static String unknownKey(String key, Collection<String> accepted) {
    String suggestion = didYouMean(key, accepted);
    return "unknown key;" + (suggestion.isEmpty() ? "" : suggestion) + " expected one of "
        + (accepted.isEmpty() ? "(none)" : String.join(", ", accepted));
  }

  /** Optimal string alignment distance (edits: insert, delete, substitute, swap neighbours). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
