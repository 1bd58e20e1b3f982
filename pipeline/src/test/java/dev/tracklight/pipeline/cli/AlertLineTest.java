package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.highlights.EventType;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.LineDirection;
import dev.tracklight.operators.highlights.NormalizedBox;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleEvent;
import dev.tracklight.operators.highlights.RuleKind;
import dev.tracklight.operators.highlights.RuleParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The human line of each alert type carries the facts its JSON has (names, direction, count, span). */
class AlertLineTest {

  private static final List<Rule> RULES = new RuleParser(ClassNames.COCO).parse(List.of(
      Map.of("type", "zone", "name", "left-half",
          "polygon", List.of(List.of(0, 0), List.of(0.5, 0), List.of(0.5, 1), List.of(0, 1))),
      Map.of("type", "line", "name", "door", "points", List.of(List.of(0.5, 0), List.of(0.5, 1))),
      Map.of("type", "loitering", "name", "bed-exit", "min_seconds", 20,
          "polygon", List.of(List.of(0.1, 0.1), List.of(0.6, 0.1), List.of(0.6, 0.9)))));

  private static String line(int rule, RuleKind kind, EventType type, long startMs, long atMs,
      List<Integer> tracks, LineDirection direction, int count) {
    RuleEvent e = new RuleEvent(RULES.get(rule).name(), kind, type, 300, atMs, startMs, 300, tracks,
        tracks.isEmpty() ? List.of() : List.of(0), tracks.isEmpty() ? null : new NormalizedBox(0.1f, 0.2f, 0.3f, 0.4f),
        direction, count, 0.8);
    return AlertLine.of(Alert.of("hall", RULES.get(rule), e, ClassNames.COCO, 0));
  }

  @Test
  void occupancyShowsZoneAndCount() {
    assertEquals("+0:12.480  hall  INFO      occupancy  rule=left-half zone=left-half count=1",
        line(0, RuleKind.ZONE, EventType.OCCUPANCY, 12_480, 12_480, List.of(), null, 1));
    assertEquals("+0:12.480  hall  INFO      entry  rule=left-half zone=left-half count=2 tracks=3"
        + " classes=person", line(0, RuleKind.ZONE, EventType.ENTRY, 12_480, 12_480, List.of(3), null, 2));
  }

  @Test
  void crossingShowsLineDirectionAndCount() {
    assertEquals("+1:02.000  hall  INFO      crossing  rule=door line=door direction=in count=42 tracks=17"
        + " classes=person", line(1, RuleKind.LINE, EventType.CROSSING, 62_000, 62_000, List.of(17),
            LineDirection.IN, 42));
    assertEquals("+1:02.000  hall  INFO      crossing  rule=door line=door direction=out count=1 tracks=5"
        + " classes=person", line(1, RuleKind.LINE, EventType.CROSSING, 62_000, 62_000, List.of(5),
            LineDirection.OUT, 1));
  }

  @Test
  void loiteringShowsHowLong() {
    assertEquals("+0:40.000  hall  WARNING   loiter  rule=bed-exit zone=bed-exit count=1 for=20.0s tracks=5"
        + " classes=person", line(2, RuleKind.LOITERING, EventType.LOITER, 20_000, 40_000, List.of(5), null, 1));
  }

  @Test
  void highlightShowsSpanScoreAndMedia() {
    Highlight h = new Highlight("h1", "lobby", 1_790_000_000.0, 1_790_000_012.5, 0.87,
        List.of("door", "activity"), List.of(4, 9), List.of("dog", "person"), 42);
    assertEquals("2026-09-21T14:13:32.500Z  lobby  INFO      highlight  rule=door+activity count=2 for=12.5s"
        + " score=0.87 tracks=4,9 classes=dog,person clip=file:///c/1.mp4 thumbnail=file:///c/1.jpg",
        AlertLine.of(Alert.of(h, dev.tracklight.operators.highlights.Severity.INFO, 0,
            "file:///c/1.mp4", "file:///c/1.jpg")));
  }
}
