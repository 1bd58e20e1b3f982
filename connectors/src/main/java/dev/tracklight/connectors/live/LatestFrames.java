package dev.tracklight.connectors.live;

import dev.tracklight.connectors.video.VideoFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over between a camera's decoder thread (one producer) and its consumer: a ring
 * of the {@code capacity} newest frames. When it is full, offering a frame evicts the oldest one,
 * which is counted as skipped; the consumer takes frames oldest-first, so with capacity 1 it always
 * gets the newest frame. The producer never blocks (a live camera cannot be paused, only skipped),
 * and memory is bounded by {@code capacity} frames.
 *
 * <p>Thread-safe; one lock guards everything. {@link #available()} supports non-blocking consumers
 * (a Flink source reader's availability future): it completes when a frame is waiting or the slot
 * is closed.
 */
final class LatestFrames {

  private final VideoFrame[] ring;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private int head; // index of the oldest frame
  private int size;
  private long skipped;
  private boolean closed;
  private CompletableFuture<Void> availability = new CompletableFuture<>();

  LatestFrames(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    ring = new VideoFrame[capacity];
  }

  /** Adds the newest frame, evicting (and counting as skipped) the oldest one if full. */
  void offer(VideoFrame frame) {
    CompletableFuture<Void> toComplete;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (size == ring.length) {
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        skipped++;
      }
      ring[(head + size) % ring.length] = frame;
      size++;
      notEmpty.signal();
      toComplete = availability;
    } finally {
      lock.unlock();
    }
    toComplete.complete(null); // outside the lock: completion runs the waiter's callbacks
  }

  /** The oldest retained frame, or null if none is waiting (never blocks). */
  VideoFrame poll() {
    lock.lock();
    try {
      return takeLocked();
    } finally {
      lock.unlock();
    }
  }

  /** The oldest retained frame, waiting up to {@code timeoutNanos}; null on timeout or close. */
  VideoFrame poll(long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeoutNanos;
      while (size == 0 && !closed && remaining > 0) {
        remaining = notEmpty.awaitNanos(remaining);
      }
      return takeLocked();
    } finally {
      lock.unlock();
    }
  }

  /** Completes when a frame is waiting or the slot is closed. */
  CompletableFuture<Void> available() {
    lock.lock();
    try {
      if (size > 0 || closed) {
        return CompletableFuture.completedFuture(null);
      }
      if (availability.isDone()) {
        availability = new CompletableFuture<>();
      }
      return availability;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  int capacity() {
    return ring.length;
  }

  long skipped() {
    lock.lock();
    try {
      return skipped;
    } finally {
      lock.unlock();
    }
  }

  /** Drops the waiting frames (not counted as skipped: nobody will ask for them) and wakes waiters. */
  void close() {
    CompletableFuture<Void> toComplete;
    lock.lock();
    try {
      closed = true;
      java.util.Arrays.fill(ring, null);
      size = 0;
      notEmpty.signalAll();
      toComplete = availability;
    } finally {
      lock.unlock();
    }
    toComplete.complete(null);
  }

  private VideoFrame takeLocked() {
    if (size == 0) {
      return null;
    }
    VideoFrame frame = ring[head];
    ring[head] = null;
    head = (head + 1) % ring.length;
    size--;
    return frame;
  }
}
