package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared MOT sequences under {@link TestAssets#root()}: tests fail when the data or a
 * file is missing.
 */
public final class MotTestData {

  private MotTestData() {}

  static Path sequence(String name) {
    Path dir = TestAssets.root().resolve("mot").resolve(name);
    assertTrue(Files.isRegularFile(dir.resolve("seqinfo.ini")), dir.resolve("seqinfo.ini") + " is missing");
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
