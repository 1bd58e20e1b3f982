package dev.tracklight.operators.highlights;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.TreeSet;

/**
 * Appearance of a watched class after an absence, and the span of its presence.
 *
 * <p>Design: class-level, not per track (a person re-detected under a new track id is still the
 * same presence). While closed, {@code inertia} consecutive frames with at least one tracked object
 * of the classes open a span, dated at the first of them, and emit {@code APPEARANCE}. While open,
 * every frame with the class extends the span ({@code lastSeen}) and may improve its peak (the best
 * detection score, whose frame and box become the highlight's peak); once the class has been absent
 * for {@code min_absence_seconds} the span closes at its last sighting with {@code APPEARANCE_END}.
 * The stream start counts as an absence, so a class visible from the first frame appears at once,
 * and so does a gap in event time with no frame at all longer than the absence (plus
 * {@link #GAP_TOLERANCE_MS}): a live producer that paused, a camera that reconnected. Nothing was
 * seen in it, so the class seen on both sides "appears" again after it.
 */
final class AppearanceEvaluator implements RuleEvaluator {

  /**
   * Track ids remembered per span: enough for any realistic scene, and a bound on the state size
   * when a span lasts hours in a busy place.
   */
  static final int MAX_SPAN_TRACKS = 64;

  /**
   * A gap between two frames counts as absence when it exceeds {@code min_absence_seconds} by this
   * much: more than the jitter of a camera sampled at about the absence's own period (1 fps with a
   * 1 s absence gives gaps of 1000 ± 50 ms, which must not reopen the span at every frame), less
   * than any producer pause or reconnection worth calling an absence.
   */
  static final long GAP_TOLERANCE_MS = 500;

  private final Rule.Appearance rule;
  private final long minAbsenceMs;

  private boolean open;
  private int streak;
  private long streakMs;
  private long streakFrame;
  private long startMs;
  private long startFrame;
  private long lastMs;
  private long lastFrame;
  private float peakScore;
  private long peakFrame;
  private final float[] peakBox = new float[4];
  private final TreeSet<Integer> trackIds = new TreeSet<>();
  private final TreeSet<Integer> classIds = new TreeSet<>();

  AppearanceEvaluator(Rule.Appearance rule) {
    this.rule = rule;
    this.minAbsenceMs = Math.round(rule.minAbsenceSeconds() * 1000);
  }

  @Override
  public Rule rule() {
    return rule;
  }

  @Override
  public void onFrame(FrameTracks f, List<RuleEvent> out) {
    int best = -1;
    for (int i = 0; i < f.size(); i++) {
      if (rule.classes().matches(f.tracks.classId(i))
          && (best < 0 || f.tracks.score(i) > f.tracks.score(best))) {
        best = i;
      }
    }
    if (open && best >= 0 && f.timestampMs - lastMs > minAbsenceMs + GAP_TOLERANCE_MS) {
      // No frame at all for longer than the absence: the producer paused or the camera was away.
      // Nothing was seen in between, so that is absence: the span ends at its last sighting and
      // this frame may open the next one (below).
      close(out);
    }
    if (open) {
      if (best >= 0) {
        lastMs = f.timestampMs;
        lastFrame = f.frameIndex;
        collect(f, best);
      } else if (f.timestampMs - lastMs >= minAbsenceMs) {
        close(out);
      }
      return;
    }
    if (best < 0) {
      streak = 0;
      trackIds.clear();
      classIds.clear();
      peakScore = -1;
      return;
    }
    if (streak == 0) {
      streakMs = f.timestampMs;
      streakFrame = f.frameIndex;
      peakScore = -1;
    }
    collect(f, best);
    if (++streak >= rule.inertia()) {
      open = true;
      streak = 0;
      startMs = streakMs;
      startFrame = streakFrame;
      lastMs = f.timestampMs;
      lastFrame = f.frameIndex;
      out.add(event(EventType.APPEARANCE, startFrame, startMs, startMs));
    }
  }

  private void collect(FrameTracks f, int best) {
    for (int i = 0; i < f.size(); i++) {
      int cls = f.tracks.classId(i);
      if (rule.classes().matches(cls)) {
        classIds.add(cls);
        if (trackIds.size() < MAX_SPAN_TRACKS) {
          trackIds.add(f.tracks.trackId(i));
        }
      }
    }
    if (f.tracks.score(best) > peakScore) {
      peakScore = f.tracks.score(best);
      peakFrame = f.frameIndex;
      System.arraycopy(f.boxes, 4 * best, peakBox, 0, 4);
    }
  }

  private void close(List<RuleEvent> out) {
    out.add(event(EventType.APPEARANCE_END, lastFrame, lastMs, startMs));
    open = false;
    streak = 0;
    trackIds.clear();
    classIds.clear();
    peakScore = -1;
  }

  private RuleEvent event(EventType type, long frame, long ms, long spanStartMs) {
    return new RuleEvent(rule.name(), rule.kind(), type, frame, ms, spanStartMs,
        type == EventType.APPEARANCE ? frame : peakFrame, List.copyOf(trackIds),
        List.copyOf(classIds), new NormalizedBox(peakBox[0], peakBox[1], peakBox[2], peakBox[3]),
        null, trackIds.size(), Math.max(0, peakScore));
  }

  @Override
  public void finish(long endTimestampMs, List<RuleEvent> out) {
    if (open) {
      close(out);
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    out.writeBoolean(open);
    out.writeInt(streak);
    out.writeLong(streakMs);
    out.writeLong(streakFrame);
    out.writeLong(startMs);
    out.writeLong(startFrame);
    out.writeLong(lastMs);
    out.writeLong(lastFrame);
    out.writeFloat(peakScore);
    out.writeLong(peakFrame);
    StateCodec.writeFloats(out, peakBox);
    StateCodec.writeInts(out, trackIds);
    StateCodec.writeInts(out, classIds);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    open = in.readBoolean();
    streak = in.readInt();
    streakMs = in.readLong();
    streakFrame = in.readLong();
    startMs = in.readLong();
    startFrame = in.readLong();
    lastMs = in.readLong();
    lastFrame = in.readLong();
    peakScore = in.readFloat();
    peakFrame = in.readLong();
    StateCodec.readFloats(in, peakBox);
    StateCodec.readInts(in, trackIds);
    StateCodec.readInts(in, classIds);
  }
}
