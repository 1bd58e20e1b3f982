package dev.tracklight.connectors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameAgeTest {

  private static final long MS = 1_000_000;

  @Test
  void healthyStreamStaysNearTheNetworkLatency() {
    FrameAge age = new FrameAge();
    age.reset(0);
    // 25 fps, captured at pts, arriving 30 ms later with +-10 ms jitter
    for (int i = 0; i < 100; i++) {
      long pts = i * 40_000L;
      long arrival = 5_000 * MS + pts * 1000 + 30 * MS + (i % 3 - 1) * 10 * MS;
      long a = age.onFrame(arrival, pts);
      assertTrue(a >= 0 && a <= 20 * MS, "frame " + i + " age " + a / MS + " ms");
    }
  }

  @Test
  void buffersReadAtOpenDoNotInflateTheAgeOfLiveFrames() {
    FrameAge age = new FrameAge();
    age.reset(0);
    // FFmpeg buffered 0.5 s of video while opening: 13 frames arrive at once at t = 1 s ...
    for (int i = 0; i < 13; i++) {
      age.onFrame(1000 * MS, i * 40_000L);
    }
    // ... then live frames arrive in real time (frame i captured at 0.5 s + i*40 ms).
    long last = 0;
    for (int i = 13; i < 40; i++) {
      long arrival = 1000 * MS + (i - 12) * 40 * MS;
      last = age.onFrame(arrival, i * 40_000L);
    }
    assertTrue(last <= 40 * MS, "live frame age " + last / MS + " ms");
  }

  @Test
  void trickleOfBufferedFramesFromAHungServerAges() {
    FrameAge age = new FrameAge();
    age.reset(0);
    long t = 0;
    long pts = 0;
    for (int i = 0; i < 50; i++) {
      t += 40 * MS;
      pts += 40_000;
      age.onFrame(t, pts);
    }
    // hung: each read returns after the 1 s I/O timeout with one more 40 ms frame
    long[] ages = new long[4];
    for (int i = 0; i < 4; i++) {
      t += 1000 * MS;
      pts += 40_000;
      ages[i] = age.onFrame(t, pts);
    }
    assertTrue(ages[0] >= 950 * MS && ages[1] >= 1900 * MS && ages[3] >= 3800 * MS,
        java.util.Arrays.toString(ages));
    // between frames, the age keeps growing with the clock
    assertEquals(ages[3] + 500 * MS, age.ageNanos(t + 500 * MS));
  }

  @Test
  void timestampResetReanchorsInsteadOfReportingAHang() {
    FrameAge age = new FrameAge();
    age.reset(0);
    for (int i = 1; i <= 10; i++) {
      age.onFrame(i * 40 * MS, i * 40_000L);
    }
    // camera restarted its clock: pts back to 0
    assertEquals(0, age.onFrame(440 * MS, 0));
    assertTrue(age.onFrame(480 * MS, 40_000) <= MS);
  }

  @Test
  void beforeTheFirstFrameAgeCountsFromTheReset() {
    FrameAge age = new FrameAge();
    age.reset(7 * MS);
    assertEquals(3 * MS, age.ageNanos(10 * MS));
  }
}
