package dev.tracklight.operators.annotation;

import static org.bytedeco.opencv.global.opencv_core.BORDER_ISOLATED;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;

import dev.tracklight.inference.BgrImage;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * OpenCV backend: copies the frame into a native {@link Mat} at {@link #begin}, draws with
 * {@code opencv_imgproc} ({@code rectangle}, {@code line}, {@code putText}, {@code blur}) and
 * copies the pixels back at {@link #end}. A copy rather than a view because a Mat over a Java
 * array would need the array pinned (JNI critical section) for the whole frame.
 *
 * <p><b>Native resources.</b> Owns one frame-sized Mat (reallocated only when the frame size
 * changes) and a few reused Point/Scalar/Size structs, freed by {@link #close()}. One instance per
 * annotator (single thread).
 */
final class OpenCvCanvas implements FrameCanvas {

  /** Padding around label text in pixels per unit of font scale. */
  private static final double LABEL_PADDING_AT_SCALE_1 = 6;

  private final double fontScale;
  private int ascent = -1;
  private final int textThickness;
  private final Point p1 = new Point();
  private final Point p2 = new Point();
  private final Scalar color = new Scalar(0, 0, 0, 0);
  private final IntPointer baseline = new IntPointer(1);
  private Mat mat;
  private BgrImage frame;

  OpenCvCanvas(double fontScale) {
    this.fontScale = fontScale;
    // Hershey strokes thinner than this look broken at small scales, thicker ones blot at large.
    this.textThickness = Math.max(1, (int) Math.round(fontScale * 1.5));
  }

  @Override
  public void begin(BgrImage image) {
    if (mat == null || mat.cols() != image.width() || mat.rows() != image.height()) {
      if (mat != null) {
        mat.close();
      }
      mat = new Mat(image.height(), image.width(), CV_8UC3);
    }
    mat.data().position(0).put(image.pixels(), 0, image.pixels().length);
    frame = image;
  }

  @Override
  public void blur(int x1, int y1, int x2, int y2, int kernel) {
    if (x2 - x1 < 2 || y2 - y1 < 2) {
      return;
    }
    // ISOLATED: the border is replicated from the box itself, as in the Java2D backend.
    try (Rect rect = new Rect(x1, y1, x2 - x1, y2 - y1);
        Mat roi = new Mat(mat, rect);
        Size size = new Size(kernel, kernel);
        Point anchor = new Point(-1, -1)) {
      for (int pass = 0; pass < 2; pass++) { // two passes, as BoxBlur (≈ triangle filter)
        opencv_imgproc.blur(roi, roi, size, anchor, BORDER_REPLICATE | BORDER_ISOLATED);
      }
    }
  }

  @Override
  public void polyline(int[] xs, int[] ys, int count, int rgb, int thickness) {
    setColor(rgb);
    for (int i = 1; i < count; i++) {
      p1.x(xs[i - 1]).y(ys[i - 1]);
      p2.x(xs[i]).y(ys[i]);
      opencv_imgproc.line(mat, p1, p2, color, thickness, LINE_8, 0);
    }
  }

  @Override
  public void rectangle(int x1, int y1, int x2, int y2, int rgb, int thickness) {
    setColor(rgb);
    if (thickness == 1) {
      p1.x(x1).y(y1);
      p2.x(x2).y(y2);
      opencv_imgproc.rectangle(mat, p1, p2, color, 1, LINE_8, 0);
      return;
    }
    // Inward bands, like the Java2D backend (OpenCV centres thick outlines on the edge).
    int t = Math.min(thickness, Math.min(x2 - x1, y2 - y1) / 2 + 1);
    fill(x1, y1, x2, y1 + t - 1);
    fill(x1, y2 - t + 1, x2, y2);
    fill(x1, y1, x1 + t - 1, y2);
    fill(x2 - t + 1, y1, x2, y2);
  }

  @Override
  public int labelWidth(String text) {
    try (Size size = opencv_imgproc.getTextSize(text, FONT_HERSHEY_SIMPLEX, fontScale,
        textThickness, baseline)) {
      return size.width() + 2 * padding();
    }
  }

  @Override
  public int labelHeight() {
    return ascent() + baseline.get() + 2 * padding();
  }

  /** Cap height of the font; the same for every text, so measured once. */
  private int ascent() {
    if (ascent < 0) {
      try (Size size = opencv_imgproc.getTextSize("Ag", FONT_HERSHEY_SIMPLEX, fontScale,
          textThickness, baseline)) {
        ascent = size.height();
      }
    }
    return ascent;
  }

  @Override
  public void label(String text, int x, int y, int rgb) {
    int pad = padding();
    int width = labelWidth(text);
    int height = labelHeight();
    setColor(rgb);
    fill(x, y, Math.min(frame.width() - 1, x + width - 1), Math.min(frame.height() - 1, y + height - 1));
    setColor(TrackColors.textColorOn(rgb));
    p1.x(x + pad).y(y + pad + ascent());
    opencv_imgproc.putText(mat, text, p1, FONT_HERSHEY_SIMPLEX, fontScale, color, textThickness,
        LINE_AA, false);
  }

  private int padding() {
    return Math.max(1, (int) Math.round(LABEL_PADDING_AT_SCALE_1 * fontScale));
  }

  @Override
  public void end() {
    mat.data().position(0).get(frame.pixels(), 0, frame.pixels().length);
    frame = null;
  }

  @Override
  public void close() {
    if (mat != null) {
      mat.close();
      mat = null;
    }
    p1.close();
    p2.close();
    color.close();
    baseline.close();
  }

  private void fill(int x1, int y1, int x2, int y2) {
    p1.x(x1).y(y1);
    p2.x(x2).y(y2);
    opencv_imgproc.rectangle(mat, p1, p2, color, FILLED, LINE_8, 0);
  }

  /** OpenCV colours are B, G, R scalars. */
  private void setColor(int rgb) {
    color.put(0, rgb & 0xFF).put(1, (rgb >> 8) & 0xFF).put(2, (rgb >> 16) & 0xFF);
  }
}
