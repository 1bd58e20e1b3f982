package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameRingTest {

  private static BufferedFrame frame(long index, long timestampMs, int bytes) {
    return new BufferedFrame(index, timestampMs, new byte[bytes]);
  }

  @Test
  void realFramesStayWithinTheSecondsBound() {
    List<BufferedFrame> frames = LiveFrames.jpegAt5Fps();
    assertTrue(frames.size() >= 68, "5 fps frames of a 13.6 s video: " + frames.size());
    FrameRing ring = new FrameRing(4_000, 64L << 20);
    long evicted = 0;
    for (BufferedFrame f : frames) {
      assertTrue(ring.add(f));
      assertTrue(ring.newestMs().getAsLong() - ring.oldestMs().getAsLong() <= 4_000);
      long sum = ring.between(Long.MIN_VALUE, Long.MAX_VALUE).stream().mapToLong(BufferedFrame::bytes).sum();
      assertEquals(sum, ring.bytes(), "byte count");
    }
    assertEquals(21, ring.size(), "4 s at 5 fps, both ends included");
    assertEquals(frames.size() - 21, ring.evictedForAge());
    assertEquals(0, ring.evictedForBytes());
    assertEquals(frames.get(frames.size() - 1), ring.between(0, Long.MAX_VALUE).get(20));
  }

  @Test
  void realFramesStayWithinTheByteBoundOldestEvictedFirst() {
    List<BufferedFrame> frames = LiveFrames.jpegAt5Fps();
    long average = frames.stream().mapToLong(BufferedFrame::bytes).sum() / frames.size();
    long maxBytes = 10 * average; // about 2 s of this camera: the byte bound cuts the 30 s one
    FrameRing ring = new FrameRing(30_000, maxBytes);
    for (BufferedFrame f : frames) {
      ring.add(f);
      assertTrue(ring.bytes() <= maxBytes, ring.bytes() + " > " + maxBytes);
    }
    assertTrue(ring.size() >= 8 && ring.size() <= 12, "kept " + ring.size());
    assertEquals(frames.size() - ring.size(), ring.evictedForBytes());
    assertEquals(0, ring.evictedForAge());
    List<BufferedFrame> kept = ring.between(Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(frames.subList(frames.size() - kept.size(), frames.size()), kept, "newest kept, in order");
  }

  @Test
  void betweenIsInclusiveAndOrdered() {
    FrameRing ring = new FrameRing(10_000, 1 << 20);
    for (int i = 0; i < 10; i++) {
      ring.add(frame(i, 1000 + 200 * i, 10));
    }
    List<BufferedFrame> span = ring.between(1200, 1800);
    assertEquals(List.of(1L, 2L, 3L, 4L), span.stream().map(BufferedFrame::frameIndex).toList());
    assertTrue(ring.between(0, 999).isEmpty());
    assertTrue(ring.between(5000, 6000).isEmpty());
  }

  @Test
  void anOversizedFrameIsRefusedAndTheRingKept() {
    FrameRing ring = new FrameRing(10_000, 100);
    ring.add(frame(0, 0, 60));
    assertFalse(ring.add(frame(1, 200, 101)));
    assertEquals(1, ring.refused());
    assertEquals(1, ring.size());
    assertTrue(ring.add(frame(2, 400, 60)), "fits after evicting the older frame");
    assertEquals(1, ring.size());
    assertEquals(1, ring.evictedForBytes());
  }

  @Test
  void timeGoingBackwardsEmptiesTheRing() {
    FrameRing ring = new FrameRing(10_000, 1 << 20);
    ring.add(frame(0, 5000, 10));
    ring.add(frame(1, 5200, 10));
    ring.add(frame(2, 3000, 10));
    assertEquals(1, ring.resets());
    assertEquals(1, ring.size());
    assertEquals(10, ring.bytes());
    assertEquals(3000, ring.oldestMs().getAsLong());
  }

  @Test
  void configBoundsAreValidatedWithTheirKeys() {
    InvalidInputException seconds = assertThrows(InvalidInputException.class,
        () -> LiveClipConfig.defaults().withBuffer(0, 64L << 20));
    assertEquals("highlights.buffer_seconds: expected a number in [1, 600], got 0.0", seconds.getMessage());
    InvalidInputException bytes = assertThrows(InvalidInputException.class,
        () -> LiveClipConfig.defaults().withBuffer(30, 1000));
    assertTrue(bytes.getMessage().startsWith("highlights.buffer_bytes_per_camera: expected 1048576"), bytes.getMessage());
    assertThrows(InvalidInputException.class, () -> LiveClipConfig.defaults().withBuffer(Double.NaN, 64L << 20));
    assertThrows(InvalidInputException.class, () -> LiveClipConfig.defaults().withWriter(0, 4, 0));
    assertThrows(InvalidInputException.class, () -> LiveClipConfig.defaults().withWriter(1, 0, 0));
    assertThrows(InvalidInputException.class, () -> LiveClipConfig.defaults().withWriter(1, 4, -1));
    assertThrows(InvalidInputException.class, () -> LiveClipConfig.defaults().withJpegQuality(101));
    FrameRing ring = FrameRing.of(LiveClipConfig.defaults());
    assertEquals(30_000, ring.maxAgeMs());
    assertEquals(64L << 20, ring.maxBytes());
  }
}
