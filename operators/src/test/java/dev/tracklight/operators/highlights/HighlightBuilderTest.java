package dev.tracklight.operators.highlights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class HighlightBuilderTest {

  private static final Polygon SQUARE = new Polygon(List.of(new NormalizedPoint(0.2, 0.2),
      new NormalizedPoint(0.8, 0.2), new NormalizedPoint(0.8, 0.8), new NormalizedPoint(0.2, 0.8)));
  private static final List<Rule> RULES = List.of(
      new Rule.Appearance("people", ClassFilter.of(0), 1.0, 2, Padding.NONE),
      new Rule.Line("door", new NormalizedPoint(0, 0.5), new NormalizedPoint(1, 0.5),
          LineDirection.BOTH, ClassFilter.ALL, 2, Padding.AROUND_MOMENT),
      new Rule.Zone("desk", SQUARE, ClassFilter.ALL, 2, new Padding(1, 3)),
      new Rule.Loitering("linger", SQUARE, ClassFilter.ALL, 5, 2, Padding.AROUND_MOMENT),
      Rule.Activity.defaults());

  private static RuleEvent event(String rule, RuleKind kind, EventType type, long frame,
      long startMs, long ms, long peakFrame, List<Integer> tracks, List<Integer> classes,
      double score) {
    return new RuleEvent(rule, kind, type, frame, ms, startMs, peakFrame, tracks, classes, null,
        null, 0, score);
  }

  private static List<Highlight> build() {
    HighlightBuilder b = new HighlightBuilder("cam-7", RULES, ClassNames.COCO);
    b.acceptAll(List.of(
        event("activity", RuleKind.ACTIVITY, EventType.ACTIVITY_PEAK, 4, 500, 1000, 3,
            List.of(4), List.of(0), 0.3),
        event("people", RuleKind.APPEARANCE, EventType.APPEARANCE, 20, 5000, 5000, 20,
            List.of(1), List.of(0), 0.9), // an alert: its span comes with APPEARANCE_END
        event("people", RuleKind.APPEARANCE, EventType.APPEARANCE_END, 36, 5000, 9000, 30,
            List.of(1, 2), List.of(0), 0.9),
        event("door", RuleKind.LINE, EventType.CROSSING, 80, 20_000, 20_000, 80, List.of(3),
            List.of(2), 0.5),
        event("desk", RuleKind.ZONE, EventType.ENTRY, 84, 21_000, 21_000, 84, List.of(5),
            List.of(16), 0.6),
        event("desk", RuleKind.ZONE, EventType.OCCUPANCY, 85, 21_250, 21_250, 85, List.of(),
            List.of(), 1.0),
        event("linger", RuleKind.LOITERING, EventType.LOITER, 90, 21_000, 22_000, 90, List.of(5),
            List.of(16), 0.6)));
    return b.build(22_500);
  }

  @Test
  void padsMergesScoresAndRanks() {
    List<Highlight> h = build();
    assertEquals(3, h.size(), h.toString());
    Highlight people = h.get(0);
    assertEquals(new Highlight("cam-7-5000-9000", "cam-7", 5.0, 9.0, 0.9, List.of("people"),
        List.of(1, 2), List.of("person"), 30), people, "appearance spans the presence, unpadded");
    Highlight merged = h.get(1);
    // Crossing [18, 22] and entry [20, 24] overlap; the end is clamped to the stream end 22.5 s.
    assertEquals("cam-7-18000-22500", merged.id());
    assertEquals(18.0, merged.startS());
    assertEquals(22.5, merged.endS());
    assertEquals(1 - 0.5 * 0.4, merged.score(), 1e-12, "independent evidence combines");
    assertEquals(List.of("desk", "door"), merged.reasons());
    assertEquals(List.of(3, 5), merged.trackIds());
    assertEquals(List.of("car", "dog"), merged.classes());
    assertEquals(84, merged.peakFrame(), "the entry is the stronger moment");
    Highlight activity = h.get(2);
    assertEquals(0.0, activity.startS(), "pre-roll stops at the stream start");
    assertEquals(3.0, activity.endS());
  }

  @Test
  void refusesEventsOfUnknownRules() {
    HighlightBuilder b = new HighlightBuilder("cam", RULES, ClassNames.COCO);
    assertEquals("event of unknown rule 'gate': expected one of [activity, desk, door, linger,"
        + " people]", assertThrows(InvalidInputException.class, () -> b.accept(event("gate",
            RuleKind.LINE, EventType.CROSSING, 1, 0, 0, 1, List.of(), List.of(), 1)))
        .getMessage().replaceAll("\\[.*]", "[activity, desk, door, linger, people]"));
  }

  @Test
  void jsonHasTheDocumentedFields() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HighlightJsonWriter.write(build(), out);
    JsonNode root = new ObjectMapper().readTree(out.toByteArray());
    JsonNode first = root.get("highlights").get(0);
    assertEquals(3, root.get("highlights").size());
    assertEquals("{\"id\":\"cam-7-5000-9000\",\"camera\":\"cam-7\",\"start_s\":5.0,\"end_s\":9.0,"
        + "\"score\":0.9,\"reasons\":[\"people\"],\"track_ids\":[1,2],\"classes\":[\"person\"],"
        + "\"peak_frame\":30}", first.toString());

    out.reset();
    HighlightJsonWriter.write(build(), java.util.Map.of("cam-7-5000-9000", new HighlightFiles(
        "clips/cam-7-5000-9000.mp4", 4.0, 9.0999, "thumbs/cam-7-5000-9000.jpg")), out);
    root = new ObjectMapper().readTree(out.toByteArray());
    assertEquals("{\"file\":\"clips/cam-7-5000-9000.mp4\",\"start_s\":4.0,\"end_s\":9.1}",
        root.get("highlights").get(0).get("clip").toString());
    assertEquals("thumbs/cam-7-5000-9000.jpg", root.get("highlights").get(0).get("thumbnail").asText());
    assertEquals(null, root.get("highlights").get(1).get("clip"), "no media, no fields");
  }

  @Test
  void vttChaptersAreChronologicalWithValidTimestamps() throws Exception {
    StringWriter out = new StringWriter();
    WebVttChaptersWriter.write(build(), out);
    assertEquals("""
        WEBVTT - Tracklight highlights (chapters)

        cam-7-0-3000
        00:00:00.000 --> 00:00:03.000
        #3 activity - person (score 0.30)

        cam-7-5000-9000
        00:00:05.000 --> 00:00:09.000
        #1 people - person (score 0.90)

        cam-7-18000-22500
        00:00:18.000 --> 00:00:22.500
        #2 desk + door - car, dog (score 0.80)

        """, out.toString());
    assertEquals("27:46:40.001", WebVttChaptersWriter.timestamp(100_000.0014));
  }
}
