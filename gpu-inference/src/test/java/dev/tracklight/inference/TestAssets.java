package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data under {@code $TRACKLIGHT_ASSETS} (default {@code ../shared/data} next to the
 * repository). Tests fail when it or a file they need is missing (a broken checkout must not look
 * green).
 */
public final class TestAssets {

  private TestAssets() {}

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

  /** A file under the assets root that must exist. */
  public static Path file(String relative) {
    Path p = root().resolve(relative);
    assertTrue(Files.isRegularFile(p), "missing test asset " + p);
    return p;
  }
}
