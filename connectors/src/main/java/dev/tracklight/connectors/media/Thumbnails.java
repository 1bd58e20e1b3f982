package dev.tracklight.connectors.media;

import dev.tracklight.inference.BgrImage;

/** Thumbnail-sized copies of frames: what a list of highlights shows next to each entry. */
public final class Thumbnails {

  /**
   * Widest thumbnail, in pixels: the size of the event thumbnails of NVR and media-gallery lists;
   * a 720p frame's JPEG shrinks about tenfold.
   */
  public static final int MAX_WIDTH = 320;

  private Thumbnails() {}

  /**
   * {@code image} scaled down to at most {@link #MAX_WIDTH} pixels wide, aspect ratio kept (height
   * rounded, at least 1), each pixel the mean of the source pixels it covers (area averaging: thin
   * drawn lines fade instead of aliasing); narrower images are returned as they are. Plain Java, so
   * a replay's thumbnails load no native library (OpenCV's took seconds).
   */
  public static BgrImage fit(BgrImage image) {
    int sw = image.width();
    int sh = image.height();
    if (sw <= MAX_WIDTH) {
      return image;
    }
    int dw = MAX_WIDTH;
    int dh = Math.max(1, (int) Math.round(sh * (double) dw / sw));
    BgrImage out = BgrImage.allocate(dw, dh);
    byte[] src = image.pixels();
    byte[] dst = out.pixels();
    int[] sum = new int[3];
    for (int y = 0; y < dh; y++) {
      int y0 = (int) ((long) y * sh / dh);
      int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * sh / dh));
      for (int x = 0; x < dw; x++) {
        int x0 = (int) ((long) x * sw / dw);
        int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * sw / dw));
        sum[0] = 0;
        sum[1] = 0;
        sum[2] = 0;
        for (int sy = y0; sy < y1; sy++) {
          int row = sy * sw * 3;
          for (int sx = x0; sx < x1; sx++) {
            int at = row + sx * 3;
            sum[0] += src[at] & 0xFF;
            sum[1] += src[at + 1] & 0xFF;
            sum[2] += src[at + 2] & 0xFF;
          }
        }
        int n = (y1 - y0) * (x1 - x0);
        int at = (y * dw + x) * 3;
        for (int c = 0; c < 3; c++) {
          dst[at + c] = (byte) ((sum[c] + n / 2) / n);
        }
      }
    }
    return out;
  }
}
