package dev.tracklight.operators.highlights;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.InvalidInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns one camera's {@link RuleEvent}s into ranked {@link Highlight}s.
 *
 * <p>Design: an accumulator of moments. Span-closing events ({@code *_END}, {@code ACTIVITY_PEAK})
 * contribute their span; instantaneous ones ({@code ENTRY}, {@code EXIT}, {@code CROSSING})
 * contribute their instant; alerts ({@code LOITER}, {@code CROWD}, {@code APPEARANCE}) and
 * {@code OCCUPANCY} contribute nothing, since the span events that follow them cover the same time.
 * Each moment is padded by its rule's {@link Padding} (so an {@code appearance} highlight is exactly
 * the presence by default), then moments that overlap or touch are merged: reasons, tracks and
 * classes are united, the peak is the strongest moment's, and scores combine as independent
 * evidence {@code 1 - prod(1 - s)}, so a moment several rules agree on outranks a single one.
 * Not thread-safe; one builder per camera and stream.
 *
 * <p>A replay builds everything at the end ({@link #build}); a live camera drains highlights as
 * they close ({@link #drainClosed}): a merged group is closed once event time has passed its end by
 * the longest pre-roll of the rules, since no later instant can then reach back into it. A long span
 * (a presence, a loitering) that closes later and reaches back over an already drained highlight
 * becomes a highlight of its own rather than reopening one that was already delivered. The pending
 * moments are state ({@link #writeState}, {@link #readState}) so a restored job continues them.
 */
public final class HighlightBuilder {

  private final String camera;
  private final ClassNames classNames;
  private final Map<String, Rule> rulesByName = new HashMap<>();
  private final List<Moment> moments = new ArrayList<>();
  private final long maxPreRollMs;

  public HighlightBuilder(String camera, List<Rule> rules, ClassNames classNames) {
    if (camera == null || camera.isBlank()) {
      throw new InvalidInputException("highlights need a camera name: expected a non-blank string");
    }
    this.camera = camera;
    this.classNames = classNames;
    long preRoll = 0;
    for (Rule r : rules) {
      rulesByName.put(r.name(), r);
      preRoll = Math.max(preRoll, r.padding().preRollMs());
    }
    this.maxPreRollMs = preRoll;
  }

  /** Moments accepted and not yet drained. */
  public int pendingMoments() {
    return moments.size();
  }

  /** Takes one event into account (events of unknown rules are refused). */
  public void accept(RuleEvent e) {
    Rule rule = rulesByName.get(e.rule());
    if (rule == null) {
      throw new InvalidInputException("event of unknown rule '" + e.rule() + "': expected one of "
          + rulesByName.keySet());
    }
    boolean instant = e.type() == EventType.ENTRY || e.type() == EventType.EXIT
        || e.type() == EventType.CROSSING;
    if (!instant && !e.type().closesSpan()) {
      return;
    }
    long start = instant ? e.timestampMs() : e.startMs();
    Padding pad = rule.padding();
    moments.add(new Moment(Math.max(0, start - pad.preRollMs()), e.timestampMs() + pad.postRollMs(),
        Math.max(0, Math.min(1, e.score())), e.rule(), e.trackIds(), e.classIds(),
        e.peakFrameIndex()));
  }

  public void acceptAll(List<RuleEvent> events) {
    events.forEach(this::accept);
  }

  /**
   * The merged highlights, best first (ties: earlier first).
   *
   * @param streamEndMs end of the stream; padding does not extend a highlight past it
   *     ({@code Long.MAX_VALUE} when unknown)
   */
  public List<Highlight> build(long streamEndMs) {
    return merge(moments, streamEndMs, Long.MAX_VALUE);
  }

  /**
   * Removes and returns the highlights that can no longer grow at event time {@code nowMs}, best
   * first; the rest stay pending. With {@code nowMs = Long.MAX_VALUE} everything is drained.
   */
  public List<Highlight> drainClosed(long nowMs) {
    if (moments.isEmpty()) {
      return List.of();
    }
    long closedBefore = nowMs == Long.MAX_VALUE ? Long.MAX_VALUE : nowMs - maxPreRollMs;
    List<Highlight> closed = merge(moments, Long.MAX_VALUE, closedBefore);
    if (!closed.isEmpty()) {
      moments.removeIf(m -> m.endMs() < closedBefore && coveredBy(m, closed));
    }
    return closed;
  }

  private static boolean coveredBy(Moment m, List<Highlight> highlights) {
    for (Highlight h : highlights) {
      if (m.startMs() >= Math.round(h.startS() * 1000) && m.endMs() <= Math.round(h.endS() * 1000)) {
        return true;
      }
    }
    return false;
  }

  /** Merges {@code all}; keeps only the groups that end before {@code closedBefore}. */
  private List<Highlight> merge(List<Moment> all, long streamEndMs, long closedBefore) {
    List<Moment> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingLong(Moment::startMs).thenComparingLong(Moment::endMs));
    List<Highlight> out = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      Moment first = sorted.get(i);
      long start = first.startMs();
      long end = first.endMs();
      double miss = 1;
      Moment best = first;
      TreeSet<String> reasons = new TreeSet<>();
      TreeSet<Integer> tracks = new TreeSet<>();
      TreeSet<String> classes = new TreeSet<>();
      int j = i;
      while (j < sorted.size() && sorted.get(j).startMs() <= end) {
        Moment m = sorted.get(j);
        end = Math.max(end, m.endMs());
        miss *= 1 - m.score();
        if (m.score() > best.score()) {
          best = m;
        }
        reasons.add(m.rule());
        tracks.addAll(m.trackIds());
        m.classIds().forEach(c -> classes.add(classNames.name(c)));
        j++;
      }
      if (end >= closedBefore) {
        i = j;
        continue;
      }
      end = Math.min(end, Math.max(start, streamEndMs));
      out.add(new Highlight(camera + "-" + start + "-" + end, camera, start / 1000.0, end / 1000.0,
          1 - miss, List.copyOf(reasons), List.copyOf(tracks), List.copyOf(classes),
          best.peakFrame()));
      i = j;
    }
    out.sort(Comparator.comparingDouble(Highlight::score).reversed()
        .thenComparingDouble(Highlight::startS));
    return out;
  }

  /** Writes the pending moments (for keyed state); the rules and camera are configuration. */
  public void writeState(java.io.DataOutput out) throws java.io.IOException {
    out.writeByte(STATE_VERSION);
    out.writeInt(moments.size());
    for (Moment m : moments) {
      out.writeLong(m.startMs());
      out.writeLong(m.endMs());
      out.writeDouble(m.score());
      out.writeUTF(m.rule());
      writeInts(m.trackIds(), out);
      writeInts(m.classIds(), out);
      out.writeLong(m.peakFrame());
    }
  }

  /** Replaces the pending moments with those written by {@link #writeState}. */
  public void readState(java.io.DataInput in) throws java.io.IOException {
    int version = in.readByte();
    if (version != STATE_VERSION) {
      throw new InvalidInputException("unsupported highlight builder state version " + version
          + ": expected " + STATE_VERSION);
    }
    int n = in.readInt();
    moments.clear();
    for (int i = 0; i < n; i++) {
      moments.add(new Moment(in.readLong(), in.readLong(), in.readDouble(), in.readUTF(),
          readInts(in), readInts(in), in.readLong()));
    }
  }

  private static void writeInts(List<Integer> values, java.io.DataOutput out)
      throws java.io.IOException {
    out.writeInt(values.size());
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static List<Integer> readInts(java.io.DataInput in) throws java.io.IOException {
    int n = in.readInt();
    List<Integer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(in.readInt());
    }
    return list;
  }

  /** Layout version of {@link #writeState}. */
  private static final byte STATE_VERSION = 1;

  /** One padded moment before merging. */
  private record Moment(long startMs, long endMs, double score, String rule,
      List<Integer> trackIds, List<Integer> classIds, long peakFrame) {}
}
