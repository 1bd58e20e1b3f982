package dev.tracklight.inference;

import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.EngineThreads;
import dev.tracklight.inference.engine.InferenceEngine;
import dev.tracklight.inference.model.ModelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several copies of one model behind one {@link Detector}: the images of every batch are shared
 * out among the copies, which run at the same time (the calling thread drives the first, one
 * helper thread per further copy the others), each taking the next image not yet taken until none
 * is left; results come back in input order. Why copies and not more threads per forward pass:
 * see {@link EngineThreads}.
 *
 * <p><b>Same results.</b> An image's detections do not depend on the other images of its batch
 * (DetectorParityTest checks batches against singles), so sharing out changes timing, not results.
 *
 * <p><b>Opening.</b> {@link #open} loads the first copy itself, so a bad model or option fails
 * there, in the caller. The other copies load on a background thread, so they do not delay the
 * caller's start-up (a job's cluster starts meanwhile); until a copy is ready, batches are shared
 * among those that are. A copy that fails to load (the first one loaded, so it is not the model:
 * memory, say) is logged and left out.
 *
 * <p><b>Threads and ownership.</b> Owns the copies, the helper threads and the loader thread (all
 * daemons). {@link #detect} is synchronized: one batch at a time, like each copy. {@link #close}
 * stops the helpers after the running batch, waits for the loader, and closes every copy once.
 */
public final class ReplicatedDetector implements Detector {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicatedDetector.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  private final Detector first;
  /** Ready copies, {@link #first} first; the loader appends, {@link #detect} reads a snapshot. */
  private final List<Detector> copies = new CopyOnWriteArrayList<>();
  private final ExecutorService helpers;
  private final Thread loader;
  /** Guarded by {@code this}; the loader checks it (under the lock) before adding a copy. */
  private boolean closed;

  /**
   * @param first an open copy; owned by this detector from now on
   * @param more opens one more copy (called {@code replicas - 1} times on the loader thread)
   * @param replicas copies wanted in all, at least 2
   */
  ReplicatedDetector(Detector first, Supplier<? extends Detector> more, int replicas) {
    if (replicas < 2) {
      first.close();
      throw new IllegalArgumentException("a replicated detector needs at least 2 replicas, got " + replicas);
    }
    this.first = Objects.requireNonNull(first, "first");
    copies.add(first);
    int id = IDS.incrementAndGet();
    AtomicInteger helperIds = new AtomicInteger();
    helpers = Executors.newFixedThreadPool(replicas - 1, r -> {
      Thread t = new Thread(r, "tracklight-replica-" + id + "-" + helperIds.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    loader = new Thread(() -> loadCopies(more, replicas - 1), "tracklight-replica-loader-" + id);
    loader.setDaemon(true);
    loader.start();
  }

  /**
   * Opens {@code options.model()} with the copies and threads of {@link DetectorOptions#threads()}
   * made concrete for its engine and this machine's cores ({@link EngineThreads#resolve}; on a GPU
   * "automatic" means one copy: a GPU batches by itself): a plain {@link YoloDetector} when that is
   * one copy, else a replicated detector whose further copies are still loading when this returns.
   *
   * @throws InvalidInputException as {@link YoloDetector#open}, or for thread settings the
   *     engine cannot take
   */
  public static Detector open(DetectorOptions options, ModelRegistry registry) {
    EngineKind kind = YoloDetector.engineKind(options, registry.resolve(options.model()));
    boolean gpu = InferenceEngine.resolveDevice(kind, options.device()).kind() == DeviceSpec.Kind.GPU;
    EngineThreads resolved = options.threads().resolve(kind,
        gpu ? 1 : Runtime.getRuntime().availableProcessors());
    DetectorOptions perCopy = options.withThreads(resolved.withReplicas(1));
    YoloDetector one = YoloDetector.open(perCopy, registry);
    if (resolved.replicas() == 1) {
      return one;
    }
    return new ReplicatedDetector(one, () -> YoloDetector.open(perCopy, registry), resolved.replicas());
  }

  private void loadCopies(Supplier<? extends Detector> more, int count) {
    for (int i = 0; i < count; i++) {
      Detector copy;
      try {
        copy = more.get();
      } catch (RuntimeException | Error e) {
        LOG.warn("a copy of {} failed to load ({}); detecting with {} copies", first.info().name(),
            e.getMessage(), copies.size());
        return;
      }
      synchronized (this) {
        if (closed) {
          copy.close();
          return;
        }
        copies.add(copy);
      }
    }
  }

  /** Copies ready right now (for tests and logs). */
  public int readyCopies() {
    return copies.size();
  }

  @Override
  public synchronized List<Detections> detect(List<BgrImage> images) {
    if (closed) {
      throw new IllegalStateException("detector is closed");
    }
    List<Detector> ready = List.copyOf(copies);
    int n = images.size();
    int k = Math.min(ready.size(), n);
    if (k <= 1) {
      return first.detect(images);
    }
    Detections[] results = new Detections[n];
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> others = new ArrayList<>(k - 1);
    for (int i = 1; i < k; i++) {
      Detector copy = ready.get(i);
      others.add(helpers.submit(() -> pull(copy, images, next, results)));
    }
    Throwable failure = null;
    try {
      pull(first, images, next, results);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    // Always wait for every copy: the images stay borrowed until all copies are done with them.
    boolean interrupted = false;
    for (Future<?> f : others) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // a forward pass cannot be cut short; finish waiting, then re-flag
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure != null) {
      throw new IllegalStateException("a detector copy failed", failure);
    }
    return List.of(results);
  }

  /**
   * Detects images of the batch one at a time, taking the next one not yet taken, until none is
   * left: a copy slowed down by other threads on its core simply takes fewer images. One image per
   * call costs nothing on a single-threaded copy (YOLOX-Nano on one thread: 22 ms per image at
   * batch 1, 23 at batch 4). A failure stops the other copies after their current image.
   */
  private static void pull(Detector copy, List<BgrImage> images, AtomicInteger next, Detections[] results) {
    try {
      for (int i = next.getAndIncrement(); i < images.size(); i = next.getAndIncrement()) {
        results[i] = Objects.requireNonNull(copy.detect(images.get(i)), "a detector copy returned null");
      }
    } catch (RuntimeException | Error e) {
      next.set(images.size());
      throw e;
    }
  }

  @Override
  public ClassNames classNames() {
    return first.classNames();
  }

  @Override
  public ModelInfo info() {
    return first.info();
  }

  @Override
  public void close() {
    synchronized (this) { // waits for a running batch
      if (closed) {
        return;
      }
      closed = true;
      helpers.shutdown();
    }
    try {
      loader.join(); // a copy being loaded is closed by the loader itself
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Detector copy : copies) {
      copy.close();
    }
  }
}
