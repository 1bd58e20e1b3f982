package dev.tracklight.connectors.testing;

import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.highlights.NormalizedBox;
import dev.tracklight.operators.highlights.Severity;
import java.util.List;

/**
 * Deterministic alerts for sink and CLI tests: alert {@code n} is a pure function of {@code n}
 * (camera {@code cam<n mod cameras>}, alternating entry/exit/loiter events, severities cycling
 * info → warning → critical), with the real deterministic id of {@link Alert#idOf}.
 */
public final class TestAlerts {

  /** Event time of alert 0: a fixed epoch instant (2026-09-21), so lines print as dates. */
  public static final long EPOCH_MS = 1_790_000_000_000L;

  private TestAlerts() {}

  /** Alert {@code n} of a stream over {@code cameras} cameras. */
  public static Alert number(long n, int cameras) {
    String camera = "cam" + (n % cameras);
    Severity severity = Severity.values()[(int) (n % Severity.values().length)];
    boolean loiter = severity == Severity.CRITICAL;
    String rule = loiter ? "dwell" : "door";
    String type = loiter ? "loiter" : (n % 2 == 0 ? "entry" : "exit");
    List<Integer> tracks = List.of((int) (n % 7) + 1);
    long t = EPOCH_MS + n * 40;
    return new Alert(Alert.idOf(camera, rule, type, tracks, t), camera, rule,
        loiter ? "loitering" : "zone", type, severity, t, t + 5, n, t, tracks,
        n % 5 == 0 ? List.of("dog") : List.of("person"), rule, null, null, 1, 0.9,
        new NormalizedBox(0.1f, 0.2f, 0.3f, 0.4f), n % 10 == 0 ? "file:///clips/" + n + ".mp4" : null,
        null);
  }
}
