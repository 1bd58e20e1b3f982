package dev.tracklight.inference;

import java.util.Objects;

/**
 * An 8-bit, 3-channel image in OpenCV's native layout: rows top to bottom, pixels left to right,
 * channels B, G, R, tightly packed (row stride = {@code width * 3}, no padding).
 *
 * <p><b>Ownership.</b> The record does not copy {@code pixels}: whoever creates a {@code BgrImage}
 * hands the array over and must not write to it afterwards unless it owns the image exclusively
 * (annotation draws into the array of a frame it owns). Readers that reuse native buffers (JavaCV
 * does) copy into a fresh array before wrapping it here, so every {@code BgrImage} can safely cross
 * threads and outlive the reader.
 */
public record BgrImage(int width, int height, byte[] pixels) {

  public BgrImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
    }
    Objects.requireNonNull(pixels, "pixels");
    if ((long) width * height * 3 != pixels.length) {
      throw new IllegalArgumentException("expected " + (long) width * height * 3 + " bytes for a "
          + width + "x" + height + " BGR image, got " + pixels.length);
    }
  }

  /** A new black image of the given size. */
  public static BgrImage allocate(int width, int height) {
    return new BgrImage(width, height, new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)]);
  }

  /** Bytes per row. */
  public int stride() {
    return width * 3;
  }

  /** A deep copy whose pixels may be modified independently. */
  public BgrImage copy() {
    return new BgrImage(width, height, pixels.clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BgrImage other && width == other.width && height == other.height
        && java.util.Arrays.equals(pixels, other.pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + java.util.Arrays.hashCode(pixels);
  }

  @Override
  public String toString() {
    return "BgrImage[" + width + "x" + height + "]";
  }
}
