package dev.tracklight.connectors.media;

import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells images from videos by their leading bytes ("magic numbers"), never by file extension: a
 * camera upload named {@code clip.jpg} that holds an MP4 is a video.
 *
 * <p>Signatures are checked for the formats the readers actually accept. A file that matches none
 * is {@link MediaKind#UNKNOWN}; the video reader still hands such files to FFmpeg's own probe
 * (FFmpeg reads many more containers than are listed here), so {@code UNKNOWN} means "not known to
 * be either", not "unreadable".
 */
public final class ImageFiles {

  /**
   * Bytes read from the head of a file. 188 * 2 + 1 covers the MPEG-TS check (sync byte at 0 and at
   * 188); every other signature lives in the first 12 bytes.
   */
  private static final int SNIFF_BYTES = 2 * 188 + 1;

  private ImageFiles() {}

  /** True if the file's content starts with a still-image signature. */
  public static boolean isImage(Path path) {
    return kindOf(path) == MediaKind.IMAGE;
  }

  /** True if the file's content starts with a video container signature. */
  public static boolean isVideo(Path path) {
    return kindOf(path) == MediaKind.VIDEO;
  }

  /**
   * Classifies a readable file by content.
   *
   * @throws InvalidInputException if the file is missing, unreadable or empty
   */
  public static MediaKind kindOf(Path path) {
    InputFiles.requireReadableFile(path, "media");
    byte[] head;
    try (InputStream in = Files.newInputStream(path)) {
      head = in.readNBytes(SNIFF_BYTES);
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + path + ": " + e.getMessage(), e);
    }
    return kindOf(head);
  }

  /** Classifies the first bytes of a file (at least 12 are needed for most formats). */
  public static MediaKind kindOf(byte[] head) {
    if (isImageSignature(head)) {
      return MediaKind.IMAGE;
    }
    if (isVideoSignature(head)) {
      return MediaKind.VIDEO;
    }
    return MediaKind.UNKNOWN;
  }

  private static boolean isImageSignature(byte[] h) {
    return startsWith(h, 0, 0xFF, 0xD8, 0xFF) // JPEG
        || startsWith(h, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A) // PNG
        || startsWith(h, 0, 'G', 'I', 'F', '8') // GIF87a / GIF89a
        || startsWith(h, 0, 'B', 'M') && h.length >= 14 // BMP (header is 14 bytes)
        || startsWith(h, 0, 'I', 'I', 0x2A, 0x00) || startsWith(h, 0, 'M', 'M', 0x00, 0x2A) // TIFF
        || startsWith(h, 0, 'R', 'I', 'F', 'F') && startsWith(h, 8, 'W', 'E', 'B', 'P') // WebP
        || h.length >= 3 && h[0] == 'P' && h[1] >= '1' && h[1] <= '6' && isSpace(h[2]); // PNM
  }

  private static boolean isVideoSignature(byte[] h) {
    return startsWith(h, 4, 'f', 't', 'y', 'p') // ISO BMFF: MP4, MOV, 3GP (HEIF is excluded below)
            && !isHeif(h)
        || startsWith(h, 4, 'm', 'o', 'o', 'v') || startsWith(h, 4, 'm', 'd', 'a', 't') // old QuickTime
        || startsWith(h, 0, 0x1A, 0x45, 0xDF, 0xA3) // EBML: Matroska, WebM
        || startsWith(h, 0, 'R', 'I', 'F', 'F') && startsWith(h, 8, 'A', 'V', 'I', ' ') // AVI
        || startsWith(h, 0, 'F', 'L', 'V') // Flash video
        || startsWith(h, 0, 0x00, 0x00, 0x01, 0xBA) // MPEG program stream
        || startsWith(h, 0, 0x30, 0x26, 0xB2, 0x75) // ASF / WMV
        || startsWith(h, 0, 0x00, 0x00, 0x01, 0xB3) // MPEG-1/2 video elementary stream
        || isAnnexBStream(h) // raw H.264 / H.265 as cameras and RTSP dumps write them
        || h.length > 2 * 188 && h[0] == 0x47 && h[188] == 0x47 && h[2 * 188] == 0x47; // MPEG-TS
  }

  /**
   * A start code (00 00 01 or 00 00 00 01) followed by a NAL unit a stream begins with: H.264 SPS
   * (type 7) or access unit delimiter (9), H.265 VPS (32) or delimiter (35). Checking the NAL type
   * keeps other files that happen to start with 00 00 01 (Windows icons) from passing as video.
   */
  private static boolean isAnnexBStream(byte[] h) {
    int nal;
    if (startsWith(h, 0, 0x00, 0x00, 0x00, 0x01) && h.length > 4) {
      nal = h[4] & 0xFF;
    } else if (startsWith(h, 0, 0x00, 0x00, 0x01) && h.length > 3) {
      nal = h[3] & 0xFF;
    } else {
      return false;
    }
    if ((nal & 0x80) != 0) {
      return false; // forbidden_zero_bit
    }
    int h264Type = nal & 0x1F;
    int h265Type = (nal >> 1) & 0x3F;
    return h264Type == 7 || h264Type == 9 || h265Type == 32 || h265Type == 35;
  }

  /** HEIF/AVIF stills use the ISO BMFF {@code ftyp} box too; their brands mark them as images. */
  private static boolean isHeif(byte[] h) {
    if (h.length < 12) {
      return false;
    }
    String brand = new String(h, 8, 4, StandardCharsets.US_ASCII);
    return brand.equals("heic") || brand.equals("heix") || brand.equals("mif1")
        || brand.equals("avif") || brand.equals("heim") || brand.equals("heis");
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }

  private static boolean startsWith(byte[] h, int offset, int... signature) {
    if (h.length < offset + signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if ((h[offset + i] & 0xFF) != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
