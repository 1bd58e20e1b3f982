package dev.tracklight.inference.batching;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.ModelInfo;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test decorator around a real detector: records every batch size, can hold the next
 * {@code detect} call at a gate (to keep the service's worker busy while a test fills the queue),
 * can make the next call throw instead of detecting, and counts {@code close} calls. All results
 * come from the real detector.
 *
 * <p>By default {@link #close} only counts and does not close the real detector, so one loaded
 * model serves a whole test class.
 */
final class InstrumentedDetector implements Detector {

  /** Upper bound on how long a test lets a gate hold; far beyond any legitimate wait. */
  private static final long GATE_LIMIT_SECONDS = 60;

  private final Detector delegate;
  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  private final AtomicInteger closes = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicReference<Throwable> failNext = new AtomicReference<>();
  private volatile Gate gate;

  InstrumentedDetector(Detector delegate) {
    this.delegate = delegate;
  }

  /** A gate for the next {@code detect} call; {@link Gate#awaitEntered} then {@link Gate#open}. */
  Gate holdNextCall() {
    Gate g = new Gate();
    gate = g;
    return g;
  }

  /** The next {@code detect} call throws {@code failure} (unchecked) instead of detecting. */
  void failNextCall(Throwable failure) {
    failNext.set(failure);
  }

  @Override
  public List<Detections> detect(List<BgrImage> images) {
    batchSizes.add(images.size());
    // The failure is taken before waiting at a gate: a gated call armed earlier must not pick up a
    // failure that the test arms for a later call while this one waits.
    Throwable failure = failNext.getAndSet(null);
    Gate g = gate;
    if (g != null) {
      gate = null;
      g.pass();
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    return delegate.detect(images);
  }

  List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }

  int closeCount() {
    return closes.get();
  }

  /** Waits until {@link #close} was called at least once. */
  boolean awaitClosed(long seconds) throws InterruptedException {
    return closed.await(seconds, TimeUnit.SECONDS);
  }

  @Override
  public ClassNames classNames() {
    return delegate.classNames();
  }

  @Override
  public ModelInfo info() {
    return delegate.info();
  }

  @Override
  public void close() {
    closes.incrementAndGet();
    closed.countDown();
  }

  /** Holds one {@code detect} call until opened. */
  static final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    void pass() {
      entered.countDown();
      try {
        if (!opened.await(GATE_LIMIT_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test gate was never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted at a test gate", e);
      }
    }

    /** Blocks until the held call has reached the gate. */
    void awaitEntered() throws InterruptedException {
      if (!entered.await(GATE_LIMIT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("no detect call reached the gate");
      }
    }

    void open() {
      opened.countDown();
    }
  }
}
