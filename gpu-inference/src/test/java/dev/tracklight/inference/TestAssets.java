package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data under {@code $TRACKLIGHT_ASSETS}. Tests skip when the variable is unset and
 * fail when it is set but a file they need is missing (a broken checkout must not look green).
 */
public final class TestAssets {

  private TestAssets() {}

  /** The assets root; skips the calling test when {@code TRACKLIGHT_ASSETS} is unset. */
  public static Path root() {
    String dir = System.getenv("TRACKLIGHT_ASSETS");
    assumeTrue(dir != null && !dir.isBlank(), "TRACKLIGHT_ASSETS is not set");
    Path root = Path.of(dir);
    assertTrue(Files.isDirectory(root), "TRACKLIGHT_ASSETS=" + dir + " is not a directory");
    return root;
  }

  /** A file under the assets root that must exist. */
  public static Path file(String relative) {
    Path p = root().resolve(relative);
    assertTrue(Files.isRegularFile(p), "missing test asset " + p);
    return p;
  }
}
