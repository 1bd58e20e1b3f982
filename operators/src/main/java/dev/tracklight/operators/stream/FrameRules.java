package dev.tracklight.operators.stream;

import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.RuleEvent;
import java.util.List;

/**
 * What a camera's rules made of one frame, carried along with the frame to the outputs in the same
 * chain: the rule events it caused, and the highlights that closed at it (all of a replay's
 * highlights arrive with its last frame).
 *
 * @param events events in rule order
 * @param highlights highlights closed at this frame, best first
 */
public record FrameRules(List<RuleEvent> events, List<Highlight> highlights) {

  /** No rules ran, or nothing happened. */
  public static final FrameRules NONE = new FrameRules(List.of(), List.of());

  public FrameRules {
    events = List.copyOf(events);
    highlights = List.copyOf(highlights);
  }

  public boolean isEmpty() {
    return events.isEmpty() && highlights.isEmpty();
  }
}
