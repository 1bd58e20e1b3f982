package dev.tracklight.connectors.video;

import java.util.Objects;

/**
 * How a {@link VideoWriter} encodes.
 *
 * @param frameRate output frame rate; pass the source's exact rational to keep the duration
 * @param bitrateBps target video bitrate in bits per second, or {@link #AUTO_BITRATE} to derive it
 *     from the resolution and frame rate ({@link #defaultBitrate})
 * @param encoder FFmpeg encoder name. {@value #DEFAULT_ENCODER} is the H.264 encoder in the LGPL
 *     FFmpeg that JavaCV ships; {@code libx264} needs the GPL FFmpeg jar (see {@link VideoWriter})
 * @param padToEven accept frames with an odd width or height and add one black column or row
 *     (right/bottom) to encode them; 4:2:0 video needs even dimensions. Off by default so that a
 *     size change is always the caller's explicit choice.
 */
public record VideoWriteOptions(FrameRate frameRate, long bitrateBps, String encoder,
    boolean padToEven) {

  /** Cisco's OpenH264: the only software H.264 encoder in the LGPL FFmpeg build. */
  public static final String DEFAULT_ENCODER = "libopenh264";

  /** Marker for "derive the bitrate from the picture size". */
  public static final long AUTO_BITRATE = 0;

  /**
   * Bits per pixel per frame for the automatic bitrate. 0.1 bpp gives 2.3 Mbit/s at 720p25 and
   * 0.55 Mbit/s at 360p30: clean annotated overlays (thin lines and text suffer first) from a
   * baseline-profile encoder, at a size a browser streams comfortably.
   */
  static final double AUTO_BITS_PER_PIXEL = 0.1;

  /** Below this the automatic bitrate would starve tiny videos of even a usable keyframe. */
  static final long MIN_AUTO_BITRATE = 200_000;

  public VideoWriteOptions {
    Objects.requireNonNull(frameRate, "frameRate");
    Objects.requireNonNull(encoder, "encoder");
    if (bitrateBps < 0 || bitrateBps > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bitrate must be 1.." + Integer.MAX_VALUE
          + " bit/s (or AUTO_BITRATE), got " + bitrateBps);
    }
    if (encoder.isBlank()) {
      throw new IllegalArgumentException("encoder name must not be blank");
    }
  }

  /** H.264 with OpenH264 at {@code frameRate} and an automatic bitrate. */
  public static VideoWriteOptions h264(FrameRate frameRate) {
    return new VideoWriteOptions(frameRate, AUTO_BITRATE, DEFAULT_ENCODER, false);
  }

  /** An explicit bitrate in bits per second (1 .. Integer.MAX_VALUE, FFmpeg's int range). */
  public VideoWriteOptions withBitrate(long bps) {
    if (bps == AUTO_BITRATE) {
      throw new IllegalArgumentException("bitrate must be positive, got " + bps);
    }
    return new VideoWriteOptions(frameRate, bps, encoder, padToEven);
  }

  public VideoWriteOptions withEncoder(String name) {
    return new VideoWriteOptions(frameRate, bitrateBps, name, padToEven);
  }

  /** Pad odd-sized frames with one black row/column (e.g. a 360x203 WebM becomes 360x204). */
  public VideoWriteOptions withPadToEven() {
    return new VideoWriteOptions(frameRate, bitrateBps, encoder, true);
  }

  /** The bitrate used for a {@code width x height} video: the explicit one, or the automatic one. */
  public long effectiveBitrate(int width, int height) {
    return bitrateBps != AUTO_BITRATE ? bitrateBps : defaultBitrate(width, height, frameRate);
  }

  /** {@link #AUTO_BITS_PER_PIXEL} x pixels x fps, at least {@link #MIN_AUTO_BITRATE}. */
  public static long defaultBitrate(int width, int height, FrameRate frameRate) {
    return Math.max(MIN_AUTO_BITRATE,
        Math.round(AUTO_BITS_PER_PIXEL * width * height * frameRate.fps()));
  }
}
