package dev.tracklight.pipeline.highlights;

import static dev.tracklight.pipeline.highlights.RealClipHighlights.hasClass;
import static dev.tracklight.pipeline.highlights.RealClipHighlights.timeIou;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.HighlightJsonWriter;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.highlights.WebVttChaptersWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code appearance} rule for persons over persons_one_by_one_432p.mp4 (real detector and
 * tracker, 4 fps, about 560 frames) gives exactly the six person segments of the MANIFEST, and the
 * result written as highlights.json / highlights.vtt reads back.
 */
class PersonAppearanceHighlightsTest {

  /** The MANIFEST's person segments of persons_one_by_one_432p.mp4, seconds. */
  private static final double[][] PERSON_SEGMENTS = {{6.3, 19.5}, {22.8, 44.5}, {50.4, 69.7},
      {74.6, 86.5}, {92.7, 119.6}, {123.7, 135.8}};

  @TempDir
  Path tmp;

  @Test
  void personAppearancesAreTheSixDocumentedSegments() throws Exception {
    List<Rule> rules = new RuleParser(ClassNames.COCO).parse(List.of(Map.of("type", "appearance",
        "name", "person-arrives", "classes", List.of("person"), "min_absence_seconds", 1.0)));
    RealClipHighlights.ClipRun run;
    try (RealClipHighlights clips = new RealClipHighlights()) {
      run = clips.run("videos/persons_one_by_one_432p.mp4", rules);
    }
    List<Highlight> byTime = new ArrayList<>(run.highlights());
    byTime.sort(Comparator.comparingDouble(Highlight::startS));
    StringBuilder found = new StringBuilder();
    byTime.forEach(h -> found.append(String.format(" [%.2f-%.2f]", h.startS(), h.endS())));
    System.out.println("person highlights:" + found);
    assertEquals(PERSON_SEGMENTS.length, byTime.size(), "person highlights:" + found);
    for (int i = 0; i < PERSON_SEGMENTS.length; i++) {
      Highlight h = byTime.get(i);
      double iou = timeIou(h.startS(), h.endS(), PERSON_SEGMENTS[i][0], PERSON_SEGMENTS[i][1]);
      assertTrue(iou >= 0.7, "segment " + i + " IoU " + iou + "; highlights:" + found);
      assertEquals(List.of("person-arrives"), h.reasons());
      assertEquals(List.of("person"), h.classes());
      assertTrue(hasClass(run.detections().get(h.peakFrame()), 0), "peak frame shows a person");
    }

    // The same run written out: highlights.json parses back, highlights.vtt is valid WebVTT.
    Path json = tmp.resolve("highlights.json");
    HighlightJsonWriter.write(run.highlights(), json);
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals(6, root.get("highlights").size());
    JsonNode best = root.get("highlights").get(0);
    assertEquals(run.highlights().get(0).id(), best.get("id").asText());
    assertEquals("cam1", best.get("camera").asText());
    assertTrue(best.get("end_s").asDouble() > best.get("start_s").asDouble());
    assertFalse(best.get("track_ids").isEmpty());
    Path vtt = tmp.resolve("highlights.vtt");
    WebVttChaptersWriter.write(run.highlights(), vtt);
    List<String> lines = Files.readAllLines(vtt);
    assertTrue(lines.get(0).startsWith("WEBVTT"));
    long cues = lines.stream().filter(l -> l.matches(
        "\\d{2}:\\d{2}:\\d{2}\\.\\d{3} --> \\d{2}:\\d{2}:\\d{2}\\.\\d{3}")).count();
    assertEquals(6, cues);
  }
}
