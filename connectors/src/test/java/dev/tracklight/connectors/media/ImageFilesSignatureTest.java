package dev.tracklight.connectors.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** File-kind detection from leading bytes, one signature at a time (no assets needed). */
class ImageFilesSignatureTest {

  @Test
  void imageSignatures() {
    assertKind(MediaKind.IMAGE, 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0, 1);
    assertKind(MediaKind.IMAGE, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13);
    assertKind(MediaKind.IMAGE, 'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0);
    assertKind(MediaKind.IMAGE, 'B', 'M', 0x36, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0);
    assertKind(MediaKind.IMAGE, 'I', 'I', 0x2A, 0, 8, 0, 0, 0, 0, 0, 0, 0);
    assertKind(MediaKind.IMAGE, 'M', 'M', 0, 0x2A, 0, 0, 0, 8, 0, 0, 0, 0);
    assertKind(MediaKind.IMAGE, 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P');
    assertKind(MediaKind.IMAGE, 'P', '6', '\n', '6', '4', '0', ' ', '4', '8', '0', '\n', '2');
  }

  @Test
  void videoSignatures() {
    assertKind(MediaKind.VIDEO, 0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm');
    assertKind(MediaKind.VIDEO, 0, 0, 0, 0x14, 'f', 't', 'y', 'p', 'q', 't', ' ', ' ');
    assertKind(MediaKind.VIDEO, 0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 1, 0x42, 0xF7, 0x81);
    assertKind(MediaKind.VIDEO, 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'A', 'V', 'I', ' ');
    assertKind(MediaKind.VIDEO, 'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0);
    assertKind(MediaKind.VIDEO, 0, 0, 1, 0xBA, 0x44, 0, 4, 0, 4, 1, 1, 0x89);
    assertKind(MediaKind.VIDEO, 0, 0, 0, 1, 0x67, 0x64, 0, 0x1F, 0xAC, 0xD9, 0x40, 0x50); // H.264 SPS
    assertKind(MediaKind.VIDEO, 0, 0, 0, 1, 0x40, 0x01, 0x0C, 0x01, 0xFF, 0xFF, 0x01, 0x60); // H.265 VPS
    byte[] ts = new byte[3 * 188];
    ts[0] = 0x47;
    ts[188] = 0x47;
    ts[376] = 0x47;
    assertEquals(MediaKind.VIDEO, ImageFiles.kindOf(ts));
  }

  @Test
  void lookalikesAreNotMistaken() {
    // HEIC stills are ISO BMFF too, but their brand says image (and OpenCV cannot read them).
    assertKind(MediaKind.UNKNOWN, 0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c');
    // A Windows icon starts with 00 00 01 00, which is no video start code.
    assertKind(MediaKind.UNKNOWN, 0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0);
    assertKind(MediaKind.UNKNOWN, 'B', 'M'); // too short for a BMP header
    assertEquals(MediaKind.UNKNOWN,
        ImageFiles.kindOf("frame,id,x,y,w,h\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(MediaKind.UNKNOWN, ImageFiles.kindOf(new byte[0]));
  }

  private static void assertKind(MediaKind expected, int... head) {
    byte[] bytes = new byte[head.length];
    for (int i = 0; i < head.length; i++) {
      bytes[i] = (byte) head[i];
    }
    assertEquals(expected, ImageFiles.kindOf(bytes), java.util.Arrays.toString(head));
  }
}
