package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.batching.SharedDetectionServices;
import java.nio.file.Files;
import java.nio.file.Path;
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
    try (VideoReader annotated = VideoReader.open(dir.resolve("annotated.mp4"), VideoReadOptions.defaults())) {
      assertEquals(4.0, annotated.info().fps(), 1e-9);
    }
    // The CLI handed its loaded model to the job's subtasks; both leases are gone with the job.
    assertEquals(0, SharedDetectionServices.global().liveServices());
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
