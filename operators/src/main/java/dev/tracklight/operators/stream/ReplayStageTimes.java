package dev.tracklight.operators.stream;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wall time the replay job's task thread spends per camera in each of its own stages (decode in the
 * source, tracking, and annotate / encode / write in the sink), so a replay's {@code summary.json}
 * can say where the time went, like the serial loop's {@code stage_ms}. Inference is not here: it
 * runs on the inference service's thread, overlapped with these stages (the async operator's
 * metrics report its latency).
 *
 * <p><b>Design.</b> A per-JVM registry keyed by camera id, because the stages are different
 * operators (source, keyed process function, sink writer) with no common object to hold a stopwatch.
 * The job chains source → inference → tracking → sink in one task and the source places a camera on
 * exactly one subtask, so all stages of one camera run in the same task thread, which is also the
 * only thread that reads the entry (the sink, at the camera's last frame): the {@code long[]} needs no
 * synchronisation, only the map does. On a cluster the registry lives in the TaskManager running the
 * camera, which is where its sink writes the summary. The source {@link #reset}s a camera that starts
 * from its first frame; a camera resumed from a checkpoint keeps the time of its earlier attempt
 * (reported as spent, which it was).
 *
 * <p>Cost: one map lookup and a {@code System.nanoTime()} pair per stage and frame (tens of
 * nanoseconds against tens of milliseconds of decode, inference and encode per frame).
 */
public final class ReplayStageTimes {

  /** Task-thread stages of the replay job, in pipeline order. */
  public enum Stage { DECODE, TRACK, ANNOTATE, ENCODE, WRITE }

  private static final Stage[] STAGES = Stage.values();
  private static final Map<String, long[]> TOTALS = new ConcurrentHashMap<>();

  private ReplayStageTimes() {}

  /** Adds {@code nanos} to {@code stage} of {@code cameraId}; call from the camera's task thread. */
  public static void add(String cameraId, Stage stage, long nanos) {
    TOTALS.computeIfAbsent(cameraId, id -> new long[STAGES.length])[stage.ordinal()] += nanos;
  }

  /** Forgets what was recorded for {@code cameraId} (a replay of it starts from its first frame). */
  public static void reset(String cameraId) {
    TOTALS.remove(cameraId);
  }

  /**
   * Removes and returns the totals of {@code cameraId} in milliseconds (0.1 ms resolution), by
   * lower-case stage name in pipeline order; zeros when nothing was recorded.
   */
  public static Map<String, Double> takeMillis(String cameraId) {
    long[] totals = TOTALS.remove(cameraId);
    Map<String, Double> millis = new LinkedHashMap<>();
    for (Stage s : STAGES) {
      long nanos = totals == null ? 0 : totals[s.ordinal()];
      millis.put(s.name().toLowerCase(Locale.ROOT), Math.round(nanos / 1e5) / 10.0);
    }
    return millis;
  }
}
