package dev.tracklight.connectors.clips;

import dev.tracklight.connectors.video.FrameRate;
import java.util.Arrays;

/**
 * Where each buffered frame of a clip goes in a constant-frame-rate video.
 *
 * <p><b>The choice.</b> Live frames are sampled ({@code fps: 5}) and arrive with jitter, and a
 * reconnect or a skipped frame leaves gaps, while the MP4 writer writes a constant rate. The clip is
 * written at the camera's actual spacing: the mean gap between consecutive frames, leaving out gaps
 * over twice the median (reconnects, skipped frames), rounded to a whole millisecond (so 5 fps gives
 * exactly 5/1 and 25 fps 25/1, also under capture jitter, whose gaps average out), clamped to [{@value #MIN_PERIOD_MS}, {@value #MAX_PERIOD_MS}] ms (60 fps .. 1
 * fps: slower streams are shown at 1 fps with repeated frames). Output slot {@code k} sits at
 * {@code first + k * period} and shows the newest frame captured before the slot's half-way point
 * ({@code t <= first + k * period + period / 2}): jitter under half a period leaves every frame in
 * its own slot, a gap repeats the last frame before it (the video freezes for as long as the camera
 * did, never showing a later frame early), and of two frames jittered into one slot the later is
 * kept. So the clip's duration is its span of event time, within one frame, and playback speed is
 * real time. The alternative, one video frame per buffered frame at a nominal
 * rate, would play a gap of seconds in one frame and drift from the alert's times.
 */
public final class ClipTimeline {

  /** 60 fps: faster sources are thinned, since annotations do not need more. */
  public static final long MIN_PERIOD_MS = 17;
  /** 1 fps: players and seeking behave badly with longer frame durations. */
  public static final long MAX_PERIOD_MS = 1000;

  private final long periodMs;
  private final int[] sourceOfSlot;

  private ClipTimeline(long periodMs, int[] sourceOfSlot) {
    this.periodMs = periodMs;
    this.sourceOfSlot = sourceOfSlot;
  }

  /**
   * Plans the clip of frames with these event times.
   *
   * @param timestampsMs at least one, non-decreasing
   * @throws IllegalArgumentException if empty or out of order
   */
  public static ClipTimeline plan(long[] timestampsMs) {
    int n = timestampsMs.length;
    if (n == 0) {
      throw new IllegalArgumentException("a clip needs at least one frame");
    }
    for (int i = 1; i < n; i++) {
      if (timestampsMs[i] < timestampsMs[i - 1]) {
        throw new IllegalArgumentException("frame times must not decrease: " + timestampsMs[i - 1]
            + " then " + timestampsMs[i] + " ms");
      }
    }
    long period = Math.max(MIN_PERIOD_MS, Math.min(MAX_PERIOD_MS, typicalGap(timestampsMs)));
    long first = timestampsMs[0];
    int slots = Math.toIntExact(Math.round((timestampsMs[n - 1] - first) / (double) period) + 1);
    int[] source = new int[slots];
    int j = 0;
    for (int k = 0; k < slots; k++) {
      long at = first + k * period;
      // Slot times increase, so the frame shown never goes back.
      while (j + 1 < n && timestampsMs[j + 1] <= at + period / 2) {
        j++;
      }
      source[k] = j;
    }
    return new ClipTimeline(period, source);
  }

  /** The output rate: one frame per {@link #periodMs()}. */
  public FrameRate frameRate() {
    return new FrameRate(1000, periodMs);
  }

  public long periodMs() {
    return periodMs;
  }

  /** Frames of the output video. */
  public int slots() {
    return sourceOfSlot.length;
  }

  /** Index (into the planned frames) of the frame output slot {@code slot} shows. */
  public int source(int slot) {
    return sourceOfSlot[slot];
  }

  /** Output frames that repeat the previous slot's frame (gaps filled). */
  public int repeated() {
    int r = 0;
    for (int k = 1; k < sourceOfSlot.length; k++) {
      if (sourceOfSlot[k] == sourceOfSlot[k - 1]) {
        r++;
      }
    }
    return r;
  }

  /** Planned frames that no slot shows (jitter put two into one slot, or faster than 60 fps). */
  public int dropped(int frames) {
    return frames - (int) Arrays.stream(sourceOfSlot).distinct().count();
  }

  /**
   * Mean positive gap without the outliers (over twice the median), in whole ms;
   * {@link #MAX_PERIOD_MS} when there is no positive gap (one frame).
   */
  private static long typicalGap(long[] t) {
    long[] gaps = new long[t.length - 1];
    int m = 0;
    for (int i = 1; i < t.length; i++) {
      if (t[i] > t[i - 1]) {
        gaps[m++] = t[i] - t[i - 1];
      }
    }
    if (m == 0) {
      return MAX_PERIOD_MS;
    }
    long[] sorted = Arrays.copyOf(gaps, m);
    Arrays.sort(sorted);
    long limit = 2 * sorted[(m - 1) / 2];
    long sum = 0;
    int count = 0;
    for (int i = 0; i < m; i++) {
      if (gaps[i] <= limit) {
        sum += gaps[i];
        count++;
      }
    }
    return Math.max(1, Math.round((double) sum / count));
  }
}
