package dev.tracklight.connectors.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageIoTest {

  @TempDir Path temp;

  @Test
  void readsSharedImagesAtTheirManifestSizes() {
    assertSize(768, 576, ImageReader.read(TestAssets.file("images/dog.jpg")));
    assertSize(640, 424, ImageReader.read(TestAssets.file("images/person.jpg")));
    assertSize(773, 512, ImageReader.read(TestAssets.file("images/horses.jpg")));
  }

  @Test
  void appliesExifOrientationLikeCv2Imread() throws IOException {
    // bus.jpg is an iPhone photo: 810x1080 portrait as cv2.imread returns it.
    Path bus = TestAssets.file("images/bus.jpg");
    assertSize(810, 1080, ImageReader.read(bus));
    // Rewrite dog.jpg with EXIF orientation 6 ("rotate 90° clockwise"): width and height swap.
    Path rotated = temp.resolve("rotated.jpg");
    Files.write(rotated, withExifOrientation(Files.readAllBytes(TestAssets.file("images/dog.jpg")), 6));
    BgrImage upright = ImageReader.read(TestAssets.file("images/dog.jpg"));
    BgrImage turned = ImageReader.read(rotated);
    assertSize(576, 768, turned);
    // Pixel (x, y) of the upright image lands at (h - 1 - y, x) after a clockwise turn.
    int x = 100;
    int y = 50;
    int src = (y * upright.width() + x) * 3;
    int dst = (x * turned.width() + (upright.height() - 1 - y)) * 3;
    assertEquals(upright.pixels()[src] & 0xFF, turned.pixels()[dst] & 0xFF, 2);
  }

  @Test
  void contentDecidesTheKindNotTheExtension() throws IOException {
    Path jpegNamedMp4 = Files.copy(TestAssets.file("images/dog.jpg"), temp.resolve("dog.mp4"));
    Path mp4NamedJpg = Files.copy(TestAssets.file("videos/bottles_hands_360p.mp4"), temp.resolve("clip.jpg"));
    Path webm = TestAssets.file("videos/dog_golden_retriever_swimming_360p_vp9.webm");
    Path text = Files.writeString(temp.resolve("a.png"), "just text, no picture");
    assertTrue(ImageFiles.isImage(jpegNamedMp4));
    assertFalse(ImageFiles.isVideo(jpegNamedMp4));
    assertTrue(ImageFiles.isVideo(mp4NamedJpg));
    assertTrue(ImageFiles.isVideo(webm));
    assertEquals(MediaKind.UNKNOWN, ImageFiles.kindOf(text));
  }

  @Test
  void videoIsRejectedAsImage() {
    Path video = TestAssets.file("videos/bottles_hands_360p.mp4");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageReader.read(video));
    assertTrue(e.getMessage().contains("is a video, not an image"), e.getMessage());
  }

  @Test
  void badImageFilesAreRejectedWithOneLine() throws IOException {
    byte[] jpeg = Files.readAllBytes(TestAssets.file("images/dog.jpg"));
    Path corrupt = Files.write(temp.resolve("corrupt.jpg"), java.util.Arrays.copyOf(jpeg, 20));
    for (var entry : List.of(
        List.of(temp.resolve("missing.jpg"), "not found"),
        List.of(Files.createFile(temp.resolve("empty.jpg")), "empty (0 bytes)"),
        List.of(Files.writeString(temp.resolve("text.jpg"), "hello"), "is not an image"),
        List.of(corrupt, "could not be decoded"))) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> ImageReader.read((Path) entry.get(0)));
      assertTrue(e.getMessage().contains((String) entry.get(1)), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void jpegWriterIsAtomicAndRoundTrips() throws IOException {
    BgrImage dog = ImageReader.read(TestAssets.file("images/dog.jpg"));
    Path out = temp.resolve("thumb.jpg");
    ImageWriter.writeJpeg(dog, out, 90);
    try (Stream<Path> files = Files.list(temp)) {
      assertEquals(List.of(out), files.toList(), "no temporary file left");
    }
    Path plain = Files.writeString(temp.resolve("plain.txt"), "x"); // mode from the umask
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
    Files.delete(plain);
    assertTrue(ImageFiles.isImage(out));
    BgrImage back = ImageReader.read(out);
    assertSize(768, 576, back);
    long sum = 0;
    for (int i = 0; i < back.pixels().length; i++) {
      sum += Math.abs((back.pixels()[i] & 0xFF) - (dog.pixels()[i] & 0xFF));
    }
    assertTrue(sum / (double) back.pixels().length < 4, "quality 90 round trip error");
    long q90 = Files.size(out);
    ImageWriter.writeJpeg(dog, out, 20);
    assertTrue(Files.size(out) < q90 / 2, "quality must change the size");
    assertThrows(IllegalArgumentException.class, () -> ImageWriter.writeJpeg(dog, out, 0));
    assertThrows(IllegalArgumentException.class, () -> ImageWriter.writeJpeg(dog, out, 101));
  }

  private static void assertSize(int width, int height, BgrImage image) {
    assertEquals(width, image.width(), "width");
    assertEquals(height, image.height(), "height");
  }

  /**
   * Inserts an APP1 Exif segment with one IFD0 entry (Orientation) right after the JPEG SOI marker.
   * dog.jpg's own Exif block has no orientation tag, and decoders use the first Exif segment.
   */
  private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    byte[] tiff = {
        'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at offset 8
        0, 1, // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, count 1
        0, 0, 0, 0}; // no next IFD
    byte[] exifHeader = {'E', 'x', 'i', 'f', 0, 0};
    int length = 2 + exifHeader.length + tiff.length;
    byte[] out = new byte[jpeg.length + 2 + length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xD8;
    out[2] = (byte) 0xFF;
    out[3] = (byte) 0xE1;
    out[4] = (byte) (length >> 8);
    out[5] = (byte) length;
    System.arraycopy(exifHeader, 0, out, 6, exifHeader.length);
    System.arraycopy(tiff, 0, out, 6 + exifHeader.length, tiff.length);
    System.arraycopy(jpeg, 2, out, 4 + length, jpeg.length - 2);
    return out;
  }
}
