package dev.tracklight.connectors.video;

import dev.tracklight.inference.BgrImage;
import java.nio.ByteBuffer;
import org.bytedeco.javacv.Frame;

/** Copies JavaCV's decoded BGR24 pictures into owned {@link BgrImage}s. */
public final class BgrFrames {

  private BgrFrames() {}

  /**
   * Copies a BGR24 picture (a grabber in {@code ImageMode.COLOR}, which every caller sets) out of
   * JavaCV's reused native buffer into a new image, row by row when the decoder pads its rows.
   *
   * <p>JavaCV derives {@code Frame.imageChannels} from the row stride ({@code stride / width}), so
   * for narrow pictures whose rows FFmpeg pads to its alignment (a 16-pixel-wide row of 48 bytes
   * in a 64-byte stride, say) it reports 4 or 12 "channels". The layout is known to be BGR24, so
   * only the stride and the buffer's size are checked, never that derived count.
   */
  public static BgrImage copyOf(Frame frame) {
    int width = frame.imageWidth;
    int height = frame.imageHeight;
    int rowBytes = width * 3;
    if (frame.image == null || frame.image.length == 0 || !(frame.image[0] instanceof ByteBuffer)
        || frame.imageDepth != Frame.DEPTH_UBYTE) {
      throw new IllegalArgumentException("expected an 8-bit BGR24 picture, got "
          + (frame.image == null || frame.image.length == 0 ? "no image"
              : "depth " + frame.imageDepth));
    }
    ByteBuffer src = ((ByteBuffer) frame.image[0]).duplicate();
    long needed = (long) frame.imageStride * (height - 1) + rowBytes;
    if (width <= 0 || height <= 0 || frame.imageStride < rowBytes || src.capacity() < needed) {
      throw new IllegalArgumentException("expected a " + width + "x" + height + " BGR24 picture"
          + " (rows of " + rowBytes + " bytes), got a stride of " + frame.imageStride + " and "
          + src.capacity() + " bytes");
    }
    BgrImage image = BgrImage.allocate(width, height);
    if (frame.imageStride == rowBytes) {
      src.position(0).get(image.pixels(), 0, rowBytes * height);
    } else {
      for (int y = 0; y < height; y++) {
        src.position(y * frame.imageStride).get(image.pixels(), y * rowBytes, rowBytes);
      }
    }
    return image;
  }
}
