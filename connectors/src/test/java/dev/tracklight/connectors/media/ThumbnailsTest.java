package dev.tracklight.connectors.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tracklight.inference.BgrImage;
import org.junit.jupiter.api.Test;

class ThumbnailsTest {

  @Test
  void wideFramesShrinkTo320PxWithTheirAspectRatioAndAreaAverages() {
    BgrImage frame = BgrImage.allocate(1280, 720);
    byte[] p = frame.pixels();
    for (int y = 0; y < 720; y++) {
      for (int x = 0; x < 1280; x++) {
        int at = (y * 1280 + x) * 3;
        p[at] = (byte) (x % 2 == 0 ? 200 : 100); // blue alternates per column: averages to 150
        p[at + 1] = (byte) (x < 640 ? 0 : 255); // green: left half dark, right half bright
        p[at + 2] = 77;
      }
    }
    BgrImage thumb = Thumbnails.fit(frame);
    assertEquals(320, thumb.width());
    assertEquals(180, thumb.height());
    byte[] t = thumb.pixels();
    int left = (90 * 320 + 10) * 3;
    int right = (90 * 320 + 300) * 3;
    assertEquals(150, t[left] & 0xFF);
    assertEquals(0, t[left + 1] & 0xFF);
    assertEquals(255, t[right + 1] & 0xFF);
    assertEquals(77, t[right + 2] & 0xFF);
  }

  @Test
  void narrowFramesStayAsTheyAre() {
    BgrImage small = BgrImage.allocate(320, 240);
    assertSame(small, Thumbnails.fit(small));
    assertEquals(1, Thumbnails.fit(BgrImage.allocate(4000, 2)).height(), "at least one row");
  }
}
