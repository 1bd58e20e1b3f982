package dev.tracklight.connectors.media;

import dev.tracklight.inference.BgrImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes JPEG thumbnails atomically: the image is encoded in memory, written to a hidden temporary
 * file in the target's directory and renamed over the target, so a reader (a web UI, a sync job)
 * never sees a half-written JPEG and a crash leaves at most a stray {@code .part} file.
 *
 * <p><b>Encoder.</b> {@link JpegCodec}: the JDK's own JPEG writer, straight from the frame's array.
 * OpenCV's {@code imencode} was used before; in a replay nothing else loads OpenCV's natives, and
 * loading them for the first thumbnail took 2.8 s (measured on the 2-core CI), more than all of a
 * video's clips and thumbnails together.
 */
public final class ImageWriter {

  private ImageWriter() {}

  /**
   * Encodes {@code image} as a baseline JPEG at {@code path}, replacing any existing file.
   *
   * @param quality JPEG quality, 1 (smallest) to 100 (best); 85-90 is typical for thumbnails
   * @throws IllegalArgumentException if {@code quality} is outside 1..100
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void writeJpeg(BgrImage image, Path path, int quality) {
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("JPEG quality must be in 1..100, got " + quality);
    }
    byte[] jpeg;
    try (JpegCodec codec = JpegCodec.create(quality)) {
      jpeg = codec.encode(image);
    }
    Path target = path.toAbsolutePath();
    Path temp = AtomicRename.temporarySibling(target);
    try {
      Files.write(temp, jpeg, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      AtomicRename.replace(temp, target);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new UncheckedIOException("cannot write JPEG " + path + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // The original failure is what the caller needs to see.
    }
  }
}
