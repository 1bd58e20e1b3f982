package dev.tracklight.connectors.clips;

import dev.tracklight.connectors.video.FrameRate;
import java.util.Arrays;

/**
 * Where each buffered frame of a clip goes in a constant-frame-rate video.
 *
 * <p><b>The choice.</b> Live frames are sampled ({@code fps: 5}) and arrive with jitter, and a
 * reconnect or a skipped frame leaves gaps, while the MP4 writer writes a constant rate. The clip is
 * written at the camera's actual spacing: the mean gap between consecutive frames, leaving out gaps
 * over twice the median (reconnects, skipped frames), so capture jitter averages out. The rate is
 * snapped to a standard one (whole fps within {@value #SNAP_TOLERANCE} relative difference, the NTSC
 * n/1001 rates within {@value #NTSC_TOLERANCE}), so 5 fps gives exactly 5/1 and a 29.97 fps camera
 * 30000/1001 (millisecond timestamps alone would say 30.3 fps and drift a frame every 3 s); other
 * rates are kept to 1/1000 fps. It is clamped to [1, 60] fps (slower streams are shown at 1 fps
 * with repeated frames; faster ones thinned). Output slot {@code k} sits at
 * {@code first + k * period} and shows the newest frame captured before the slot's half-way point
 * ({@code t <= first + (k + 1/2) * period}): jitter under half a period leaves every frame in its own
 * slot, a gap repeats the last frame before it (the video freezes for as long as the camera did,
 * never showing a later frame early), and of two frames jittered into one slot the later is kept.
 * So the clip's duration is its span of event time, within one frame, and playback speed is real
 * time. The alternative, one video frame per buffered frame at a nominal rate, would play a gap of
 * seconds in one frame and drift from the alert's times.
 */
public final class ClipTimeline {

  /** Fastest output rate: faster sources are thinned, since annotations do not need more. */
  public static final int MAX_FPS = 60;
  /** Slowest output rate: players and seeking behave badly with longer frame durations. */
  public static final int MIN_FPS = 1;
  /** 0.5%: well under a frame per 10 s clip, well over jitter averaged over a clip. */
  static final double SNAP_TOLERANCE = 0.005;
  /**
   * 0.05%: an n/1001 rate is chosen only when the spacing matches it this closely (millisecond
   * timestamps over a clip do), so a jittered 5 fps camera is not taken for 5000/1001.
   */
  static final double NTSC_TOLERANCE = 0.0005;

  private final FrameRate frameRate;
  private final int[] sourceOfSlot;

  private ClipTimeline(FrameRate frameRate, int[] sourceOfSlot) {
    this.frameRate = frameRate;
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
    FrameRate rate = rateOf(timestampsMs);
    double period = 1000.0 / rate.fps();
    long first = timestampsMs[0];
    int slots = Math.toIntExact(Math.round((timestampsMs[n - 1] - first) / period) + 1);
    int[] source = new int[slots];
    int j = 0;
    for (int k = 0; k < slots; k++) {
      double halfway = first + (k + 0.5) * period;
      // Slot times increase, so the frame shown never goes back.
      while (j + 1 < n && timestampsMs[j + 1] <= halfway) {
        j++;
      }
      source[k] = j;
    }
    return new ClipTimeline(rate, source);
  }

  /** The output rate. */
  public FrameRate frameRate() {
    return frameRate;
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

  /** The snapped, clamped rate of the frames' typical spacing (class note). */
  private static FrameRate rateOf(long[] t) {
    double gap = typicalGapMs(t);
    double fps = gap > 0 ? 1000 / gap : MIN_FPS;
    fps = Math.max(MIN_FPS, Math.min(MAX_FPS, fps));
    long whole = Math.round(fps);
    long ntsc = Math.round(fps * 1.001);
    double ntscError = Math.abs(fps - ntsc / 1.001);
    if (ntscError <= NTSC_TOLERANCE * fps && ntscError < Math.abs(fps - whole)) {
      return new FrameRate(ntsc * 1000, 1001);
    }
    if (Math.abs(fps - whole) <= SNAP_TOLERANCE * fps) {
      return FrameRate.of(whole);
    }
    return new FrameRate(Math.round(fps * 1000), 1000);
  }

  /** Mean positive gap without the outliers (over twice the median); 0 when there is none. */
  private static double typicalGapMs(long[] t) {
    long[] gaps = new long[t.length - 1];
    int m = 0;
    for (int i = 1; i < t.length; i++) {
      if (t[i] > t[i - 1]) {
        gaps[m++] = t[i] - t[i - 1];
      }
    }
    if (m == 0) {
      return 0;
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
    return (double) sum / count;
  }
}
