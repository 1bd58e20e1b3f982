package dev.tracklight.connectors.clips;

import dev.tracklight.inference.InvalidInputException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a live camera's highlight media go, deterministically, so an alert can name them before
 * they are written and a rerun on the same input names the same files:
 * {@code <root>/<camera>/clips/<highlightId>.mp4} and {@code <root>/<camera>/thumbs/<highlightId>.jpg}.
 *
 * @param root the media directory (absolute after construction; created on demand)
 */
public record ClipLayout(String root) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Camera ids (cameras.yaml) and highlight ids ({@code <camera>-<startMs>-<endMs>}) fit this. */
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

  public ClipLayout {
    if (root == null || root.isBlank()) {
      throw new InvalidInputException("highlights.clips_dir: expected a directory path, got nothing");
    }
    root = Path.of(root).toAbsolutePath().normalize().toString();
  }

  public static ClipLayout at(Path root) {
    return new ClipLayout(root.toString());
  }

  /** The clip of highlight {@code highlightId} of {@code camera}. */
  public Path clip(String camera, String highlightId) {
    return Path.of(root, name(camera, "camera id"), "clips", name(highlightId, "highlight id") + ".mp4");
  }

  /** The thumbnail of highlight {@code highlightId} of {@code camera}. */
  public Path thumbnail(String camera, String highlightId) {
    return Path.of(root, name(camera, "camera id"), "thumbs", name(highlightId, "highlight id") + ".jpg");
  }

  /** A {@code file://} URI of a path, as alerts carry it. */
  public static String uri(Path path) {
    return path.toUri().toString();
  }

  /** Refuses names that would leave the directory or be hidden ({@code ..}, {@code /}, {@code .x}). */
  private static String name(String value, String what) {
    if (value == null || !FILE_NAME.matcher(value).matches() || value.startsWith(".")) {
      throw new IllegalArgumentException(what + " '" + value + "' cannot name a file: expected"
          + " 1-200 of A-Z a-z 0-9 _ - . not starting with '.'");
    }
    return value;
  }
}
