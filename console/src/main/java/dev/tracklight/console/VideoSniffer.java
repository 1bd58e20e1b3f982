package dev.tracklight.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Recognises video containers by their first bytes, not by the name or the declared type (both
 * are the client's word): ISO BMFF (mp4, mov, m4v: a {@code ftyp} box), Matroska/WebM (EBML
 * header), AVI (RIFF....AVI ), MPEG-TS (0x47 sync bytes every 188), FLV.
 */
public final class VideoSniffer {

  private VideoSniffer() {}

  /** The container's name, or empty when the bytes are not a video container. */
  public static Optional<String> container(Path file) throws IOException {
    byte[] head = new byte[188 * 3];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return container(head, n);
  }

  /** The one-line refusal of a file that is not a video ({@code name} already made safe). */
  static String refusal(String name) {
    return "not a video: " + name + " is not an MP4, MOV, WebM/MKV, AVI, MPEG-TS or FLV file";
  }

  static Optional<String> container(byte[] b, int n) {
    if (n >= 12 && ascii(b, 4, 4).equals("ftyp")) {
      return Optional.of("mp4");
    }
    if (n >= 4 && (b[0] & 0xff) == 0x1a && (b[1] & 0xff) == 0x45 && (b[2] & 0xff) == 0xdf && (b[3] & 0xff) == 0xa3) {
      return Optional.of("matroska");
    }
    if (n >= 12 && ascii(b, 0, 4).equals("RIFF") && ascii(b, 8, 4).equals("AVI ")) {
      return Optional.of("avi");
    }
    if (n >= 3 && ascii(b, 0, 3).equals("FLV")) {
      return Optional.of("flv");
    }
    if (n >= 188 * 3 && b[0] == 0x47 && b[188] == 0x47 && b[376] == 0x47) {
      return Optional.of("mpegts");
    }
    return Optional.empty();
  }

  private static String ascii(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }
}
