package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.TestAssets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench clips}: bad settings fail with one line; a run on a small video writes its JSON. */
class BenchClipsCommandTest {

  @Test
  void rejectsBadRoundsAndAMissingVideo(@TempDir Path dir) {
    CliRun rounds = CliRun.of("bench", "clips", "--rounds", "0", "--video", "x.mp4");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, rounds.exitCode(), rounds.err());
    assertTrue(rounds.errIsOneLine() && rounds.err().contains("--rounds must be at least 1, got 0"), rounds.err());
    CliRun missing = CliRun.of("bench", "clips", "--video", dir.resolve("none.mp4").toString(),
        "--out", dir.resolve("b.json").toString());
    assertEquals(TracklightMain.EXIT_BAD_INPUT, missing.exitCode(), missing.err());
    assertTrue(missing.errIsOneLine(), missing.err());
  }

  @Test
  void measuresASmallVideo(@TempDir Path dir) throws Exception {
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    Path out = dir.resolve("bench-clips.json");
    CliRun run = CliRun.of("bench", "clips", "--video", video.toString(), "--rounds", "1",
        "--out", out.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertEquals(816 - 40, json.get("frames_measured").asInt());
    assertTrue(json.at("/per_frame/total_ms/p50").asDouble() > 0, json.toString());
    // 10 s at 24000/1001 fps: frames 0..239 (9.968 s) shown at their mean spacing, 42 ms.
    JsonNode clip = json.at("/clip_write/clip_10s_all_frames");
    assertEquals(240, clip.get("frames").asInt(), clip.toString());
    assertEquals(24000 / 1001.0, clip.get("frame_rate").asDouble(), 1e-9);
    JsonNode fifth = json.at("/clip_write/clip_10s_every_5th_frame");
    assertEquals(48, fifth.get("frames").asInt(), fifth.toString()); // 9.97 s at 4.795 fps
    assertEquals(4.795, fifth.get("frame_rate").asDouble(), 1e-9);
  }
}
