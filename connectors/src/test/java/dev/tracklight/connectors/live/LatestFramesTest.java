package dev.tracklight.connectors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.inference.BgrImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatestFramesTest {

  private static final BgrImage PIXEL = BgrImage.allocate(1, 1);

  private static VideoFrame frame(long sequence) {
    return new VideoFrame(sequence, sequence * 40, PIXEL);
  }

  @Test
  void capacityOneAlwaysHoldsTheNewestFrameAndCountsOverwrites() {
    LatestFrames slot = new LatestFrames(1);
    for (long i = 0; i < 5; i++) {
      slot.offer(frame(i));
    }
    assertEquals(1, slot.size());
    assertEquals(4, slot.skipped());
    assertEquals(4, slot.poll().index());
    assertNull(slot.poll());
  }

  @Test
  void largerCapacityKeepsTheNewestFramesInOrder() {
    LatestFrames slot = new LatestFrames(3);
    for (long i = 0; i < 10; i++) {
      slot.offer(frame(i));
      assertTrue(slot.size() <= 3);
    }
    assertEquals(7, slot.skipped());
    assertEquals(7, slot.poll().index());
    assertEquals(8, slot.poll().index());
    slot.offer(frame(10));
    assertEquals(9, slot.poll().index());
    assertEquals(10, slot.poll().index());
    assertEquals(7, slot.skipped());
  }

  @Test
  void pollWaitsForAFrameAndCloseWakesWaiters() throws Exception {
    LatestFrames slot = new LatestFrames(1);
    assertNull(slot.poll(TimeUnit.MILLISECONDS.toNanos(20)), "times out empty");
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicLong got = new AtomicLong(-1);
    Thread consumer = new Thread(() -> {
      waiting.countDown();
      try {
        VideoFrame f = slot.poll(TimeUnit.SECONDS.toNanos(10));
        got.set(f == null ? -2 : f.index());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    consumer.start();
    waiting.await();
    slot.offer(frame(3));
    consumer.join(10_000);
    assertEquals(3, got.get());

    Thread closed = new Thread(() -> {
      try {
        got.set(slot.poll(TimeUnit.SECONDS.toNanos(10)) == null ? -2 : 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    closed.start();
    slot.close();
    closed.join(10_000);
    assertFalse(closed.isAlive());
    assertEquals(-2, got.get());
    slot.offer(frame(4));
    assertEquals(0, slot.size(), "a closed slot takes nothing");
  }

  @Test
  void availabilityFutureCompletesOnOfferAndOnClose() {
    LatestFrames slot = new LatestFrames(2);
    CompletableFuture<Void> first = slot.available();
    assertFalse(first.isDone());
    slot.offer(frame(0));
    assertTrue(first.isDone());
    assertTrue(slot.available().isDone(), "a frame is waiting");
    slot.poll();
    CompletableFuture<Void> second = slot.available();
    assertFalse(second.isDone());
    slot.close();
    assertTrue(second.isDone());
    assertTrue(slot.available().isDone());
  }
}
