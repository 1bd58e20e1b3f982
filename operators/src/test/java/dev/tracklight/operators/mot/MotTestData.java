package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared MOT sequences through {@code TRACKLIGHT_ASSETS} (default {@code ../shared/data}
 * next to the repository): tests fail when the data or a file is missing.
 */
public final class MotTestData {

  private MotTestData() {}

  static Path sequence(String name) {
    Path dir = root().resolve("mot").resolve(name);
    assertTrue(Files.isRegularFile(dir.resolve("seqinfo.ini")), dir.resolve("seqinfo.ini") + " is missing");
    assertTrue(Files.isRegularFile(dir.resolve("gt/gt.txt")), dir + "/gt/gt.txt is missing");
    return dir;
  }

  /**
   * The assets root: {@code $TRACKLIGHT_ASSETS}, else {@code ../shared/data} next to the repository
   * (where CI keeps it, and what the build passes to tests when the variable is unset). Missing data
   * fails the test with one line saying where it was looked for: a data test that skips would let
   * {@code ./mvnw verify} pass without testing anything.
   */
  public static Path root() {
    String dir = System.getenv("TRACKLIGHT_ASSETS");
    if (dir != null && !dir.isBlank()) {
      Path root = Path.of(dir);
      assertTrue(Files.isDirectory(root), "TRACKLIGHT_ASSETS=" + dir + " is not a directory;"
          + " expected the shared test data (models/, videos/, images/, mot/)");
      return root;
    }
    Path repo = Path.of("").toAbsolutePath();
    while (repo != null && !(Files.isRegularFile(repo.resolve("mvnw")) && Files.isDirectory(repo.resolve("pipeline")))) {
      repo = repo.getParent();
    }
    Path fallback = repo == null ? null : repo.resolve("../shared/data").normalize();
    if (fallback == null || !Files.isDirectory(fallback)) {
      fail("TRACKLIGHT_ASSETS is not set and " + (fallback == null ? "../shared/data next to the"
          + " repository" : fallback.toString()) + " does not exist; expected the shared test data"
          + " there, or TRACKLIGHT_ASSETS pointing at it");
    }
    return fallback;
  }

  /** det_norm.txt when present (MOT15 sets: raw ACF scores are not probabilities), else det.txt. */
  static Path detections(Path seqDir) {
    Path norm = seqDir.resolve("det/det_norm.txt");
    Path dets = Files.isRegularFile(norm) ? norm : seqDir.resolve("det/det.txt");
    assertTrue(Files.isRegularFile(dets), dets + " is missing");
    return dets;
  }
}
