package dev.tracklight.connectors.video;

/**
 * Which decoded frames a {@link VideoReader} returns. Every frame is still decoded (inter-coded
 * video cannot skip decoding), so sampling saves the copy and everything downstream, not decode.
 */
public sealed interface FrameSampling extends java.io.Serializable {

  /** Every frame. */
  static FrameSampling all() {
    return All.INSTANCE;
  }

  /** Frames 0, n, 2n, ... by original frame index. */
  static FrameSampling everyNth(int n) {
    return new EveryNth(n);
  }

  /** About {@code fps} frames per second of video time, spaced evenly by timestamp. */
  static FrameSampling targetFps(double fps) {
    return new TargetFps(fps);
  }

  /** Every frame. */
  enum All implements FrameSampling {
    INSTANCE
  }

  /** Keep frames whose original index is a multiple of {@code n}. */
  record EveryNth(int n) implements FrameSampling {
    public EveryNth {
      if (n < 1) {
        throw new IllegalArgumentException("every-Nth sampling needs N >= 1, got " + n);
      }
    }
  }

  /**
   * Keep the first frame at or after each tick of a {@code fps} clock on the video's timestamps, so
   * the output spacing approximates {@code 1/fps} even for odd source rates (29.83 -> 4 fps keeps
   * frames ~250 ms apart). A target at or above the source rate keeps every frame.
   */
  record TargetFps(double fps) implements FrameSampling {
    public TargetFps {
      if (!(fps > 0) || Double.isInfinite(fps)) {
        throw new IllegalArgumentException("target fps must be a positive number, got " + fps);
      }
    }
  }
}
