package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.pipeline.testing.VideoFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --blur person}: no sharp patch of a person box reaches the annotated video (and so
 * its clips, stream-copied from it, and the reel, their concatenation). The same replay without
 * --blur is the control: its frames show where boxes, labels and trails are drawn (those pixels
 * are overlays, blurred or not), and its patches must be sharp where the blurred run's are not, so
 * the check cannot pass on a video whose people are flat anyway.
 */
class ReplayBlurTest {

  @TempDir
  Path tmp;

  /** Patches of PATCH x PATCH px inside person boxes (inset by INSET px: box edges are drawn). */
  static final int PATCH = 8;
  static final int INSET = 4;

  @Test
  void personBoxesAreBlurredInEveryAnnotatedFrame() throws Exception {
    Path video = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    Path blurred = replay(video, "blurred", "--blur", "person");
    Path control = replay(video, "control");
    List<String> lines = Files.readAllLines(blurred.resolve("tracks.jsonl"));
    assertEquals(lines, Files.readAllLines(control.resolve("tracks.jsonl")), "same tracks in both runs");
    ObjectMapper json = new ObjectMapper();
    int textured = 0;
    int stillSharp = 0;
    int controlSharp = 0;
    List<String> failures = new java.util.ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = json.readTree(lines.get(i));
      BgrImage source = VideoFrames.frame(video, line.get("frame").asLong());
      BgrImage withBlur = VideoFrames.frame(blurred.resolve("annotated.mp4"), i);
      BgrImage without = VideoFrames.frame(control.resolve("annotated.mp4"), i);
      for (JsonNode t : line.get("tracks")) {
        if (!t.get("class").asText().equals("person")) {
          continue;
        }
        JsonNode b = t.get("box");
        int x1 = (int) Math.ceil(b.get(0).asDouble()) + INSET;
        int y1 = (int) Math.ceil(b.get(1).asDouble()) + INSET;
        int x2 = (int) Math.floor(b.get(2).asDouble()) - INSET;
        int y2 = (int) Math.floor(b.get(3).asDouble()) - INSET;
        for (int py = Math.max(0, y1); py + PATCH <= Math.min(y2, source.height()); py += PATCH) {
          for (int px = Math.max(0, x1); px + PATCH <= Math.min(x2, source.width()); px += PATCH) {
            double src = std(source, px, py);
            // A patch counts if the source has texture there and the control drew nothing on it
            // (the control equals the source up to codec noise).
            if (src < 12 || overlaid(without, source, px, py)) {
              continue;
            }
            textured++;
            controlSharp += correlation(without, source, px, py) > 0.8
                && detail(without, px, py) / detail(source, px, py) > 0.5 ? 1 : 0;
            // The source's detail in the patch: an unblurred patch follows it (correlation near 1
            // even through codec noise); a 31 px blur leaves at most a smooth ramp of it.
            // A blurred strong edge stays a (curved) ramp that correlates with the source: what a
            // blur cannot keep is the detail's energy.
            double r = correlation(withBlur, source, px, py);
            double kept = detail(withBlur, px, py) / detail(source, px, py);
            if (r > 0.6 && kept > 0.35) {
              stillSharp++;
              if (failures.size() < 5) {
                failures.add(String.format(java.util.Locale.ROOT, "frame %d track %d patch (%d,%d) std %.1f r %.2f kept %.2f",
                    i, t.get("id").asInt(), px, py, src, r, kept));
              }
            }
          }
        }
      }
    }
    assertTrue(textured > 200, "textured person patches checked: " + textured);
    assertTrue(controlSharp > 0.7 * textured, "the control keeps them sharp: " + controlSharp + "/" + textured);
    assertEquals(0, stillSharp, "sharp person patches in the blurred video, of " + textured + ": " + failures);
  }

  private Path replay(Path video, String name, String... extra) {
    Path out = tmp.resolve(name);
    List<String> args = new java.util.ArrayList<>(List.of("replay", video.toString(), "--out", out.toString(),
        "--fps", "1", "--classes", "person", "--reel-seconds", "0"));
    args.addAll(List.of(extra));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertEquals(0, run.exitCode(), run.err());
    return out.resolve("people_walking_overhead_720p");
  }

  /**
   * Pearson correlation of the grey values of the same patch in two images, after removing each
   * patch's best-fit plane: a blur keeps a patch's gradient, so a plane is not "detail".
   */
  static double correlation(BgrImage a, BgrImage b, int x0, int y0) {
    double[] pa = detrended(a, x0, y0);
    double[] pb = detrended(b, x0, y0);
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int k = 0; k < pa.length; k++) {
      ab += pa[k] * pb[k];
      aa += pa[k] * pa[k];
      bb += pb[k] * pb[k];
    }
    return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
  }

  /** The patch's grey values minus their least-squares plane g = c + u x + v y. */
  static double[] detrended(BgrImage im, int x0, int y0) {
    int n = PATCH * PATCH;
    double[] g = new double[n];
    double mean = 0;
    double sx = 0;
    double sy = 0;
    double c = (PATCH - 1) / 2.0;
    double var = 0;
    for (int k = 0; k < n; k++) {
      int x = x0 + k % PATCH;
      int y = y0 + k / PATCH;
      int at = (y * im.width() + x) * 3;
      g[k] = ((im.pixels()[at] & 0xFF) + (im.pixels()[at + 1] & 0xFF) + (im.pixels()[at + 2] & 0xFF)) / 3.0;
      mean += g[k] / n;
    }
    for (int k = 0; k < n; k++) {
      double dx = k % PATCH - c;
      double dy = k / PATCH - c;
      sx += (g[k] - mean) * dx;
      sy += (g[k] - mean) * dy;
      var += dx * dx;
    }
    for (int k = 0; k < n; k++) {
      g[k] -= mean + sx / var * (k % PATCH - c) + sy / var * (k / PATCH - c);
    }
    return g;
  }

  /** Root-mean-square of the patch's detail (its grey values minus their plane). */
  static double detail(BgrImage im, int x0, int y0) {
    double sq = 0;
    for (double v : detrended(im, x0, y0)) {
      sq += v * v;
    }
    return Math.sqrt(sq / (PATCH * PATCH));
  }

  /** Standard deviation of the grey values of a patch. */
  static double std(BgrImage im, int x0, int y0) {
    double sum = 0;
    double sq = 0;
    for (int y = y0; y < y0 + PATCH; y++) {
      for (int x = x0; x < x0 + PATCH; x++) {
        int at = (y * im.width() + x) * 3;
        double g = ((im.pixels()[at] & 0xFF) + (im.pixels()[at + 1] & 0xFF) + (im.pixels()[at + 2] & 0xFF)) / 3.0;
        sum += g;
        sq += g * g;
      }
    }
    int n = PATCH * PATCH;
    return Math.sqrt(Math.max(0, sq / n - (sum / n) * (sum / n)));
  }

  /**
   * Whether the control drew anything on the patch or next to it (2 px: anti-aliased edges):
   * somewhere a channel differs from the source by more than 25.
   */
  static boolean overlaid(BgrImage control, BgrImage source, int x0, int y0) {
    return maxDiff(control, source, x0, y0, 2) > 25;
  }

  static int maxDiff(BgrImage a, BgrImage b, int x0, int y0, int margin) {
    int max = 0;
    for (int y = Math.max(0, y0 - margin); y < Math.min(a.height(), y0 + PATCH + margin); y++) {
      for (int x = Math.max(0, x0 - margin); x < Math.min(a.width(), x0 + PATCH + margin); x++) {
        int at = (y * a.width() + x) * 3;
        for (int c = 0; c < 3; c++) {
          max = Math.max(max, Math.abs((a.pixels()[at + c] & 0xFF) - (b.pixels()[at + c] & 0xFF)));
        }
      }
    }
    return max;
  }
}
