package dev.tracklight.inference.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.TestImages;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.BatchMode;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batching service on the real dynamic-batch YOLOX-Nano (CPU): batches form across cameras,
 * every caller gets exactly what a direct single-image {@code detect} of its frame gives, and the
 * failure, backpressure, timeout and close paths behave. No assertion depends on timing: a gated
 * detector decorator holds the worker while the queue is filled, and the timeout test runs on a
 * hand-driven clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchingDetectionServiceTest {

  private static final String[] IMAGES = {"dog.jpg", "person.jpg", "horses.jpg", "bus.jpg",
      "coco_val2017_000000001000.jpg", "coco_val2017_000000005001.jpg"};
  /** Bounds every wait on a future; only reached when the service is broken. */
  private static final long WAIT_SECONDS = 60;

  @TempDir
  static Path emptyCache;

  private YoloDetector real;
  private final List<BgrImage> images = new ArrayList<>();
  private final List<Detections> direct = new ArrayList<>();

  @BeforeAll
  void openDetector() {
    Path root = TestAssets.root();
    for (String name : IMAGES) {
      images.add(TestImages.read(TestAssets.file("images/" + name)));
    }
    real = YoloDetector.open(DetectorOptions.forModel("yolox-nano").withDevice(DeviceSpec.CPU),
        new ModelRegistry(root, emptyCache));
    assertEquals(BatchMode.DYNAMIC, real.info().batchMode(),
        "the batching tests need the dynamic-batch model " + real.info().source());
    for (BgrImage image : images) {
      direct.add(real.detect(image));
    }
    assertTrue(direct.stream().allMatch(d -> d.size() > 0), "every test image has detections");
  }

  @AfterAll
  void closeDetector() {
    if (real != null) {
      real.close();
    }
  }

  private static BatchingConfig config(int maxBatch, int queue) {
    return new BatchingConfig(maxBatch, Duration.ofMillis(20), queue, Duration.ofSeconds(30),
        Duration.ofSeconds(30));
  }

  private BatchingDetectionService service(InstrumentedDetector detector, BatchingConfig config,
      RecordingListener listener) {
    return BatchingDetectionService.builder(detector, DetectorOptions.DEFAULT_MAX_BATCH)
        .config(config).listener(listener).build();
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> future.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return e.getCause();
  }

  /** Submits {@code frames} frames for each of {@code cameras} cameras from one thread each. */
  private List<List<CompletableFuture<Detections>>> submitConcurrently(
      BatchingDetectionService service, int cameras, int frames) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(cameras);
    try {
      List<Future<List<CompletableFuture<Detections>>>> perCamera = new ArrayList<>();
      for (int c = 0; c < cameras; c++) {
        int cam = c;
        perCamera.add(pool.submit(() -> {
          List<CompletableFuture<Detections>> futures = new ArrayList<>();
          for (int f = 0; f < frames; f++) {
            futures.add(service.submit("cam-" + cam, images.get(imageIndex(cam, f))));
          }
          return futures;
        }));
      }
      List<List<CompletableFuture<Detections>>> result = new ArrayList<>();
      for (Future<List<CompletableFuture<Detections>>> f : perCamera) {
        result.add(f.get(WAIT_SECONDS, TimeUnit.SECONDS));
      }
      return result;
    } finally {
      pool.shutdownNow();
    }
  }

  private int imageIndex(int camera, int frame) {
    return (camera * 5 + frame) % images.size();
  }

  private void assertEachCallerGotItsOwnResult(List<List<CompletableFuture<Detections>>> futures)
      throws Exception {
    for (int c = 0; c < futures.size(); c++) {
      for (int f = 0; f < futures.get(c).size(); f++) {
        assertEquals(direct.get(imageIndex(c, f)), await(futures.get(c).get(f)),
            "camera " + c + " frame " + f);
      }
    }
  }

  @Test
  void batchesFormAcrossCamerasAndEveryCallerGetsItsOwnResult() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    RecordingListener listener = new RecordingListener();
    try (BatchingDetectionService service = service(detector, config(8, 64), listener)) {
      InstrumentedDetector.Gate gate = detector.holdNextCall();
      CompletableFuture<Detections> primer = service.submit("primer", images.get(0));
      gate.awaitEntered();
      // The worker is held inside the primer's batch, so all 32 frames queue up behind it.
      var futures = submitConcurrently(service, 4, 8);
      assertEquals(32, service.queueDepth());
      gate.open();
      assertEquals(direct.get(0), await(primer));
      assertEachCallerGotItsOwnResult(futures);
      assertEquals(List.of(1, 8, 8, 8, 8), listener.batchSizes());
      for (int c = 0; c < 4; c++) {
        assertEquals(new CameraStats(8, 8, 0, 0, 0, 0), service.cameraStats("cam-" + c));
      }
      assertEquals(0, service.queueDepth());
    }
    assertEquals(1, detector.closeCount());
  }

  @Test
  void freeRunningCamerasGetTheirOwnResults() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    RecordingListener listener = new RecordingListener();
    try (BatchingDetectionService service = service(detector, config(8, 64), listener)) {
      var futures = submitConcurrently(service, 4, 8);
      assertEachCallerGotItsOwnResult(futures);
      assertEquals(32, listener.batchSizes().stream().mapToInt(Integer::intValue).sum());
      assertTrue(listener.batches.stream().allMatch(b -> b.size() <= 8 && b.inferenceNanos() > 0
          && b.queueWaitNanosMax() >= 0), listener.batches.toString());
    }
  }

  @Test
  void detectorFailureFailsExactlyThatBatch() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    RecordingListener listener = new RecordingListener();
    try (BatchingDetectionService service = service(detector, config(8, 64), listener)) {
      InstrumentedDetector.Gate gate = detector.holdNextCall();
      CompletableFuture<Detections> primer = service.submit("cam-a", images.get(0));
      gate.awaitEntered();
      CompletableFuture<Detections> a = service.submit("cam-a", images.get(1));
      CompletableFuture<Detections> b = service.submit("cam-b", images.get(2));
      IllegalStateException boom = new IllegalStateException("simulated engine failure");
      detector.failNextCall(boom);
      gate.open();
      assertEquals(direct.get(0), await(primer));
      assertSame(boom, failureOf(a));
      assertSame(boom, failureOf(b));
      assertEquals(List.of(2), listener.failedBatchSizes);
      // The service goes on serving.
      assertEquals(direct.get(3), await(service.submit("cam-b", images.get(3))));
      assertEquals(new CameraStats(2, 1, 1, 0, 0, 0), service.cameraStats("cam-a"));
      assertEquals(new CameraStats(2, 1, 1, 0, 0, 0), service.cameraStats("cam-b"));
      assertFalse(service.isClosed());
    }
  }

  @Test
  void fullQueueRejectsAfterTheSubmitTimeout() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    RecordingListener listener = new RecordingListener();
    BatchingConfig config = new BatchingConfig(2, Duration.ZERO, 2, Duration.ofMillis(50),
        Duration.ofSeconds(30));
    try (BatchingDetectionService service = service(detector, config, listener)) {
      InstrumentedDetector.Gate gate = detector.holdNextCall();
      CompletableFuture<Detections> primer = service.submit("cam-a", images.get(0));
      gate.awaitEntered();
      CompletableFuture<Detections> q1 = service.submit("cam-a", images.get(1));
      CompletableFuture<Detections> q2 = service.submit("cam-a", images.get(2));
      CompletableFuture<Detections> rejected = service.submit("cam-b", images.get(3));
      InferenceQueueFullException full =
          assertInstanceOf(InferenceQueueFullException.class, failureOf(rejected));
      assertEquals("cam-b", full.cameraId());
      assertTrue(full.getMessage().contains("2 slots"), full.getMessage());
      assertEquals(List.of("cam-b"), listener.rejections);
      gate.open();
      assertEquals(direct.get(0), await(primer));
      assertEquals(direct.get(1), await(q1));
      assertEquals(direct.get(2), await(q2));
      assertEquals(new CameraStats(1, 0, 0, 0, 1, 0), service.cameraStats("cam-b"));
      assertEquals(new CameraStats(3, 3, 0, 0, 0, 0), service.cameraStats("cam-a"));
    }
  }

  @Test
  void fullQueueBlocksTheSubmitterUntilASlotFrees() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    RecordingListener listener = new RecordingListener();
    try (BatchingDetectionService service = service(detector, config(2, 2), listener)) {
      InstrumentedDetector.Gate gate = detector.holdNextCall();
      CompletableFuture<Detections> primer = service.submit("cam-a", images.get(0));
      gate.awaitEntered();
      service.submit("cam-a", images.get(1));
      service.submit("cam-a", images.get(2));
      AtomicReference<CompletableFuture<Detections>> blocked = new AtomicReference<>();
      Thread submitter = new Thread(() -> blocked.set(service.submit("cam-b", images.get(4))));
      submitter.start();
      while (submitter.getState() != Thread.State.TIMED_WAITING) {
        assertTrue(submitter.isAlive(), "the submitter returned although the queue was full");
        Thread.onSpinWait();
      }
      assertEquals(null, blocked.get(), "submit returned while the queue was full");
      gate.open();
      submitter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertEquals(direct.get(4), await(blocked.get()));
      assertEquals(direct.get(0), await(primer));
      assertTrue(listener.rejections.isEmpty());
    }
  }

  @Test
  void requestsThatWaitedPastTheDeadlineFailInsteadOfRunningLate() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    RecordingListener listener = new RecordingListener();
    AtomicLong clock = new AtomicLong();
    BatchingConfig config = new BatchingConfig(8, Duration.ofMillis(10), 64,
        Duration.ofSeconds(30), Duration.ofSeconds(1));
    try (BatchingDetectionService service = BatchingDetectionService
        .builder(detector, DetectorOptions.DEFAULT_MAX_BATCH).config(config).listener(listener)
        .nanoTime(clock::get).build()) {
      InstrumentedDetector.Gate gate = detector.holdNextCall();
      CompletableFuture<Detections> primer = service.submit("cam-a", images.get(0));
      gate.awaitEntered();
      CompletableFuture<Detections> stale = service.submit("cam-stale", images.get(1));
      clock.addAndGet(Duration.ofMillis(1500).toNanos());
      CompletableFuture<Detections> fresh = service.submit("cam-fresh", images.get(2));
      gate.open();
      assertEquals(direct.get(0), await(primer));
      InferenceTimeoutException timeout =
          assertInstanceOf(InferenceTimeoutException.class, failureOf(stale));
      assertEquals("cam-stale", timeout.cameraId());
      assertTrue(timeout.getMessage().contains("waited 1500 ms"), timeout.getMessage());
      assertEquals(direct.get(2), await(fresh));
      assertEquals(List.of("cam-stale"), listener.timeouts);
      // The expired frame never reached the detector: the second batch held only the fresh one.
      assertEquals(List.of(1, 1), detector.batchSizes());
      assertEquals(new CameraStats(1, 0, 0, 1, 0, 0), service.cameraStats("cam-stale"));
      // Measured on the injected clock: the clock moved 1.5 s while the primer's batch was held
      // in detect; neither surviving frame waited, and the second batch took no clock time.
      assertEquals(List.of(new RecordingListener.Batch(1, 0, Duration.ofMillis(1500).toNanos()),
          new RecordingListener.Batch(1, 0, 0)), listener.batches);
    }
  }

  @Test
  void closeFailsQueuedRequestsFinishesTheRunningBatchAndStopsTheWorker() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    BatchingDetectionService service = BatchingDetectionService
        .builder(detector, DetectorOptions.DEFAULT_MAX_BATCH).config(config(8, 64))
        .threadName("batching-close-test").build();
    InstrumentedDetector.Gate gate = detector.holdNextCall();
    CompletableFuture<Detections> running = service.submit("cam-a", images.get(0));
    gate.awaitEntered();
    List<CompletableFuture<Detections>> queued = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      queued.add(service.submit("cam-b", images.get(i)));
    }
    Thread closer = new Thread(service::close);
    closer.start();
    for (CompletableFuture<Detections> q : queued) {
      // Failed by close() itself, while the worker is still held in the running batch.
      InferenceServiceClosedException e =
          assertInstanceOf(InferenceServiceClosedException.class, failureOf(q));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
    assertFalse(running.isDone());
    assertEquals(0, detector.closeCount(), "detector closed under a running batch");
    assertInstanceOf(InferenceServiceClosedException.class,
        failureOf(service.submit("cam-c", images.get(4))));
    gate.open();
    closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertFalse(closer.isAlive());
    assertEquals(direct.get(0), await(running));
    assertEquals(1, detector.closeCount());
    assertTrue(service.isClosed());
    service.close(); // idempotent
    assertEquals(1, detector.closeCount());
    assertTrue(Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().equals("batching-close-test")), "worker thread leaked");
    assertEquals(new CameraStats(3, 0, 3, 0, 0, 0), service.cameraStats("cam-b"));
    assertEquals(new CameraStats(1, 0, 1, 0, 0, 0), service.cameraStats("cam-c"));
  }

  @Test
  void closeReturnsAtItsDeadlineAndTheStuckBatchClosesTheDetectorLater() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    BatchingDetectionService service = BatchingDetectionService
        .builder(detector, DetectorOptions.DEFAULT_MAX_BATCH).config(config(8, 64))
        .closeTimeout(Duration.ofMillis(20)).build();
    InstrumentedDetector.Gate gate = detector.holdNextCall();
    CompletableFuture<Detections> running = service.submit("cam-a", images.get(0));
    gate.awaitEntered();
    service.close();
    assertEquals(0, detector.closeCount(), "detector closed under a running batch");
    gate.open();
    assertEquals(direct.get(0), await(running));
    assertTrue(detector.awaitClosed(WAIT_SECONDS), "detector never closed");
    assertEquals(1, detector.closeCount());
  }

  @Test
  void aFatalErrorInTheDetectorStopsTheServiceAndFailsWhatIsQueued() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    BatchingConfig oneByOne = new BatchingConfig(1, Duration.ZERO, 8, Duration.ofSeconds(30),
        Duration.ofSeconds(30));
    BatchingDetectionService service = service(detector, oneByOne, new RecordingListener());
    InstrumentedDetector.Gate gate = detector.holdNextCall();
    CompletableFuture<Detections> primer = service.submit("cam-a", images.get(0));
    gate.awaitEntered();
    CompletableFuture<Detections> hit = service.submit("cam-a", images.get(1));
    CompletableFuture<Detections> after = service.submit("cam-a", images.get(2));
    AssertionError fatal = new AssertionError("simulated fatal native error");
    detector.failNextCall(fatal);
    gate.open();
    assertEquals(direct.get(0), await(primer));
    assertSame(fatal, failureOf(hit));
    Throwable closed = failureOf(after);
    assertInstanceOf(InferenceServiceClosedException.class, closed);
    assertSame(fatal, closed.getCause());
    assertTrue(detector.awaitClosed(WAIT_SECONDS));
    assertTrue(service.isClosed());
    service.close();
    assertEquals(1, detector.closeCount());
  }

  @Test
  void aThrowingListenerDoesNotStrandFutures() throws Exception {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    BatchListener broken = new BatchListener() {
      @Override
      public void onBatch(int size, long queueWaitNanosMax, long inferenceNanos) {
        throw new IllegalStateException("metrics backend down");
      }
    };
    try (BatchingDetectionService service = BatchingDetectionService
        .builder(detector, DetectorOptions.DEFAULT_MAX_BATCH).listener(broken).build()) {
      assertEquals(direct.get(5), await(service.submit("cam-a", images.get(5))));
      assertEquals(direct.get(4), await(service.submit("cam-a", images.get(4))));
    }
  }

  @Test
  void rejectsBadArgumentsAndOversizedBatches() {
    InstrumentedDetector detector = new InstrumentedDetector(real);
    try (BatchingDetectionService service = service(detector, config(8, 64),
        new RecordingListener())) {
      assertThrows(InvalidInputException.class, () -> service.submit(" ", images.get(0)));
      assertThrows(InvalidInputException.class, () -> service.submit("cam-a", null));
    }
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> BatchingDetectionService.builder(detector, 4).config(config(8, 64)).build());
    assertEquals("batching max batch 8 exceeds the detector's max batch 4; expected at most 4",
        e.getMessage());
  }
}
