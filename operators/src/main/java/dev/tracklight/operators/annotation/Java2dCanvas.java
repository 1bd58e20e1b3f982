package dev.tracklight.operators.annotation;

import dev.tracklight.inference.BgrImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Java2D backend: wraps the frame's {@code byte[]} as a {@link BufferedImage} without copying
 * (an interleaved raster with band offsets {2, 1, 0}, which Java2D recognises as
 * {@code TYPE_3BYTE_BGR}: B, G, R in memory, exactly {@link BgrImage}'s layout) and draws with a
 * {@link Graphics2D}. Shapes are drawn without antialiasing (crisp 1-2 px boxes, cheaper to draw);
 * text is antialiased because aliased small text is hard to read after H.264 compression.
 *
 * <p>State: the current frame's graphics between begin/end, plus cached strokes and font. One
 * instance per annotator (single thread).
 */
final class Java2dCanvas implements FrameCanvas {

  /** Java2D pixel size of the font at {@code fontScale} 1.0, matching OpenCV Hershey's ~22 px caps. */
  private static final float FONT_PIXELS_AT_SCALE_1 = 30f;
  /** Padding around label text, as a fraction of the font size. */
  private static final float LABEL_PADDING = 0.2f;

  private static final ComponentColorModel BGR_MODEL = new ComponentColorModel(
      ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE,
      DataBuffer.TYPE_BYTE);

  private final Font font;
  private final BoxBlur boxBlur = new BoxBlur();
  private final BasicStroke[] strokes = new BasicStroke[AnnotationStyle.MAX_THICKNESS + 1];
  private BgrImage frame;
  private Graphics2D g;

  Java2dCanvas(double fontScale) {
    font = new Font(Font.SANS_SERIF, Font.BOLD, 1).deriveFont((float) (FONT_PIXELS_AT_SCALE_1 * fontScale));
  }

  @Override
  public void begin(BgrImage image) {
    frame = image;
    DataBufferByte buffer = new DataBufferByte(image.pixels(), image.pixels().length);
    WritableRaster raster = Raster.createInterleavedRaster(buffer, image.width(), image.height(),
        image.stride(), 3, new int[] {2, 1, 0}, null);
    BufferedImage wrapped = new BufferedImage(BGR_MODEL, raster, false, null);
    g = wrapped.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(font);
  }

  @Override
  public void blur(int x1, int y1, int x2, int y2, int kernel) {
    // Pixels are blurred in the shared array directly; Java2D only ever writes to it, so there is
    // no cached copy to invalidate.
    boxBlur.blur(frame, x1, y1, x2, y2, kernel);
  }

  @Override
  public void polyline(int[] xs, int[] ys, int count, int rgb, int thickness) {
    g.setColor(new Color(rgb));
    g.setStroke(stroke(thickness));
    g.drawPolyline(xs, ys, count);
  }

  @Override
  public void rectangle(int x1, int y1, int x2, int y2, int rgb, int thickness) {
    g.setColor(new Color(rgb));
    if (thickness == 1) {
      g.drawRect(x1, y1, x2 - x1, y2 - y1);
      return;
    }
    // Filled bands grow the outline inwards so it never covers what is outside the box.
    int t = Math.min(thickness, Math.min(x2 - x1, y2 - y1) / 2 + 1);
    g.fillRect(x1, y1, x2 - x1 + 1, t);
    g.fillRect(x1, y2 - t + 1, x2 - x1 + 1, t);
    g.fillRect(x1, y1, t, y2 - y1 + 1);
    g.fillRect(x2 - t + 1, y1, t, y2 - y1 + 1);
  }

  @Override
  public int labelWidth(String text) {
    return g.getFontMetrics().stringWidth(text) + 2 * padding();
  }

  @Override
  public int labelHeight() {
    FontMetrics metrics = g.getFontMetrics();
    return metrics.getAscent() + metrics.getDescent() + 2 * padding();
  }

  @Override
  public void label(String text, int x, int y, int rgb) {
    FontMetrics metrics = g.getFontMetrics();
    int pad = padding();
    g.setColor(new Color(rgb));
    g.fillRect(x, y, labelWidth(text), labelHeight());
    g.setColor(new Color(TrackColors.textColorOn(rgb)));
    g.drawString(text, x + pad, y + pad + metrics.getAscent());
  }

  private int padding() {
    return Math.max(1, Math.round(font.getSize2D() * LABEL_PADDING));
  }

  @Override
  public void end() {
    g.dispose();
    g = null;
    frame = null;
  }

  @Override
  public void close() {
    if (g != null) {
      end();
    }
  }

  private BasicStroke stroke(int thickness) {
    BasicStroke s = strokes[thickness];
    if (s == null) {
      s = new BasicStroke(thickness, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
      strokes[thickness] = s;
    }
    return s;
  }
}
