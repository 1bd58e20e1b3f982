package dev.tracklight.operators.stream;

import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.RuleEvent;
import dev.tracklight.operators.highlights.RuleState;
import java.util.List;

/**
 * What a camera's rules made of one frame, carried along with the frame to the outputs in the same
 * chain: the rule events it caused, the highlights that closed at it (all of a replay's highlights
 * arrive with its last frame), and every rule's state after it (drawn over the annotated video).
 *
 * @param events events in rule order
 * @param highlights highlights closed at this frame, best first
 * @param states each rule's geometry, figures and alert state after this frame, in rule order
 *     (empty before the rules ran)
 */
public record FrameRules(List<RuleEvent> events, List<Highlight> highlights, List<RuleState> states) {

  /** No rules ran, or nothing happened. */
  public static final FrameRules NONE = new FrameRules(List.of(), List.of(), List.of());

  public FrameRules {
    events = List.copyOf(events);
    highlights = List.copyOf(highlights);
    states = List.copyOf(states);
  }

  /** Events and highlights without rule states. */
  public FrameRules(List<RuleEvent> events, List<Highlight> highlights) {
    this(events, highlights, List.of());
  }

  /** True if nothing happened at this frame (no event, no highlight), whatever the states. */
  public boolean isEmpty() {
    return events.isEmpty() && highlights.isEmpty();
  }
}
