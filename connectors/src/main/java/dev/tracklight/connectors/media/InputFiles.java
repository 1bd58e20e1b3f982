package dev.tracklight.connectors.media;

import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Fail-fast checks on a user-supplied input path, run before any native library sees it so that a
 * missing or unreadable file becomes one clear line instead of an FFmpeg/OpenCV error code.
 */
public final class InputFiles {

  private InputFiles() {}

  /**
   * Checks that {@code path} names an existing, readable, non-empty regular file.
   *
   * @param what what the caller expects the file to be ("video", "image"), used in the message
   * @return the file size in bytes
   * @throws InvalidInputException naming the problem and what was expected
   */
  public static long requireReadableFile(Path path, String what) {
    return requireReadableFile(path, what, Files::isReadable);
  }

  /**
   * As {@link #requireReadableFile(Path, String)}, asking {@code readable} whether this process may
   * read the file. Root may read any file, so a test run as root (CI) has no real unreadable file:
   * it passes a predicate that says no, and the rejection is tested all the same.
   */
  public static long requireReadableFile(Path path, String what, Predicate<Path> readable) {
    if (!Files.exists(path)) {
      throw new InvalidInputException(what + " file not found: " + path
          + " (expected an existing " + what + " file)");
    }
    if (Files.isDirectory(path)) {
      throw new InvalidInputException(path + " is a directory; expected a " + what + " file");
    }
    if (!readable.test(path)) {
      throw new InvalidInputException(what + " file is not readable (permission denied): " + path
          + " (expected a file this process may read)");
    }
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + what + " file " + path + ": " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new InvalidInputException(what + " file is empty (0 bytes): " + path
          + " (expected a non-empty " + what + " file)");
    }
    return size;
  }
}
