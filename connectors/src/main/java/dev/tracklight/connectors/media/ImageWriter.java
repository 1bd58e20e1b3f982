package dev.tracklight.connectors.media;

import dev.tracklight.inference.BgrImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes JPEG thumbnails atomically: the image is encoded in memory, written to a hidden temporary
 * file in the target's directory and renamed over the target, so a reader (a web UI, a sync job)
 * never sees a half-written JPEG and a crash leaves at most a stray {@code .part} file.
 *
 * <p><b>Encoder.</b> The JDK's own JPEG writer ({@code javax.imageio}): a {@link BgrImage} is
 * exactly the raster of a {@link BufferedImage#TYPE_3BYTE_BGR} image, so it is one array copy away.
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
    byte[] jpeg = encode(image, quality);
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

  private static byte[] encode(BgrImage image, int quality) {
    BufferedImage buffered = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] raster = ((DataBufferByte) buffered.getRaster().getDataBuffer()).getData();
    System.arraycopy(image.pixels(), 0, raster, 0, raster.length);
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      writer.setOutput(out);
      writer.write(null, new IIOImage(buffered, null, null), param);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a " + image + " as JPEG: " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // The original failure is what the caller needs to see.
    }
  }
}
