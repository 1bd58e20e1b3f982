package dev.tracklight.connectors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameRateGateTest {

  private static final long MS = 1_000_000;

  @Test
  void zeroKeepsEveryFrame() {
    FrameRateGate gate = new FrameRateGate(0);
    for (int i = 0; i < 10; i++) {
      assertTrue(gate.keep(i));
    }
  }

  @Test
  void keepsAboutTheTargetRateFromA25FpsStream() {
    FrameRateGate gate = new FrameRateGate(5);
    int kept = 0;
    for (int i = 0; i < 250; i++) { // 10 s at 25 fps
      if (gate.keep(i * 40 * MS)) {
        kept++;
      }
    }
    assertEquals(50, kept);
  }

  @Test
  void oddSourceRateDoesNotDrift() {
    FrameRateGate gate = new FrameRateGate(4);
    int kept = 0;
    for (int i = 0; i < 2983; i++) { // 100 s at 29.83 fps
      if (gate.keep(Math.round(i * 1e9 / 29.83))) {
        kept++;
      }
    }
    assertTrue(Math.abs(kept - 400) <= 1, "kept " + kept);
  }

  @Test
  void aGapRestartsTheGridInsteadOfKeepingABurst() {
    FrameRateGate gate = new FrameRateGate(5);
    assertTrue(gate.keep(0));
    // 10 s outage, then a burst of frames 1 ms apart: only the first is due
    assertTrue(gate.keep(10_000 * MS));
    assertEquals(false, gate.keep(10_001 * MS));
    assertEquals(false, gate.keep(10_002 * MS));
    assertTrue(gate.keep(10_200 * MS));
  }

  @Test
  void rejectsNegativeRates() {
    assertThrows(IllegalArgumentException.class, () -> new FrameRateGate(-1));
  }
}
