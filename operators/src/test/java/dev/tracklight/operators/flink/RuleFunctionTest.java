package dev.tracklight.operators.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.StreamEnd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The rule operator in a Flink keyed-operator harness: alerts on the side output, highlights with
 * the frames, state that survives a snapshot and restore, late frames counted and not fatal.
 */
class RuleFunctionTest {

  private static final int W = 200;
  private static final int H = 100;
  private static final BgrImage IMAGE = new BgrImage(W, H, new byte[W * H * 3]);
  private static final List<Rule> RULES = new RuleParser(ClassNames.COCO).parse(List.of(
      Map.of("type", "line", "name", "door", "points", List.of(List.of(0.5, 0.0), List.of(0.5, 1.0)),
          "classes", List.of("person")),
      Map.of("type", "appearance", "name", "someone", "classes", List.of("person"),
          "min_absence_seconds", 1.0)));

  /**
   * 10 fps: a person (track 1) walks left to right over frames 0-29, nobody for 20 frames, then
   * track 2 walks back right to left over frames 50-79; frame 99 ends the stream.
   */
  private static List<FrameDetections> frames() {
    List<FrameDetections> out = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Detections d = Detections.empty();
      if (i < 30 || (i >= 50 && i < 80)) {
        int step = i < 30 ? i : 79 - i;
        float x = 10 + step * 6;
        d = Detections.of(new float[] {x, 20, x + 20, 80}, new float[] {0.9f}, new int[] {0},
            new int[] {i < 30 ? 1 : 2});
      }
      out.add(new FrameDetections("door-cam", i, 1_000 + i * 100L, IMAGE, d,
          i == 99 ? StreamEnd.COMPLETE : StreamEnd.NONE));
    }
    return out;
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, FrameDetections, FrameDetections> harness(
      boolean live) throws Exception {
    RuleFunction fn = new RuleFunction(Map.of("door-cam", RULES), RuleParser.defaults(),
        ClassNames.COCO.names(), 0, live);
    return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn),
        FrameDetections::cameraId, Types.STRING);
  }

  private record Run(List<Alert> alerts, List<FrameDetections> out) {}

  private static Run drain(KeyedOneInputStreamOperatorTestHarness<String, FrameDetections, FrameDetections> h) {
    List<Alert> alerts = new ArrayList<>();
    var side = h.getSideOutput(RuleFunction.ALERTS);
    if (side != null) {
      side.forEach(r -> alerts.add(r.getValue()));
    }
    List<FrameDetections> out = new ArrayList<>();
    h.extractOutputValues().forEach(out::add);
    return new Run(alerts, out);
  }

  private static Run runAll(boolean live) throws Exception {
    try (var h = harness(live)) {
      h.open();
      for (FrameDetections f : frames()) {
        h.processElement(new StreamRecord<>(f, f.timestampMs()));
      }
      return drain(h);
    }
  }

  @Test
  void alertsOnTheSideAndAllHighlightsWithTheLastFrameOfAReplay() throws Exception {
    Run run = runAll(false);
    assertEquals(100, run.out().size(), "every frame passes on");
    List<String> types = run.alerts().stream().map(a -> a.rule() + ":" + a.type()
        + (a.direction() == null ? "" : ":" + a.direction())).toList();
    // Walking A -> B = down the image, the left-hand side is +x: left to right is "out".
    assertEquals(List.of("someone:appearance", "door:crossing:out", "someone:appearance_end",
        "someone:appearance", "door:crossing:in", "someone:appearance_end"),
        types.stream().filter(t -> !t.contains("occupancy")).toList(), "alerts in event order");
    for (int i = 0; i < 99; i++) {
      assertTrue(run.out().get(i).rules().highlights().isEmpty(), "a replay's highlights wait for the end");
    }
    List<Highlight> highlights = run.out().get(99).rules().highlights();
    assertEquals(2, highlights.size(), "two presences, each with its crossing: " + highlights);
    assertTrue(highlights.stream().allMatch(h -> h.reasons().equals(List.of("door", "someone"))));
    assertEquals(run.alerts().size(), run.alerts().stream().map(Alert::id).distinct().count(), "ids unique");
  }

  @Test
  void liveCamerasGetEachHighlightWhenItCloses() throws Exception {
    Run run = runAll(true);
    int first = -1;
    for (int i = 0; i < run.out().size(); i++) {
      if (!run.out().get(i).rules().highlights().isEmpty()) {
        first = i;
        break;
      }
    }
    assertTrue(first > 30 && first < 60, "the first presence is delivered once it closed, at frame " + first);
    long total = run.out().stream().mapToLong(f -> f.rules().highlights().size()).sum();
    assertEquals(2, total);
  }

  @Test
  void restoredFromASnapshotContinuesIdentically() throws Exception {
    Run uninterrupted = runAll(false);
    List<FrameDetections> frames = frames();
    OperatorSubtaskState snapshot;
    List<Alert> alerts = new ArrayList<>();
    try (var h = harness(false)) {
      h.open();
      for (FrameDetections f : frames.subList(0, 40)) {
        h.processElement(new StreamRecord<>(f, f.timestampMs()));
      }
      snapshot = h.snapshot(1L, 1L);
      alerts.addAll(drain(h).alerts());
    }
    List<FrameDetections> out;
    try (var h = harness(false)) {
      h.initializeState(snapshot);
      h.open();
      for (FrameDetections f : frames.subList(40, 100)) {
        h.processElement(new StreamRecord<>(f, f.timestampMs()));
      }
      Run rest = drain(h);
      alerts.addAll(rest.alerts());
      out = rest.out();
    }
    assertEquals(uninterrupted.alerts().stream().map(Alert::id).toList(),
        alerts.stream().map(Alert::id).toList(), "same alerts, each once");
    assertEquals(uninterrupted.out().get(99).rules().highlights(), out.get(out.size() - 1).rules().highlights(),
        "the highlight moments survived the restore");
  }

  @Test
  void lateFramesAreCountedNotFatal() throws Exception {
    List<FrameDetections> frames = frames();
    try (var h = harness(false)) {
      h.open();
      for (FrameDetections f : frames.subList(0, 10)) {
        h.processElement(new StreamRecord<>(f, f.timestampMs()));
      }
      FrameDetections late = frames.get(5);
      h.processElement(new StreamRecord<>(new FrameDetections("door-cam", 10, late.timestampMs(), IMAGE,
          late.detections(), StreamEnd.NONE), late.timestampMs()));
      Run run = drain(h);
      assertEquals(11, run.out().size(), "the late frame still flows on to the outputs");
      assertFalse(run.out().get(10).rules().events().size() > 0, "but the rules did not see it");
    }
  }
}
