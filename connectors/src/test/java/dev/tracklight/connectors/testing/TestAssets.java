package dev.tracklight.connectors.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data under {@code $TRACKLIGHT_ASSETS} (default {@code ../shared/data} next to the
 * repository). Tests fail when it or a file is missing (a broken checkout must not pass silently).
 */
public final class TestAssets {

  public static final String VARIABLE = "TRACKLIGHT_ASSETS";

  private TestAssets() {}

  /**
   * The assets root: {@code $TRACKLIGHT_ASSETS}, else {@code ../shared/data} next to the repository
   * (where CI keeps it, and what the build passes to tests when the variable is unset). Missing data
   * fails the test with one line saying where it was looked for: a data test that skips would let
   * {@code ./mvnw verify} pass without testing anything.
   */
  public static Path root() {
    String dir = System.getenv(VARIABLE);
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

  /** The file at {@code relative} under the assets root, which must exist. */
  public static Path file(String relative) {
    Path path = root().resolve(relative);
    assertTrue(Files.isRegularFile(path), "missing test asset " + path);
    return path;
  }
}
