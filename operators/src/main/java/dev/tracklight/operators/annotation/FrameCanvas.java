package dev.tracklight.operators.annotation;

import dev.tracklight.inference.BgrImage;

/**
 * The drawing primitives {@link FrameAnnotator} needs, one implementation per
 * {@link AnnotationBackend}. Coordinates are pixels already clipped to the frame; colours are
 * {@code 0xRRGGBB}. Calls between {@link #begin} and {@link #end} draw into that frame; after
 * {@code end} the frame's array holds the result.
 */
interface FrameCanvas extends AutoCloseable {

  void begin(BgrImage frame);

  /** Box-blurs [x1, x2) x [y1, y2) with a {@code kernel} x {@code kernel} window (two passes). */
  void blur(int x1, int y1, int x2, int y2, int kernel);

  void polyline(int[] xs, int[] ys, int count, int rgb, int thickness);

  /** Outlines the box with corners (x1, y1) and (x2, y2), inclusive. */
  void rectangle(int x1, int y1, int x2, int y2, int rgb, int thickness);

  /** Width in pixels of {@code text}'s label (text plus padding). */
  int labelWidth(String text);

  /** Height in pixels of a label (one line of text plus padding). */
  int labelHeight();

  /**
   * Draws {@code text} on a filled {@code rgb} background whose top-left corner is (x, y); the
   * caller ({@link LabelPlacer}) has chosen a place inside the frame.
   */
  void label(String text, int x, int y, int rgb);

  void end();

  /** Frees native resources, if any. */
  @Override
  void close();
}
