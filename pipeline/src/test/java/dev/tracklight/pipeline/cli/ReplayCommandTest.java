package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.batching.SharedDetectionServices;
import dev.tracklight.pipeline.testing.VideoFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracklight replay} end to end through the CLI (embedded MiniCluster), and its bad input. */
class ReplayCommandTest {

  @TempDir
  Path tmp;

  @Test
  void sampledReplayWritesCompleteOutputsAtTheSampledRate() throws Exception {
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    CliRun run = CliRun.of("replay", video.toString(), "--out", tmp.toString(), "--fps", "4",
        "--classes", "dog");
    assertEquals(0, run.exitCode(), run.err());
    Path dir = tmp.resolve("dog_golden_retriever_swimming_360x204_h264");
    assertTrue(run.out().contains(dir.resolve("annotated.mp4").toString()), run.out());
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
    assertTrue(summary.get("complete").asBoolean());
    long frames = summary.get("frames").asLong();
    assertTrue(frames >= 134 && frames <= 138, "34 s at 4 fps: " + frames);
    assertEquals(frames, Files.readAllLines(dir.resolve("tracks.jsonl")).size());
    assertTrue(summary.get("tracks_per_class").has("dog"), summary.toString());
    assertEquals(1, summary.get("tracks_per_class").size(), "--classes dog keeps only dogs: " + summary);
    assertTrue(summary.get("parallelism").isInt(), "a number, as from the serial loop: " + summary);
    // The dog swims out of the 360x204 frame: its Kalman box does too, but no output shows that.
    for (String line : Files.readAllLines(dir.resolve("tracks.jsonl"))) {
      for (JsonNode t : new ObjectMapper().readTree(line).get("tracks")) {
        JsonNode b = t.get("box");
        assertTrue(b.get(0).asDouble() >= 0 && b.get(1).asDouble() >= 0 && b.get(2).asDouble() <= 360
            && b.get(3).asDouble() <= 204, "box outside the frame: " + line);
      }
    }
    for (String row : Files.readAllLines(dir.resolve("tracks.mot.txt"))) {
      String[] c = row.split(",");
      assertTrue(Double.parseDouble(c[2]) >= 0 && Double.parseDouble(c[3]) >= 0, row);
    }
    try (VideoReader annotated = VideoReader.open(dir.resolve("annotated.mp4"), VideoReadOptions.defaults())) {
      assertEquals(4.0, annotated.info().fps(), 1e-9);
    }
    // The CLI handed its loaded model to the job's subtasks; both leases are gone with the job.
    assertEquals(0, SharedDetectionServices.global().liveServices());
  }

  /**
   * A line rule is drawn into the annotated video, and {@code --no-draw-rules} leaves it out: the
   * column under the line differs from the source frame in most rows when drawn, and only where a
   * box or label crosses it when not.
   */
  @Test
  void ruleGeometryIsDrawnUnlessSwitchedOff() throws Exception {
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    Path rules = tmp.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - {type: line, name: mid, points: [[0.5, 0.0], [0.5, 1.0]]}\n");
    int[] changedRows = new int[2];
    for (int k = 0; k < 2; k++) {
      Path out = tmp.resolve(k == 0 ? "drawn" : "plain");
      List<String> args = new java.util.ArrayList<>(List.of("replay", video.toString(), "--out",
          out.toString(), "--fps", "2", "--rules", rules.toString()));
      if (k == 1) {
        args.add("--no-draw-rules");
      }
      CliRun run = CliRun.of(args.toArray(String[]::new));
      assertEquals(0, run.exitCode(), run.err());
      Path dir = out.resolve("dog_golden_retriever_swimming_360x204_h264");
      long source = new ObjectMapper().readTree(Files.readAllLines(dir.resolve("tracks.jsonl")).get(20))
          .get("frame").asLong();
      changedRows[k] = changedRows(VideoFrames.frame(dir.resolve("annotated.mp4"), 20),
          VideoFrames.frame(video, source), 180);
    }
    assertTrue(changedRows[0] > 150, "line drawn in " + changedRows[0] + " of 204 rows");
    assertTrue(changedRows[1] < 50, "--no-draw-rules: " + changedRows[1] + " rows changed");
  }

  /** Rows where column {@code x} of {@code a} differs clearly (> 40 in a channel) from {@code b}. */
  static int changedRows(BgrImage a, BgrImage b, int x) {
    int rows = 0;
    for (int y = 0; y < a.height(); y++) {
      int at = (y * a.width() + x) * 3;
      int max = 0;
      for (int c = 0; c < 3; c++) {
        max = Math.max(max, Math.abs((a.pixels()[at + c] & 0xFF) - (b.pixels()[at + c] & 0xFF)));
      }
      rows += max > 40 ? 1 : 0;
    }
    return rows;
  }

  @Test
  void badInputFailsBeforeTheJobStarts() throws Exception {
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "not a video\n".repeat(40));
    assertBadInput("not found", "replay", tmp.resolve("missing.mp4").toString(), "--out", tmp.toString());
    assertBadInput("not a video", "replay", text.toString(), "--out", tmp.toString());
    assertBadInput("is an image", "replay", TestAssets.file("images/dog.jpg").toString(), "--out", tmp.toString());
    assertBadInput("--fps", "replay", video.toString(), "--out", tmp.toString(), "--fps", "0");
    assertBadInput("--parallelism", "replay", video.toString(), "--out", tmp.toString(), "--parallelism", "0");
    assertBadInput("HOST:PORT", "replay", video.toString(), "--out", tmp.toString(), "--jobmanager", "nohostport");
    assertBadInput("--reel-seconds: reel length must be in [0, 86400] seconds", "replay", video.toString(),
        "--out", tmp.toString(), "--reel-seconds", "-1");
    assertBadInput("unknown class", "replay", video.toString(), "--out", tmp.toString(), "--classes", "unicorn");
    try (var left = Files.list(tmp)) {
      assertEquals(1, left.count(), "nothing written but the test's own file");
    }
    assertEquals(0, SharedDetectionServices.global().liveServices(), "no model left loaded");
  }

  private static void assertBadInput(String expected, String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine(), run.err());
    assertTrue(run.err().contains(expected), "expected '" + expected + "' in " + run.err());
  }
}
