package dev.tracklight.inference.batching;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ReplicatedDetector;
import dev.tracklight.inference.model.ModelRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Detector} shared by many callers (cameras), with batches formed across them: each
 * {@link #submit} queues one frame and returns a future for its detections.
 *
 * <p><b>Threading.</b> One daemon worker thread owns the detector. It waits for the first queued
 * request, then keeps collecting until the batch has {@link BatchingConfig#maxBatch()} requests or
 * {@link BatchingConfig#maxDelay()} has passed since that first request was <em>submitted</em> (so a
 * request that already waited while the previous batch ran is not held back further: the batch takes
 * what is queued and starts). It then drops requests that have waited longer than
 * {@link BatchingConfig#requestTimeout()} (failing them with {@link InferenceTimeoutException}) and
 * runs {@code detector.detect} once on the rest; request {@code i} of the batch gets result
 * {@code i}. A detector exception fails exactly that batch's futures with the exception itself and
 * the worker goes on with the next batch. Futures complete on the worker thread: dependent stages
 * attached with non-async methods run there and delay inference, so keep them short.
 *
 * <p><b>Queue and backpressure.</b> The queue is bounded ({@link BatchingConfig#queueCapacity()}).
 * {@code submit} blocks the caller while it is full, up to {@link BatchingConfig#submitTimeout()};
 * that blocking is how backpressure reaches the caller (a Flink async operator's task thread). After
 * the timeout the future fails with {@link InferenceQueueFullException}. Nothing is dropped
 * silently: every submitted frame's future completes, and every outcome is counted per camera
 * ({@link #cameraStats}; one small entry per camera id ever seen, kept for the service's life, so
 * ids must name cameras, not frames) and reported to the {@link BatchListener}. The queue, the
 * open/closed state and both conditions live under one lock, so closing cannot race with a submit
 * into a queue nobody drains any more.
 *
 * <p><b>Time.</b> An injected monotonic nanosecond clock stamps submissions and measures queue waits,
 * inference time and request age (tests drive it by hand), and decides how much of the batching
 * delay is left when a batch opens. The blocking waits themselves (for a slot in a full queue, for
 * more requests in an open batch) are {@link Condition#awaitNanos} calls, so they pass in real time:
 * no JDK wait can follow an injected clock.
 *
 * <p><b>Closing.</b> {@link #close} stops accepting, fails every queued request with
 * {@link InferenceServiceClosedException}, lets the batch already taken by the worker finish, joins
 * the worker for up to {@link #DEFAULT_CLOSE_TIMEOUT} and returns; the worker closes the detector as
 * its last act. If the detector is stuck past that deadline, {@code close} logs it and returns, and
 * the detector is closed when its call returns (closing it under a running forward pass would free
 * native memory in use). Idempotent. If the worker dies of an unexpected error, the service closes
 * itself the same way, with that error as the cause.
 *
 * <p><b>Ownership.</b> The service owns the detector once {@link Builder#build()} returns; if
 * {@code build} throws, the caller still owns it.
 */
public final class BatchingDetectionService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchingDetectionService.class);

  /**
   * How long {@link #close} waits for the worker. The longest batch we run on a CPU (8 images of
   * YOLOv8n-int8 at about 100 ms each) takes about a second; ten leaves room for a loaded machine,
   * while a Flink task that closes still gets its thread back in bounded time.
   */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final Detector detector;
  private final BatchingConfig config;
  private final LongSupplier nanoTime;
  private final BatchListener listener;
  private final Duration closeTimeout;
  private final long maxDelayNanos;
  private final long submitTimeoutNanos;
  private final long requestTimeoutNanos;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  /** Guarded by {@link #lock}. */
  private final ArrayDeque<Request> queue;
  /** Guarded by {@link #lock}; once true, never false again. */
  private boolean closed;

  private final ConcurrentHashMap<String, CameraCounters> counters = new ConcurrentHashMap<>();
  private final Thread worker;

  private BatchingDetectionService(Builder b) {
    this.detector = b.detector;
    this.config = b.config;
    this.nanoTime = b.nanoTime;
    this.listener = b.listener;
    this.closeTimeout = b.closeTimeout;
    this.maxDelayNanos = config.maxDelay().toNanos();
    this.submitTimeoutNanos = config.submitTimeout().toNanos();
    this.requestTimeoutNanos = config.requestTimeout().toNanos();
    this.queue = new ArrayDeque<>(config.queueCapacity());
    this.worker = new Thread(this::runWorker,
        b.threadName != null ? b.threadName : "tracklight-batching-" + THREAD_IDS.incrementAndGet());
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * Starts building a service around {@code detector}.
   *
   * @param detectorMaxBatch the {@link DetectorOptions#maxBatch()} the detector was opened with;
   *     the batching max batch must not exceed it
   */
  public static Builder builder(Detector detector, int detectorMaxBatch) {
    return new Builder(detector, detectorMaxBatch);
  }

  /**
   * Opens a detector for {@code options} ({@link ReplicatedDetector#open}: copies per
   * {@link DetectorOptions#threads()}) and serves it with {@code config}, the system
   * clock and a {@link BatchStatistics} listener (see {@link #listener()}). The config is checked against the options before the model loads.
   */
  public static BatchingDetectionService open(DetectorOptions options, BatchingConfig config,
      ModelRegistry registry) {
    config.requireFits(options.maxBatch());
    Detector detector = ReplicatedDetector.open(options, registry);
    try {
      return serve(detector, options, config);
    } catch (RuntimeException e) {
      detector.close();
      throw e;
    }
  }

  /**
   * Serves an already open {@code detector} (opened with {@code options}) as {@link #open} would:
   * {@code config}, the system clock, a {@link BatchStatistics} listener. Takes ownership of the
   * detector once it returns; if it throws, the caller still owns it.
   */
  public static BatchingDetectionService serve(Detector detector, DetectorOptions options,
      BatchingConfig config) {
    return builder(detector, options.maxBatch()).config(config).listener(new BatchStatistics()).build();
  }

  /**
   * Queues one frame of {@code cameraId} for detection. Blocks while the queue is full, up to the
   * submit timeout. Never throws for load or lifecycle reasons: the returned future fails with
   * {@link InferenceQueueFullException}, {@link InferenceTimeoutException},
   * {@link InferenceServiceClosedException}, or the detector's own exception. If the calling thread
   * is interrupted while blocked, the future fails with the {@link InterruptedException} and the
   * thread's interrupt flag is set again.
   *
   * @param image handed over to the service until the future completes (see {@link BgrImage})
   * @throws InvalidInputException for a null or blank camera id or a null image
   */
  public CompletableFuture<Detections> submit(String cameraId, BgrImage image) {
    if (cameraId == null || cameraId.isBlank()) {
      throw new InvalidInputException("no camera id given; expected a non-blank id per camera");
    }
    if (image == null) {
      throw new InvalidInputException("no image given for camera " + cameraId
          + "; expected a BGR frame");
    }
    CameraCounters camera = countersOf(cameraId);
    camera.submitted.increment();
    Request request = new Request(cameraId, image, camera, new CompletableFuture<>(), 0L);
    boolean enqueued;
    lock.lock();
    try {
      long waitNanos = submitTimeoutNanos;
      while (!closed && queue.size() == config.queueCapacity() && waitNanos > 0) {
        waitNanos = notFull.awaitNanos(waitNanos);
      }
      if (closed) {
        camera.failed.increment();
        request.future.completeExceptionally(new InferenceServiceClosedException(cameraId, null));
        return request.future;
      }
      enqueued = queue.size() < config.queueCapacity();
      if (enqueued) {
        // Stamped at enqueue, not at call: time blocked on a full queue is the caller's, and
        // counting it against the request timeout would expire frames that backpressure delayed.
        request = request.stamped(nanoTime.getAsLong());
        queue.addLast(request);
        notEmpty.signal();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      camera.failed.increment();
      request.future.completeExceptionally(e);
      return request.future;
    } finally {
      lock.unlock();
    }
    if (!enqueued) {
      camera.rejected.increment();
      safely(() -> listener.onRejected(cameraId), "onRejected");
      request.future.completeExceptionally(new InferenceQueueFullException(cameraId,
          config.queueCapacity(), config.submitTimeout()));
    }
    return request.future;
  }

  /** The counters of one camera (all zero for a camera never seen). */
  public CameraStats cameraStats(String cameraId) {
    CameraCounters c = counters.get(cameraId);
    return c == null ? new CameraStats(0, 0, 0, 0, 0, 0) : c.snapshot();
  }

  /** The counters of every camera seen so far, by camera id. */
  public Map<String, CameraStats> cameraStats() {
    Map<String, CameraStats> all = new TreeMap<>();
    counters.forEach((id, c) -> all.put(id, c.snapshot()));
    return all;
  }

  /** Requests waiting for the worker right now (for a queue-depth gauge). */
  public int queueDepth() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  public BatchingConfig config() {
    return config;
  }

  /** The shared detector, for its {@link Detector#info()} and class names; do not close it. */
  public Detector detector() {
    return detector;
  }

  /** Whether {@link #close} was called or the worker died. */
  public BatchListener listener() {
    return listener;
  }

  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    if (!shutDown(null)) {
      return;
    }
    if (Thread.currentThread() == worker) {
      return; // closed from a future callback: the worker exits after this batch
    }
    try {
      // At least 1 ms: join(0) would wait forever.
      worker.join(Math.max(1, closeTimeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (worker.isAlive()) {
      LOG.warn("batching worker {} still running {} ms after close (detector call stuck?); the"
          + " detector will be closed when that call returns", worker.getName(),
          closeTimeout.toMillis());
    }
  }

  /**
   * Marks the service closed and fails what is queued.
   *
   * @return whether this call closed it (false: it was closed already)
   */
  private boolean shutDown(Throwable cause) {
    List<Request> pending;
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      pending = new ArrayList<>(queue);
      queue.clear();
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    for (Request r : pending) {
      r.camera.failed.increment();
      r.future.completeExceptionally(new InferenceServiceClosedException(r.cameraId, cause));
    }
    return true;
  }

  private void runWorker() {
    Throwable fatal = null;
    try {
      List<Request> batch;
      while ((batch = nextBatch()) != null) {
        runBatch(batch);
      }
    } catch (Throwable t) {
      fatal = t;
      LOG.error("batching worker {} died; failing queued requests", worker.getName(), t);
    } finally {
      shutDown(fatal);
      if (listener instanceof BatchStatistics stats && stats.batches() > 0) {
        LOG.info("batching worker {} served {}", worker.getName(), stats);
      }
      try {
        detector.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the detector failed", e);
      }
    }
  }

  /** Blocks for the next batch; null once the service is closed and the queue is empty. */
  private List<Request> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty()) {
        if (closed) {
          return null;
        }
        notEmpty.await();
      }
      List<Request> batch = new ArrayList<>(config.maxBatch());
      Request first = queue.pollFirst();
      batch.add(first);
      notFull.signal();
      long waitNanos = maxDelayNanos - (nanoTime.getAsLong() - first.enqueuedNanos);
      while (batch.size() < config.maxBatch()) {
        Request next = queue.pollFirst();
        if (next != null) {
          batch.add(next);
          notFull.signal();
        } else if (closed || waitNanos <= 0) {
          break;
        } else {
          waitNanos = notEmpty.awaitNanos(waitNanos);
        }
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void runBatch(List<Request> batch) {
    long start = nanoTime.getAsLong();
    List<Request> live = new ArrayList<>(batch.size());
    long maxWait = 0;
    for (Request r : batch) {
      long waited = start - r.enqueuedNanos;
      if (r.future.isDone()) {
        r.camera.cancelled.increment();
      } else if (waited > requestTimeoutNanos) {
        r.camera.timedOut.increment();
        safely(() -> listener.onTimeout(r.cameraId), "onTimeout");
        r.future.completeExceptionally(
            new InferenceTimeoutException(r.cameraId, waited, config.requestTimeout()));
      } else {
        live.add(r);
        maxWait = Math.max(maxWait, waited);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    List<BgrImage> images = new ArrayList<>(live.size());
    for (Request r : live) {
      images.add(r.image);
    }
    List<Detections> results;
    long inferenceStart = nanoTime.getAsLong();
    try {
      results = detector.detect(images);
      if (results == null || results.size() != images.size()) {
        throw new IllegalStateException("detector returned " + (results == null ? "null"
            : results.size() + " results") + " for a batch of " + images.size() + " images");
      }
    } catch (RuntimeException | Error e) {
      int size = live.size();
      safely(() -> listener.onBatchFailed(size, e), "onBatchFailed");
      for (Request r : live) {
        r.camera.failed.increment();
        r.future.completeExceptionally(e);
      }
      if (e instanceof Error error) {
        throw error; // out of memory or a broken native library: stop serving (see runWorker)
      }
      return;
    }
    long inferenceNanos = nanoTime.getAsLong() - inferenceStart;
    int size = live.size();
    long queueWaitMax = maxWait;
    safely(() -> listener.onBatch(size, queueWaitMax, inferenceNanos), "onBatch");
    for (int i = 0; i < size; i++) {
      Request r = live.get(i);
      r.camera.completed.increment();
      r.future.complete(results.get(i));
    }
  }

  private CameraCounters countersOf(String cameraId) {
    CameraCounters c = counters.get(cameraId);
    return c != null ? c : counters.computeIfAbsent(cameraId, id -> new CameraCounters());
  }

  private static void safely(Runnable call, String what) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("batch listener {} threw; ignored", what, e);
    }
  }

  /** One queued frame. {@code enqueuedNanos} is 0 until it is stamped on entering the queue. */
  private record Request(String cameraId, BgrImage image, CameraCounters camera,
      CompletableFuture<Detections> future, long enqueuedNanos) {

    Request stamped(long nanos) {
      return new Request(cameraId, image, camera, future, nanos);
    }
  }

  /** Live counters of one camera; adders because many submitters and the worker bump them. */
  private static final class CameraCounters {
    final LongAdder submitted = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder cancelled = new LongAdder();

    CameraStats snapshot() {
      return new CameraStats(submitted.sum(), completed.sum(), failed.sum(), timedOut.sum(),
          rejected.sum(), cancelled.sum());
    }
  }

  /** Options for {@link BatchingDetectionService}; everything but the detector has a default. */
  public static final class Builder {
    private final Detector detector;
    private final int detectorMaxBatch;
    private BatchingConfig config = BatchingConfig.defaults();
    private LongSupplier nanoTime = System::nanoTime;
    private BatchListener listener = BatchListener.NO_OP;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private String threadName;

    private Builder(Detector detector, int detectorMaxBatch) {
      this.detector = Objects.requireNonNull(detector, "detector");
      if (detectorMaxBatch < 1) {
        throw new InvalidInputException("detector max batch must be at least 1, got "
            + detectorMaxBatch);
      }
      this.detectorMaxBatch = detectorMaxBatch;
    }

    /** Batching settings (default {@link BatchingConfig#defaults()}). */
    public Builder config(BatchingConfig value) {
      this.config = Objects.requireNonNull(value, "config");
      return this;
    }

    /** Monotonic clock in nanoseconds (default {@link System#nanoTime()}). */
    public Builder nanoTime(LongSupplier value) {
      this.nanoTime = Objects.requireNonNull(value, "nanoTime");
      return this;
    }

    /** Metrics callbacks (default {@link BatchListener#NO_OP}). */
    public Builder listener(BatchListener value) {
      this.listener = Objects.requireNonNull(value, "listener; use BatchListener.NO_OP");
      return this;
    }

    /** How long {@link #close} waits for the worker (default {@link #DEFAULT_CLOSE_TIMEOUT}). */
    public Builder closeTimeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new InvalidInputException("close timeout must be positive, got " + value);
      }
      this.closeTimeout = value;
      return this;
    }

    /** The worker thread's name (default {@code tracklight-batching-N}). */
    public Builder threadName(String value) {
      if (value == null || value.isBlank()) {
        throw new InvalidInputException("worker thread name must not be blank");
      }
      this.threadName = value;
      return this;
    }

    /** Checks the config against the detector and starts the worker. */
    public BatchingDetectionService build() {
      config.requireFits(detectorMaxBatch);
      return new BatchingDetectionService(this);
    }
  }
}
