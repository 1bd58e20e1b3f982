package dev.tracklight.connectors.video;

import dev.tracklight.inference.InvalidInputException;
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
 * @param keyframeIntervalSeconds seconds between keyframes, turned into a GOP length in frames by
 *     {@link #keyframeIntervalFrames()}; {@value #DEFAULT_KEYFRAME_INTERVAL_SECONDS} by default
 * @param deblocking run H.264's in-loop deblocking filter (on by default). Off, OpenH264 spends
 *     about 10 % less CPU per frame for about 0.1-0.3 dB less PSNR at the same size (measured in
 *     docs/platform-notes.md); only {@code libopenh264} is told (its {@code loopfilter} option), other
 *     encoders keep their own default
 */
public record VideoWriteOptions(FrameRate frameRate, long bitrateBps, String encoder,
    boolean padToEven, double keyframeIntervalSeconds, boolean deblocking) {

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

  /**
   * Seconds between keyframes unless set. Two seconds bounds seek latency in a browser and the
   * damage a lost packet does, for a few percent of bitrate over longer GOPs.
   */
  public static final double DEFAULT_KEYFRAME_INTERVAL_SECONDS = 2.0;

  /**
   * Longest keyframe interval accepted. Beyond a minute a player seeks by decoding thousands of
   * frames and a stream-copy cut ({@link VideoClipper}) starts that much early; such a value is a
   * unit mistake (milliseconds for seconds) more likely than a wish.
   */
  public static final double MAX_KEYFRAME_INTERVAL_SECONDS = 60.0;

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
    if (!(keyframeIntervalSeconds > 0 && keyframeIntervalSeconds <= MAX_KEYFRAME_INTERVAL_SECONDS)) {
      throw new InvalidInputException("keyframe interval must be in (0, "
          + MAX_KEYFRAME_INTERVAL_SECONDS + "] seconds, got " + keyframeIntervalSeconds);
    }
  }

  /** H.264 with OpenH264 at {@code frameRate} and an automatic bitrate. */
  public static VideoWriteOptions h264(FrameRate frameRate) {
    return new VideoWriteOptions(frameRate, AUTO_BITRATE, DEFAULT_ENCODER, false,
        DEFAULT_KEYFRAME_INTERVAL_SECONDS, true);
  }

  /** An explicit bitrate in bits per second (1 .. Integer.MAX_VALUE, FFmpeg's int range). */
  public VideoWriteOptions withBitrate(long bps) {
    if (bps == AUTO_BITRATE) {
      throw new IllegalArgumentException("bitrate must be positive, got " + bps);
    }
    return new VideoWriteOptions(frameRate, bps, encoder, padToEven, keyframeIntervalSeconds,
        deblocking);
  }

  public VideoWriteOptions withEncoder(String name) {
    return new VideoWriteOptions(frameRate, bitrateBps, name, padToEven, keyframeIntervalSeconds,
        deblocking);
  }

  /** Pad odd-sized frames with one black row/column (e.g. a 360x203 WebM becomes 360x204). */
  public VideoWriteOptions withPadToEven() {
    return new VideoWriteOptions(frameRate, bitrateBps, encoder, true, keyframeIntervalSeconds,
        deblocking);
  }

  /**
   * A keyframe every {@code seconds} (rounded to whole frames, at least every frame). Shorter
   * intervals make stream-copy cuts start closer to where they were asked to (a cut can only start
   * at a keyframe) and seeking faster, for a larger file; replays use 1 s so that highlight clips
   * start at most 1 s early.
   *
   * @throws InvalidInputException unless {@code 0 < seconds <= }{@value #MAX_KEYFRAME_INTERVAL_SECONDS}
   */
  public VideoWriteOptions withKeyframeInterval(double seconds) {
    return new VideoWriteOptions(frameRate, bitrateBps, encoder, padToEven, seconds, deblocking);
  }

  /** With or without H.264's deblocking filter (see the {@code deblocking} component). */
  public VideoWriteOptions withDeblocking(boolean on) {
    return new VideoWriteOptions(frameRate, bitrateBps, encoder, padToEven, keyframeIntervalSeconds,
        on);
  }

  /** The GOP length in frames: the interval times the frame rate, rounded, at least 1. */
  public int keyframeIntervalFrames() {
    return (int) Math.max(1, Math.round(keyframeIntervalSeconds * frameRate.fps()));
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
