package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared MOT sequences through {@code TRACKLIGHT_ASSETS}: tests skip when the variable is
 * unset and fail when it is set but a file is missing.
 */
final class MotTestData {

  private MotTestData() {}

  static Path sequence(String name) {
    String assets = System.getenv("TRACKLIGHT_ASSETS");
    assumeTrue(assets != null && !assets.isBlank(), "TRACKLIGHT_ASSETS not set");
    Path dir = Path.of(assets, "mot", name);
    assertTrue(Files.isRegularFile(dir.resolve("seqinfo.ini")),
        "TRACKLIGHT_ASSETS is set but " + dir.resolve("seqinfo.ini") + " is missing");
    assertTrue(Files.isRegularFile(dir.resolve("gt/gt.txt")), dir + "/gt/gt.txt is missing");
    return dir;
  }

  /** det_norm.txt when present (MOT15 sets: raw ACF scores are not probabilities), else det.txt. */
  static Path detections(Path seqDir) {
    Path norm = seqDir.resolve("det/det_norm.txt");
    Path dets = Files.isRegularFile(norm) ? norm : seqDir.resolve("det/det.txt");
    assertTrue(Files.isRegularFile(dets), dets + " is missing");
    return dets;
  }
}
