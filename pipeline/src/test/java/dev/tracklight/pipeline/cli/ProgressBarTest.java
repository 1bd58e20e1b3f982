package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Redraw throttling of {@link ProgressBar}, with elapsed time passed in (no clock involved). */
class ProgressBarTest {

  private final StringWriter out = new StringWriter();
  private final ProgressBar bar = new ProgressBar(new PrintWriter(out, true), "replay");

  private long draws() {
    return out.toString().chars().filter(c -> c == '\r').count();
  }

  @Test
  void drawsAtOnceThenAtMostFourTimesASecond() {
    bar.update(0, 100, 0);
    assertEquals(1, draws(), "the first update draws");
    bar.update(1, 100, 100_000_000L);
    assertEquals(1, draws(), "within 250 ms of the last draw");
    bar.update(10, 100, 250_000_000L);
    assertEquals(2, draws());
    assertTrue(out.toString().contains("10/100 frames"), out.toString());
  }

  @Test
  void theLastUpdateAlwaysDrawsAndEndsTheLine() {
    bar.update(50, 100, 0);
    bar.update(100, 100, 1_000L);
    assertEquals(2, draws());
    assertTrue(out.toString().endsWith(System.lineSeparator()), out.toString());
  }
}
