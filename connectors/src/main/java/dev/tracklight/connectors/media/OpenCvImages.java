package dev.tracklight.connectors.media;

import dev.tracklight.inference.BgrImage;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/** Copies between OpenCV {@link Mat}s and {@link BgrImage}s (package-private bridge). */
final class OpenCvImages {

  private OpenCvImages() {}

  /** Copies an 8-bit 3-channel Mat (any row stride) into a new, caller-owned image. */
  static BgrImage toBgrImage(Mat mat) {
    if (mat.type() != opencv_core.CV_8UC3) {
      throw new IllegalArgumentException("expected a CV_8UC3 Mat, got type " + mat.type());
    }
    int width = mat.cols();
    int height = mat.rows();
    BgrImage image = BgrImage.allocate(width, height);
    BytePointer data = mat.data();
    int rowBytes = width * 3;
    long step = mat.step();
    if (step == rowBytes) {
      data.position(0).get(image.pixels(), 0, rowBytes * height);
    } else {
      for (int y = 0; y < height; y++) {
        data.position(y * step).get(image.pixels(), y * rowBytes, rowBytes);
      }
    }
    return image;
  }

  /**
   * A new Mat holding a copy of {@code image}; the caller closes it. A copy (not a view) because
   * a Mat over a Java array would need the array pinned for the Mat's lifetime.
   */
  static Mat toMat(BgrImage image) {
    Mat mat = new Mat(image.height(), image.width(), opencv_core.CV_8UC3);
    mat.data().put(image.pixels(), 0, image.pixels().length);
    return mat;
  }
}
