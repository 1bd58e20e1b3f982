package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/** Reads images the way the Python references did ({@code cv2.imread}, BGR). Test-only OpenCV. */
public final class TestImages {

  private TestImages() {}

  public static BgrImage read(Path file) {
    try (Mat mat = opencv_imgcodecs.imread(file.toString(), opencv_imgcodecs.IMREAD_COLOR)) {
      assertFalse(mat.empty(), "OpenCV could not decode " + file);
      return toBgr(mat);
    }
  }

  /** Copies a continuous 8UC3 Mat into a new image. */
  public static BgrImage toBgr(Mat mat) {
    Mat continuous = mat.isContinuous() ? mat : mat.clone();
    byte[] pixels = new byte[continuous.cols() * continuous.rows() * 3];
    continuous.data().get(pixels);
    return new BgrImage(continuous.cols(), continuous.rows(), pixels);
  }
}
