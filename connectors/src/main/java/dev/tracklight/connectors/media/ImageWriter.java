package dev.tracklight.connectors.media;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.tracklight.inference.BgrImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Writes JPEG thumbnails atomically: the image is encoded in memory, written to a hidden temporary
 * file in the target's directory and renamed over the target, so a reader (a web UI, a sync job)
 * never sees a half-written JPEG and a crash leaves at most a stray {@code .tmp} file.
 */
public final class ImageWriter {

  private ImageWriter() {}

  /**
   * Encodes {@code image} as a baseline JPEG at {@code path}, replacing any existing file.
   *
   * @param quality libjpeg quality, 1 (smallest) to 100 (best); 85-90 is typical for thumbnails
   * @throws IllegalArgumentException if {@code quality} is outside 1..100
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void writeJpeg(BgrImage image, Path path, int quality) {
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("JPEG quality must be in 1..100, got " + quality);
    }
    byte[] jpeg;
    try (Mat mat = OpenCvImages.toMat(image);
        BytePointer out = new BytePointer();
        IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
      if (!imencode(".jpg", mat, out, params)) {
        throw new IllegalStateException("OpenCV failed to encode a " + image + " as JPEG");
      }
      jpeg = new byte[(int) out.limit()];
      out.get(jpeg);
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
