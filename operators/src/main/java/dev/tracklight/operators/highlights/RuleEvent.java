package dev.tracklight.operators.highlights;

import java.util.List;
import java.util.Objects;

/**
 * Something a rule saw, in event time (the frames' timestamps). Camera-free: the caller (a Flink
 * key, a replay) knows the camera.
 *
 * @param rule the rule's name (which is also the zone's or line's name)
 * @param ruleKind the rule's kind
 * @param type what happened
 * @param frameIndex the frame the event happened at; with {@code inertia} the first frame of the new
 *     state, not the frame that confirmed it; for span-closing types the span's last frame
 * @param timestampMs that frame's timestamp
 * @param startMs start of the span (equal to {@code timestampMs} for instantaneous events; for
 *     alerts like {@code LOITER} the start of the span the alert is about)
 * @param peakFrameIndex the frame with the strongest evidence (best detection, highest activity);
 *     {@code frameIndex} for instantaneous events
 * @param trackIds tracks involved, ascending
 * @param classIds their classes, ascending, distinct
 * @param box the main track's box at {@code peakFrameIndex}, or {@code null} (occupancy, activity)
 * @param direction {@code IN} or {@code OUT} for crossings, otherwise {@code null}
 * @param count zone events ({@code ENTRY}, {@code EXIT}, {@code OCCUPANCY}, {@code LOITER*}): tracks
 *     in the zone after the event; {@code CROSSING}: crossings of this class and direction so far;
 *     {@code CROWD}: tracks inside now, {@code CROWD_END}: the largest crowd of the span;
 *     {@code APPEARANCE*}, {@code ACTIVITY_PEAK}: distinct tracks involved
 * @param score how strong the event is, {@code 0..1} (detection score, relative activity excess)
 */
public record RuleEvent(String rule, RuleKind ruleKind, EventType type, long frameIndex,
    long timestampMs, long startMs, long peakFrameIndex, List<Integer> trackIds,
    List<Integer> classIds, NormalizedBox box, LineDirection direction, int count, double score) {

  public RuleEvent {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(ruleKind, "ruleKind");
    Objects.requireNonNull(type, "type");
    trackIds = List.copyOf(trackIds);
    classIds = List.copyOf(classIds);
    if (startMs > timestampMs) {
      throw new IllegalArgumentException("event starts after it happens: " + startMs + " > "
          + timestampMs);
    }
  }
}
