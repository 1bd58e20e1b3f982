package dev.tracklight.connectors.video;

import dev.tracklight.inference.BgrImage;
import java.nio.ByteBuffer;
import org.bytedeco.javacv.Frame;

/** Copies JavaCV's decoded BGR24 pictures into owned {@link BgrImage}s. */
public final class BgrFrames {

  private BgrFrames() {}

  /**
   * Copies a BGR24 picture (a grabber in {@code ImageMode.COLOR}) out of JavaCV's reused native
   * buffer into a new image, row by row when the decoder pads its rows.
   */
  public static BgrImage copyOf(Frame frame) {
    int width = frame.imageWidth;
    int height = frame.imageHeight;
    if (frame.imageChannels != 3 || frame.image == null) {
      throw new IllegalArgumentException("expected a 3-channel BGR24 picture, got "
          + frame.imageChannels + " channels");
    }
    BgrImage image = BgrImage.allocate(width, height);
    ByteBuffer src = ((ByteBuffer) frame.image[0]).duplicate();
    int rowBytes = width * 3;
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
