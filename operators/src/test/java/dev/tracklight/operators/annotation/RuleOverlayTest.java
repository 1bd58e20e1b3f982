package dev.tracklight.operators.annotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.highlights.NormalizedPoint;
import dev.tracklight.operators.highlights.RuleKind;
import dev.tracklight.operators.highlights.RuleState;
import dev.tracklight.inference.TestAssets;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rule geometry, counts and alert state drawn by {@link FrameAnnotator}, and labels that never hide
 * each other, on a real photo (ten people standing close together, COCO val2017 #1000) with its
 * reference YOLOX detections.
 */
class RuleOverlayTest {

  private static final String IMAGE = "coco_val2017_000000001000.jpg";

  /** A zone over the left half (at rest, two inside) and an alerting line at x = 0.75. */
  private static final List<RuleState> RULES = List.of(
      new RuleState("left", RuleKind.ZONE, List.of(new NormalizedPoint(0.05, 0.1),
          new NormalizedPoint(0.5, 0.1), new NormalizedPoint(0.5, 0.9), new NormalizedPoint(0.05, 0.9)),
          2, 0, 0, false),
      new RuleState("door", RuleKind.LINE, List.of(new NormalizedPoint(0.75, 0.0),
          new NormalizedPoint(0.75, 1.0)), 0, 3, 1, true),
      new RuleState("arrivals", RuleKind.APPEARANCE, List.of(), 0, 0, 0, true));

  @ParameterizedTest
  @EnumSource(AnnotationBackend.class)
  void drawsZonesLinesCountsAndAlertsAndNoLabelHidesAnother(AnnotationBackend backend) throws IOException {
    BgrImage photo = photo();
    Detections dets = referenceDetections();
    int w = photo.width();
    int h = photo.height();

    BgrImage plain = photo.copy();
    try (FrameAnnotator a = FrameAnnotator.create(AnnotationStyle.defaults().withRules(false),
        ClassNames.COCO, backend)) {
      a.annotate(plain, dets, RULES);
    }
    BgrImage drawn = photo.copy();
    List<int[]> labels;
    try (FrameAnnotator a = FrameAnnotator.create(AnnotationStyle.defaults(), ClassNames.COCO, backend)) {
      a.annotate(drawn, dets, RULES);
      labels = a.lastLabelRects();
    }

    // The line (alerting: red) runs down x = 0.75 w; the zone's left edge (at rest: cyan) at 0.05 w.
    int lineX = Math.round(0.75f * w);
    int zoneX = Math.round(0.05f * w);
    int lineRows = 0;
    int zoneRows = 0;
    for (int y = 0; y < h; y++) {
      lineRows += rgb(drawn, lineX, y) == FrameAnnotator.ALERT_RGB ? 1 : 0;
      zoneRows += rgb(drawn, zoneX, y) == FrameAnnotator.ZONE_RGB ? 1 : 0;
      assertNotEquals(FrameAnnotator.ALERT_RGB, rgb(plain, lineX, y), "switched off: no line");
    }
    // Boxes and labels cross them in places; most of each stays visible.
    assertTrue(lineRows > h / 2, "line pixels " + lineRows);
    assertTrue(zoneRows > h / 2, "zone pixels " + zoneRows);

    // Labels: the banners of the two alerting rules, the zone's and the line's, one per box.
    assertEquals(2 + 2 + dets.size(), labels.size());
    for (int i = 0; i < labels.size(); i++) {
      int[] a = labels.get(i);
      assertTrue(a[0] >= 0 && a[1] >= 0 && a[0] + a[2] <= w && a[1] + a[3] <= h,
          "label " + Arrays.toString(a) + " leaves the frame");
      for (int j = 0; j < i; j++) {
        assertFalse(overlap(a, labels.get(j)), "labels " + Arrays.toString(labels.get(j))
            + " and " + Arrays.toString(a) + " overlap");
      }
    }
    // The banner is red at the top-left; the photo has people's labels that would have collided.
    assertEquals(FrameAnnotator.ALERT_RGB, rgb(drawn, 1, 1));
    assertTrue(naiveOverlaps(labels.subList(4, labels.size()), dets) > 0,
        "the photo must put labels on top of each other when placed naively, else this proves nothing");
  }

  /** Overlapping pairs if every box label sat right above its box (the placement before moving). */
  private static int naiveOverlaps(List<int[]> placed, Detections dets) {
    int n = 0;
    for (int i = 0; i < dets.size(); i++) {
      int[] a = naive(placed.get(i), dets, i);
      for (int j = 0; j < i; j++) {
        n += overlap(a, naive(placed.get(j), dets, j)) ? 1 : 0;
      }
    }
    return n;
  }

  private static int[] naive(int[] rect, Detections d, int i) {
    int x = Math.round(d.x1(i));
    int y = Math.round(d.y1(i)) - rect[3];
    return new int[] {x, y < 0 ? Math.round(d.y1(i)) : y, rect[2], rect[3]};
  }

  private static boolean overlap(int[] a, int[] b) {
    return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
  }

  private static BgrImage photo() throws IOException {
    BufferedImage img = ImageIO.read(TestAssets.root().resolve("images").resolve(IMAGE).toFile());
    BgrImage out = BgrImage.allocate(img.getWidth(), img.getHeight());
    byte[] p = out.pixels();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int at = (y * img.getWidth() + x) * 3;
        p[at] = (byte) rgb;
        p[at + 1] = (byte) (rgb >> 8);
        p[at + 2] = (byte) (rgb >> 16);
      }
    }
    return out;
  }

  private static Detections referenceDetections() throws IOException {
    Path ref = TestAssets.root().resolve("reference/yolox_nano_reference_detections.json");
    JsonNode list = new ObjectMapper().readTree(ref.toFile()).path("images").path(IMAGE).path("detections");
    int n = list.size();
    float[] boxes = new float[4 * n];
    float[] scores = new float[n];
    int[] classes = new int[n];
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      JsonNode d = list.get(i);
      for (int k = 0; k < 4; k++) {
        boxes[4 * i + k] = (float) d.path("box").get(k).asDouble();
      }
      scores[i] = (float) d.path("score").asDouble();
      classes[i] = ClassNames.COCO.idOf(d.path("class").asText());
      ids[i] = i + 1;
    }
    return Detections.of(boxes, scores, classes, ids);
  }

  private static int rgb(BgrImage image, int x, int y) {
    int at = (y * image.width() + x) * 3;
    byte[] p = image.pixels();
    return (p[at + 2] & 0xFF) << 16 | (p[at + 1] & 0xFF) << 8 | (p[at] & 0xFF);
  }
}
