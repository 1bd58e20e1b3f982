package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracklight.connectors.video.FrameRate;
import org.junit.jupiter.api.Test;

class ClipTimelineTest {

  private static long[] every(long periodMs, int n) {
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      t[i] = 1_700_000_000_000L + i * periodMs;
    }
    return t;
  }

  @Test
  void evenlySampledFramesMapOneToOneAtTheirRate() {
    ClipTimeline five = ClipTimeline.plan(every(200, 51));
    assertEquals(new FrameRate(5, 1), five.frameRate());
    assertEquals(51, five.slots());
    for (int k = 0; k < 51; k++) {
      assertEquals(k, five.source(k));
    }
    assertEquals(0, five.repeated());
    assertEquals(0, five.dropped(51));
    assertEquals(new FrameRate(25, 1), ClipTimeline.plan(every(40, 10)).frameRate());
  }

  @Test
  void jitterKeepsTheRateAndTheCount() {
    long[] t = every(200, 50);
    for (int i = 1; i < t.length - 1; i++) {
      t[i] += (i % 3 == 0 ? 37 : i % 3 == 1 ? -41 : 12); // capture jitter, under half a period
    }
    ClipTimeline plan = ClipTimeline.plan(t);
    assertEquals(5.0, plan.frameRate().fps(), 0.3);
    assertEquals(50, plan.slots(), 1);
    assertEquals(0, plan.repeated(), "jitter under half a period leaves each frame its slot");
    assertEquals(0, plan.dropped(t.length));
  }

  @Test
  void aGapFreezesTheLastFrameForItsDuration() {
    // 2 s of frames, a 3 s reconnect, 2 s more: 7 s at 5 fps = 36 slots, 15 of them repeats.
    long[] before = every(200, 11);
    long[] t = new long[22];
    System.arraycopy(before, 0, t, 0, 11);
    for (int i = 0; i < 11; i++) {
      t[11 + i] = before[10] + 3000 + i * 200;
    }
    ClipTimeline plan = ClipTimeline.plan(t);
    assertEquals(new FrameRate(5, 1), plan.frameRate());
    assertEquals(36, plan.slots());
    assertEquals(14, plan.repeated());
    assertEquals(10, plan.source(24)); // the last frame before the gap, held until 4.8 s
    assertEquals(11, plan.source(25)); // the first after the gap in its own slot at 5.0 s
    assertEquals(21, plan.source(35));
  }

  @Test
  void ratesOutsideOneToSixtyFpsAreClamped() {
    ClipTimeline slow = ClipTimeline.plan(every(2000, 4)); // 0.5 fps: shown at 1 fps, each twice
    assertEquals(new FrameRate(1, 1), slow.frameRate());
    assertEquals(7, slow.slots());
    assertEquals(3, slow.repeated());
    ClipTimeline fast = ClipTimeline.plan(every(5, 201)); // 200 fps: thinned to 60
    assertEquals(new FrameRate(60, 1), fast.frameRate());
    assertEquals(61, fast.slots());
    assertEquals(201 - fast.slots(), fast.dropped(201));
  }

  @Test
  void ntscRatesFromMillisecondTimestampsAreRecognised() {
    long[] t = new long[300];
    for (int i = 0; i < t.length; i++) {
      t[i] = 1_700_000_000_000L + Math.round(i * 1001 / 30.0); // 29.97 fps, 33/34 ms apart
    }
    ClipTimeline plan = ClipTimeline.plan(t);
    assertEquals(new FrameRate(30000, 1001), plan.frameRate());
    assertEquals(300, plan.slots());
    assertEquals(0, plan.repeated());
    long[] odd = every(7, 100); // 142.857 fps: clamped; 1000/7 ms would not be standard anyway
    assertEquals(new FrameRate(60, 1), ClipTimeline.plan(odd).frameRate());
    long[] twelveAndAHalf = every(80, 100);
    assertEquals(new FrameRate(25, 2), ClipTimeline.plan(twelveAndAHalf).frameRate());
  }

  @Test
  void oneFrameIsAOneFrameClip() {
    ClipTimeline one = ClipTimeline.plan(new long[] {42});
    assertEquals(1, one.slots());
    assertEquals(0, one.source(0));
  }

  @Test
  void framesMustBeInOrder() {
    assertThrows(IllegalArgumentException.class, () -> ClipTimeline.plan(new long[0]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClipTimeline.plan(new long[] {10, 5}));
    assertEquals("frame times must not decrease: 10 then 5 ms", e.getMessage());
  }
}
