package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code bench replay} rejects bad settings before it loads anything (the run itself is a benchmark). */
class BenchReplayCommandTest {

  private static void assertRejected(String expectedMessagePart, String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine(), run.err());
    // Without TRACKLIGHT_ASSETS the command stops earlier, at the missing data.
    boolean assetsSet = System.getenv("TRACKLIGHT_ASSETS") != null
        && !System.getenv("TRACKLIGHT_ASSETS").isBlank();
    String expected = assetsSet ? expectedMessagePart : "TRACKLIGHT_ASSETS is not set";
    assertTrue(run.err().contains(expected), run.err());
  }

  @Test
  void rejectsBadRoundsCachedFramesAndVideo() {
    assertRejected("--rounds must be at least 1, got 0", "bench", "replay", "--rounds", "0");
    assertRejected("--cached-frames must be at least 1, got 0", "bench", "replay", "--cached-frames", "0");
    // An explicit --video needs no TRACKLIGHT_ASSETS to be checked.
    CliRun run = CliRun.of("bench", "replay", "--video", "no-such.mp4");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine(), run.err());
    assertTrue(run.err().contains("video no-such.mp4 does not exist; expected a video file"), run.err());
  }
}
