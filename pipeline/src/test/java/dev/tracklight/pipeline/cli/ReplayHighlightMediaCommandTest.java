package dev.tracklight.pipeline.cli;

import static dev.tracklight.pipeline.testing.VideoFrames.frame;
import static dev.tracklight.pipeline.testing.VideoFrames.mae;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.media.ImageReader;
import dev.tracklight.connectors.media.Thumbnails;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklight replay --rules --reel-seconds} end to end (real detector, tracker and rule
 * operator on the embedded MiniCluster): persons_one_by_one_432p.mp4 sampled at 4 fps with a person
 * appearance rule gives the MANIFEST's six person segments, each with a clip, a thumbnail of its
 * annotated peak frame (found through tracks.jsonl: sampling renumbers the video's frames), and a
 * reel of the best that fit.
 */
class ReplayHighlightMediaCommandTest {

  private static final double[][] PERSON_SEGMENTS = {{6.3, 19.5}, {22.8, 44.5}, {50.4, 69.7},
      {74.6, 86.5}, {92.7, 119.6}, {123.7, 135.8}};
  private static final double FRAME_S = 0.25;
  private static final double REEL_S = 45;

  @TempDir
  Path tmp;

  @Test
  void replayWritesClipsThumbnailsAndReelOfTheSixPersonSegments() throws Exception {
    Path rules = Files.writeString(tmp.resolve("rules.yaml"), "rules:\n  - {type: appearance, name:"
        + " person-arrives, classes: [person], min_absence_seconds: 1.0}\n");
    CliRun run = CliRun.of("replay", TestAssets.file("videos/persons_one_by_one_432p.mp4").toString(),
        "--out", tmp.resolve("out").toString(), "--fps", "4", "--rules", rules.toString(),
        "--reel-seconds", Double.toString(REEL_S));
    assertEquals(0, run.exitCode(), run.err());
    ReplayOutputs o = new ReplayOutputs(tmp.resolve("out/persons_one_by_one_432p"));
    assertTrue(run.out().contains(o.reel().toString()), run.out());
    ObjectMapper json = new ObjectMapper();
    JsonNode summary = json.readTree(o.summary().toFile());
    System.out.printf(Locale.ROOT, "persons at 4 fps: wall %.1f s, highlight media %d ms (%.1f%%)%n",
        summary.get("wall_s").asDouble(), summary.get("highlight_media_ms").asLong(),
        summary.get("highlight_media_ms").asLong() / (10.0 * summary.get("wall_s").asDouble()));
    JsonNode list = json.readTree(o.highlightsJson().toFile()).get("highlights");
    assertEquals(6, summary.get("highlights").asInt(), list.toString());
    List<String> tracks = Files.readAllLines(o.tracksJsonl());

    List<JsonNode> byTime = new ArrayList<>();
    list.forEach(byTime::add);
    byTime.sort(Comparator.comparingDouble(h -> h.get("start_s").asDouble()));
    for (int i = 0; i < 6; i++) {
      JsonNode h = byTime.get(i);
      double start = h.get("start_s").asDouble();
      double end = h.get("end_s").asDouble();
      double[] expected = PERSON_SEGMENTS[i];
      double overlap = Math.min(end, expected[1]) - Math.max(start, expected[0]);
      assertTrue(overlap / (Math.max(end, expected[1]) - Math.min(start, expected[0])) >= 0.7,
          "segment " + i + ": " + h);
      double clipStart = h.get("clip").get("start_s").asDouble();
      double clipEnd = h.get("clip").get("end_s").asDouble();
      assertTrue(clipStart <= start && clipStart >= start - 1.0, "at most 1 s early: " + h);
      assertTrue(clipEnd >= end && clipEnd <= end + FRAME_S + 1e-9, "within a frame of the end: " + h);
      Path clip = o.dir().resolve(h.get("clip").get("file").asText());
      try (VideoReader reader = VideoReader.open(clip, VideoReadOptions.defaults())) {
        assertEquals(4.0, reader.info().fps(), 1e-9);
        assertEquals(Math.round((clipEnd - clipStart) / FRAME_S), reader.info().frameCount(), h.toString());
      }

      long peak = h.get("peak_frame").asLong();
      int position = -1;
      for (int p = 0; p < tracks.size() && position < 0; p++) {
        if (json.readTree(tracks.get(p)).get("frame").asLong() == peak) {
          position = p;
        }
      }
      assertTrue(position > 0, "peak frame " + peak + " was written");
      BgrImage thumb = ImageReader.read(o.dir().resolve(h.get("thumbnail").asText()));
      assertEquals(Thumbnails.MAX_WIDTH, thumb.width(), "a thumbnail, not the 768 px frame");
      assertEquals(180, thumb.height(), "aspect ratio kept");
      double exact = mae(thumb, Thumbnails.fit(frame(o.annotatedVideo(), position)));
      assertTrue(exact < 3.0, "thumbnail of " + h.get("id") + " = annotated frame " + position + ": " + exact);
      assertTrue(exact < mae(thumb, Thumbnails.fit(frame(o.annotatedVideo(), position - 1))), "that very frame");
    }

    // The reel: best first while the clips fit 45 s, in time order; its length is their sum.
    double used = 0;
    long frames = 0;
    for (JsonNode h : list) {
      double d = h.get("clip").get("end_s").asDouble() - h.get("clip").get("start_s").asDouble();
      if (used + d <= REEL_S + 1e-9) {
        used += d;
        frames += Math.round(d / FRAME_S);
      }
    }
    assertEquals(used, summary.get("reel_s").asDouble(), 1e-6);
    try (VideoReader reel = VideoReader.open(o.reel(), VideoReadOptions.defaults())) {
      assertEquals(used * 1000, reel.info().durationMs(), 1.0);
      long n = 0;
      while (reel.next().isPresent()) {
        n++;
      }
      assertEquals(frames, n, "reel frames = sum of its clips'");
    }
    try (Stream<Path> files = Files.walk(o.dir())) {
      assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList());
    }
  }

}
