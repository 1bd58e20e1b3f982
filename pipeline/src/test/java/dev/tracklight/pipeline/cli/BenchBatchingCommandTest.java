package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code bench batching} rejects bad settings before it loads anything (the run itself is a benchmark). */
class BenchBatchingCommandTest {

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
  void rejectsNonPositiveRoundsFramesAndWindow() {
    assertRejected("rounds must be at least 1, got 0", "bench", "batching", "--rounds", "0");
    assertRejected("frames per camera must be at least 1, got 0", "bench", "batching",
        "--frames", "0");
    assertRejected("in-flight frames per camera must be at least 1, got -1", "bench", "batching",
        "--in-flight", "-1");
    assertRejected("--max-delay-ms must not be negative, got -5", "bench", "batching",
        "--max-delay-ms", "-5");
  }
}
