package dev.tracklight.connectors.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracklight.connectors.video.VideoClipper;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.highlights.Highlight;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of {@link HighlightMedia}: reel choice, file names, options. */
class HighlightMediaTest {

  private static VideoClipper.Clip clip(long startMs, long endMs) {
    return new VideoClipper.Clip(Path.of("c" + startMs + ".mp4"), startMs, endMs, (endMs - startMs) / 100);
  }

  @Test
  void reelTakesTheBestClipsThatFitAndPlaysThemInTimeOrder() {
    // Ranked best first: 30 s at 90 s, 25 s at 10 s, 20 s at 50 s (does not fit), 5 s at 200 s.
    List<VideoClipper.Clip> ranked = List.of(clip(90_000, 120_000), clip(10_000, 35_000),
        clip(50_000, 70_000), clip(200_000, 205_000));
    assertEquals(List.of(1, 0, 3), HighlightMedia.reelOrder(ranked, 60_000));
    assertEquals(List.of(1, 0), HighlightMedia.reelOrder(ranked, 55_000), "exactly full");
    assertEquals(List.of(3), HighlightMedia.reelOrder(ranked, 10_000), "only the short one fits");
    assertEquals(List.of(), HighlightMedia.reelOrder(ranked, 0), "0 = no reel");
    assertEquals(List.of(), HighlightMedia.reelOrder(List.of(), 60_000));
  }

  @Test
  void fileStemsAreSafeVisibleNames() {
    assertEquals("lobby-6300-19500", HighlightMedia.fileStem("lobby-6300-19500"));
    assertEquals("my_video__1_-0-2000", HighlightMedia.fileStem("my video (1)-0-2000"));
    assertEquals("_.hidden-0-1", HighlightMedia.fileStem(".hidden-0-1"));
    assertEquals("_.._.._-0-1", HighlightMedia.fileStem("../../-0-1"), "no separator, not hidden");
    assertEquals(200, HighlightMedia.fileStem("x".repeat(300)).length());
  }

  @Test
  void duplicateIdsAndBadOptionsAreRejected() {
    Highlight h = new Highlight("cam-0-1000", "cam", 0, 1, 0.5, List.of("r"), List.of(), List.of(), 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HighlightMedia.write(
        Path.of("unused.mp4"), List.of(h, h), f -> f, HighlightMediaOptions.defaults(), Path.of("unused"),
        System::nanoTime));
    assertEquals("two highlights share the id cam-0-1000; expected unique ids (they name the clip files)",
        e.getMessage());
    assertEquals("reel length must be in [0, 86400] seconds (0 = no reel), got -1.0",
        assertThrows(InvalidInputException.class,
            () -> HighlightMediaOptions.defaults().withReelSeconds(-1)).getMessage());
    assertThrows(InvalidInputException.class, () -> HighlightMediaOptions.defaults().withReelSeconds(Double.NaN));
    assertThrows(InvalidInputException.class, () -> new HighlightMediaOptions(60, 0));
    assertEquals(60_000, HighlightMediaOptions.defaults().reelBudgetMs());
  }
}
