package dev.tracklight.connectors.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data under {@code $TRACKLIGHT_ASSETS}. Tests skip when the variable is unset and
 * fail when it is set but a file is missing (a broken checkout must not pass silently).
 */
public final class TestAssets {

  public static final String VARIABLE = "TRACKLIGHT_ASSETS";

  private TestAssets() {}

  /** The file at {@code relative} under the assets root; skips the test if the root is unset. */
  public static Path file(String relative) {
    String root = System.getenv(VARIABLE);
    assumeTrue(root != null && !root.isBlank(), VARIABLE + " is not set; skipping data test");
    Path path = Path.of(root).resolve(relative);
    assertTrue(Files.isRegularFile(path), VARIABLE + "=" + root + " but " + relative + " is missing");
    return path;
  }
}
