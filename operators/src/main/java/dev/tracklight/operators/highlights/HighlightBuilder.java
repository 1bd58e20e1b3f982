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
 */
public final class HighlightBuilder {

  private final String camera;
  private final ClassNames classNames;
  private final Map<String, Rule> rulesByName = new HashMap<>();
  private final List<Moment> moments = new ArrayList<>();

  public HighlightBuilder(String camera, List<Rule> rules, ClassNames classNames) {
    if (camera == null || camera.isBlank()) {
      throw new InvalidInputException("highlights need a camera name: expected a non-blank string");
    }
    this.camera = camera;
    this.classNames = classNames;
    for (Rule r : rules) {
      rulesByName.put(r.name(), r);
    }
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
    List<Moment> sorted = new ArrayList<>(moments);
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

  /** One padded moment before merging. */
  private record Moment(long startMs, long endMs, double score, String rule,
      List<Integer> trackIds, List<Integer> classIds, long peakFrame) {}
}
