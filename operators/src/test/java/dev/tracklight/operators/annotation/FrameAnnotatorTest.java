package dev.tracklight.operators.annotation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrameAnnotatorTest {

  private static final int W = 640;
  private static final int H = 360;
  private static final int GREY = 128;
  private static final int PERSON = 0;
  private static final int CAR = 2;

  @ParameterizedTest
  @EnumSource(AnnotationBackend.class)
  void boxEdgesTakeTheClassColourAndTheInsideStaysUntouched(AnnotationBackend backend) {
    BgrImage frame = grey();
    try (FrameAnnotator annotator = annotator(AnnotationStyle.defaults().withLineThickness(3), backend)) {
      annotator.annotate(frame, Detections.of(new float[] {100, 100, 300, 250}, new float[] {0.9f},
          new int[] {CAR}));
    }
    int expected = TrackColors.forClass(CAR);
    for (int[] edge : new int[][] {{100, 175}, {102, 175}, {300, 175}, {298, 200}, {200, 250}, {200, 100}}) {
      assertEquals(expected, rgbAt(frame, edge[0], edge[1]), backend + " edge " + Arrays.toString(edge));
    }
    assertEquals(greyRgb(), rgbAt(frame, 104, 175), "thickness 3 grows inwards only");
    assertEquals(greyRgb(), rgbAt(frame, 200, 175), "inside");
    assertEquals(greyRgb(), rgbAt(frame, 99, 175), "outside");
    assertEquals(greyRgb(), rgbAt(frame, 500, 300), "far away");
  }

  @ParameterizedTest
  @EnumSource(AnnotationBackend.class)
  void aTrackKeepsItsColourAcrossFramesWhateverItsClass(AnnotationBackend backend) {
    try (FrameAnnotator annotator = annotator(AnnotationStyle.defaults().withoutLabels(), backend)) {
      int[] seen = new int[3];
      for (int f = 0; f < 3; f++) {
        BgrImage frame = grey();
        float x = 50 + 100 * f;
        annotator.annotate(frame, Detections.of(new float[] {x, 50, x + 80, 200},
            new float[] {0.8f}, new int[] {f == 1 ? CAR : PERSON}, new int[] {7}));
        seen[f] = rgbAt(frame, (int) x, 120);
      }
      assertEquals(TrackColors.forTrack(7), seen[0]);
      assertEquals(seen[0], seen[1]);
      assertEquals(seen[0], seen[2]);
    }
  }

  @Test
  void trackColoursAreDeterministicAndSpread() {
    Set<Integer> colours = new HashSet<>();
    for (int id = 1; id <= 20; id++) {
      assertEquals(TrackColors.forTrack(id), TrackColors.forTrack(id));
      colours.add(TrackColors.forTrack(id));
    }
    assertTrue(colours.size() >= 10, "20 consecutive ids share only " + colours.size() + " colours");
    assertNotEquals(TrackColors.forTrack(1), TrackColors.forTrack(2));
  }

  @ParameterizedTest
  @EnumSource(AnnotationBackend.class)
  void blurredClassesLoseDetail(AnnotationBackend backend) {
    BgrImage frame = noise(42);
    BgrImage original = frame.copy();
    AnnotationStyle style = AnnotationStyle.defaults().withoutLabels().withBlur(Set.of(PERSON), 15);
    try (FrameAnnotator annotator = annotator(style, backend)) {
      annotator.annotate(frame, Detections.of(new float[] {100, 100, 300, 300, 400, 100, 600, 300},
          new float[] {0.9f, 0.9f}, new int[] {PERSON, CAR}));
    }
    // Inside the person box (away from the outline) variance collapses; the car box is not blurred.
    double before = variance(original, 110, 110, 290, 290);
    double after = variance(frame, 110, 110, 290, 290);
    assertTrue(after < before / 20, backend + ": variance " + before + " -> " + after);
    assertEquals(variance(original, 410, 110, 590, 290), variance(frame, 410, 110, 590, 290), 1e-9);
    assertEquals(variance(original, 0, 320, 640, 360), variance(frame, 0, 320, 640, 360), 1e-9);
  }

  @Test
  void bothBackendsBlurAlike() {
    BgrImage java2d = noise(7);
    BgrImage opencv = java2d.copy();
    AnnotationStyle style = AnnotationStyle.defaults().withoutLabels().withBlur(Set.of(PERSON), 9);
    Detections person = Detections.of(new float[] {50, 60, 250, 300}, new float[] {1}, new int[] {PERSON});
    try (FrameAnnotator a = annotator(style, AnnotationBackend.JAVA2D);
        FrameAnnotator b = annotator(style, AnnotationBackend.OPENCV)) {
      a.annotate(java2d, person);
      b.annotate(opencv, person);
    }
    int maxDiff = 0;
    for (int y = 70; y < 290; y++) {
      for (int x = 60; x < 240; x++) {
        for (int c = 0; c < 3; c++) {
          int at = (y * W + x) * 3 + c;
          maxDiff = Math.max(maxDiff, Math.abs((java2d.pixels()[at] & 0xFF) - (opencv.pixels()[at] & 0xFF)));
        }
      }
    }
    assertTrue(maxDiff <= 2, "blur results differ by up to " + maxDiff);
  }

  @ParameterizedTest
  @EnumSource(AnnotationBackend.class)
  void labelsRenderAboveTheBox(AnnotationBackend backend) {
    Detections tracked = Detections.of(new float[] {200, 150, 400, 300}, new float[] {0.87f},
        new int[] {PERSON}, new int[] {12});
    BgrImage withLabels = grey();
    BgrImage withoutLabels = grey();
    try (FrameAnnotator a = annotator(AnnotationStyle.defaults(), backend);
        FrameAnnotator b = annotator(AnnotationStyle.defaults().withoutLabels(), backend)) {
      a.annotate(withLabels, tracked);
      b.annotate(withoutLabels, tracked);
    }
    // The label band sits just above the box's top-left corner, filled with the track colour and
    // carrying (antialiased) text: pixels that are neither background nor band colour.
    int labelColour = TrackColors.forTrack(12);
    int band = 0;
    int textPixels = 0;
    for (int y = 110; y < 150; y++) {
      for (int x = 200; x < 320; x++) {
        int rgb = rgbAt(withLabels, x, y);
        band += rgb == labelColour ? 1 : 0;
        textPixels += rgb != labelColour && rgb != greyRgb() ? 1 : 0;
        assertEquals(greyRgb(), rgbAt(withoutLabels, x, y));
      }
    }
    assertTrue(band > 1500, backend + ": label background pixels " + band);
    assertTrue(textPixels > 50, backend + ": text pixels " + textPixels);
  }

  @Test
  void labelTextFollowsTheStyle() {
    Detections d = Detections.of(new float[] {0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10},
        new float[] {0.873f, 0.5f, 1.0f}, new int[] {PERSON, CAR, 99},
        new int[] {12, Detections.NO_TRACK, 4});
    AnnotationStyle all = AnnotationStyle.defaults();
    try (FrameAnnotator a = annotator(all, AnnotationBackend.JAVA2D);
        FrameAnnotator noScore = annotator(new AnnotationStyle(2, 0.6, true, true, false, true, 0,
            Set.of(), 3), AnnotationBackend.JAVA2D);
        FrameAnnotator nothing = annotator(new AnnotationStyle(2, 0.6, true, false, false, false, 0,
            Set.of(), 3), AnnotationBackend.JAVA2D)) {
      assertEquals("#12 person 0.87", a.labelText(d, 0));
      assertEquals("car 0.50", a.labelText(d, 1));
      assertEquals("#4 class99 1.00", a.labelText(d, 2));
      assertEquals("#12 person", noScore.labelText(d, 0));
      assertEquals("car", noScore.labelText(d, 1));
      assertEquals("", nothing.labelText(d, 0));
    }
  }

  @ParameterizedTest
  @EnumSource(AnnotationBackend.class)
  void trailsFollowTheTrackAndStaleTracksAreEvicted(AnnotationBackend backend) {
    AnnotationStyle style = AnnotationStyle.defaults().withoutLabels().withTrailLength(10);
    try (FrameAnnotator annotator = annotator(style, backend)) {
      BgrImage frame = null;
      for (int f = 0; f < 8; f++) { // centre moves right along y = 180, from x = 100 to 380
        frame = grey();
        float cx = 100 + 40 * f;
        annotator.annotate(frame, Detections.of(new float[] {cx - 20, 160, cx + 20, 200},
            new float[] {0.9f}, new int[] {PERSON}, new int[] {3}));
      }
      int colour = TrackColors.forTrack(3);
      for (int x = 120; x < 330; x += 10) { // the path behind the current box
        assertEquals(colour, rgbAt(frame, x, 180), backend + " trail at x=" + x);
      }
      assertEquals(greyRgb(), rgbAt(frame, 200, 170), "trail is a thin line");
      assertEquals(1, annotator.rememberedTracks());
      for (int f = 0; f < 10; f++) {
        annotator.annotate(grey(), Detections.empty());
      }
      assertEquals(0, annotator.rememberedTracks(), "unseen for trailLength frames: evicted");
    }
  }

  @Test
  void trailsCanBeSwitchedOff() {
    AnnotationStyle style = AnnotationStyle.defaults().withoutLabels().withTrailLength(0);
    try (FrameAnnotator annotator = annotator(style, AnnotationBackend.JAVA2D)) {
      BgrImage frame = null;
      for (int f = 0; f < 5; f++) {
        frame = grey();
        float cx = 100 + 40 * f;
        annotator.annotate(frame, Detections.of(new float[] {cx - 20, 160, cx + 20, 200},
            new float[] {0.9f}, new int[] {PERSON}, new int[] {3}));
      }
      assertEquals(greyRgb(), rgbAt(frame, 150, 180));
    }
  }

  @ParameterizedTest
  @EnumSource(AnnotationBackend.class)
  void boxesOutsideOrBrokenAreClippedOrSkipped(AnnotationBackend backend) {
    BgrImage frame = grey();
    Detections odd = Detections.of(new float[] {
        -50, -50, 100, 100, // partly outside: clipped
        600, 300, 900, 500, // partly outside bottom-right
        700, 10, 800, 50, // entirely outside
        50, 50, 40, 40, // inverted
        Float.NaN, 0, 10, 10}, // NaN
        new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, new int[] {0, 0, 0, 0, 0});
    BgrImage untouched = grey();
    try (FrameAnnotator annotator = annotator(AnnotationStyle.defaults().withBlur(Set.of(0), 5), backend)) {
      annotator.annotate(frame, odd);
      annotator.annotate(untouched, Detections.empty());
    }
    assertEquals(TrackColors.forClass(0), rgbAt(frame, 100, 50));
    assertEquals(TrackColors.forClass(0), rgbAt(frame, 639, 330));
    assertArrayEquals(grey().pixels(), untouched.pixels(), "no detections: nothing drawn");
  }

  @Test
  void badStyleValuesAreRejected() {
    AnnotationStyle ok = AnnotationStyle.defaults();
    for (Supplier<AnnotationStyle> bad : java.util.List.<Supplier<AnnotationStyle>>of(
        () -> ok.withLineThickness(0),
        () -> ok.withLineThickness(AnnotationStyle.MAX_THICKNESS + 1),
        () -> ok.withFontScale(0),
        () -> ok.withFontScale(Double.NaN),
        () -> ok.withFontScale(9),
        () -> ok.withTrailLength(-1),
        () -> ok.withTrailLength(AnnotationStyle.MAX_TRAIL_LENGTH + 1),
        () -> ok.withBlur(Set.of(0), 4),
        () -> ok.withBlur(Set.of(0), 1),
        () -> ok.withBlur(Set.of(-3), 9))) {
      InvalidInputException e = assertThrows(InvalidInputException.class, bad::get);
      assertTrue(e.getMessage().contains("got"), e.getMessage());
    }
  }

  private static FrameAnnotator annotator(AnnotationStyle style, AnnotationBackend backend) {
    return FrameAnnotator.create(style, ClassNames.COCO, backend);
  }

  private static BgrImage grey() {
    BgrImage image = BgrImage.allocate(W, H);
    Arrays.fill(image.pixels(), (byte) GREY);
    return image;
  }

  private static BgrImage noise(long seed) {
    BgrImage image = BgrImage.allocate(W, H);
    new Random(seed).nextBytes(image.pixels());
    return image;
  }

  private static int greyRgb() {
    return GREY << 16 | GREY << 8 | GREY;
  }

  private static int rgbAt(BgrImage image, int x, int y) {
    int at = (y * image.width() + x) * 3;
    byte[] p = image.pixels();
    return (p[at + 2] & 0xFF) << 16 | (p[at + 1] & 0xFF) << 8 | (p[at] & 0xFF);
  }

  /** Mean per-channel variance over [x1, x2) x [y1, y2). */
  private static double variance(BgrImage image, int x1, int y1, int x2, int y2) {
    double total = 0;
    for (int c = 0; c < 3; c++) {
      double sum = 0;
      double sumSq = 0;
      int n = 0;
      for (int y = y1; y < y2; y++) {
        for (int x = x1; x < x2; x++) {
          int v = image.pixels()[(y * image.width() + x) * 3 + c] & 0xFF;
          sum += v;
          sumSq += (double) v * v;
          n++;
        }
      }
      double mean = sum / n;
      total += sumSq / n - mean * mean;
    }
    return total / 3;
  }
}
