package dev.tracklight.connectors.media;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads a still image into a {@link BgrImage} with OpenCV, exactly as {@code cv2.imread(path)}
 * does in the Python reference: {@code IMREAD_COLOR} (8-bit BGR, grey and 16-bit inputs converted,
 * alpha dropped) with EXIF orientation applied, which is OpenCV's default for {@code IMREAD_COLOR}.
 *
 * <p>The file is read by Java and decoded from memory ({@code imdecode}) rather than by path
 * ({@code imread}): the decoder is the same, but Java handles non-ASCII paths and gives a real I/O
 * error message, and the bytes are read once for both the content check and the decode.
 */
public final class ImageReader {

  private ImageReader() {}

  /**
   * Decodes the image at {@code path}.
   *
   * @return a new image owned by the caller
   * @throws InvalidInputException if the file is missing, unreadable, empty, a video, or not an
   *     image OpenCV can decode
   */
  public static BgrImage read(Path path) {
    InputFiles.requireReadableFile(path, "image");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read image file " + path + ": " + e.getMessage(), e);
    }
    MediaKind kind = ImageFiles.kindOf(bytes);
    if (kind == MediaKind.VIDEO) {
      throw new InvalidInputException(path + " is a video, not an image; expected a still image"
          + " (JPEG, PNG, BMP, TIFF, WebP)");
    }
    if (kind != MediaKind.IMAGE) {
      throw new InvalidInputException(path + " is not an image (unrecognised content); expected a"
          + " still image (JPEG, PNG, BMP, TIFF, WebP)");
    }
    try (BytePointer encoded = new BytePointer(bytes);
        Mat buffer = new Mat(1, bytes.length, opencv_core.CV_8UC1, encoded);
        Mat decoded = imdecode(buffer, IMREAD_COLOR)) {
      if (decoded == null || decoded.empty()) {
        throw new InvalidInputException(path + " could not be decoded as an image (corrupt or"
            + " truncated?); expected a valid JPEG, PNG, BMP, TIFF or WebP file");
      }
      return OpenCvImages.toBgrImage(decoded);
    }
  }
}
