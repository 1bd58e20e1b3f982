package dev.tracklight.inference;

import java.util.Locale;

/**
 * The size of the model input a frame is letterboxed into.
 *
 * <p>{@link #SQUARE} is the default and reproduces the upstream demos' input exactly (the reference
 * detections were made so). {@link #FIT} is opt-in: a 16:9 frame at YOLOX's 416 goes in as 416x288
 * instead of 416x416, which skips about 30 % of the convolutions that would only see padding. The
 * resized image, its scale and its place are those of the square; only padding rows or columns
 * more than one stride past the image are left out. It is not the default because objects touching
 * the padded edge (feet at the bottom of a 16:9 frame) then see the convolutions' zero border a
 * stride away instead of more grey, which moves their boxes by a few pixels (docs/platform-notes.md
 * has the figures). It applies where the model allows it (an ONNX model whose graph runs at other
 * sizes with a top-left letterbox: YOLOX); anything else runs square.
 */
public enum InputShape {
  /** Always the model's square side, padding included (the upstream demos' input). */
  SQUARE,
  /** The letterboxed image padded up to one stride past it, where the model allows. */
  FIT;

  /** The name used by the CLI and configuration files. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code square} or {@code fit} (any case).
   *
   * @throws InvalidInputException for anything else
   */
  public static InputShape parse(String text) {
    for (InputShape s : values()) {
      if (s.cliName().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return s;
      }
    }
    throw new InvalidInputException("unknown input shape '" + text + "'; expected square or fit");
  }
}
