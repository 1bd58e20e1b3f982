package dev.tracklight.inference.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.TestImages;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry shares one service per key and closes it with its last lease. Every service wraps
 * the one real YOLOX-Nano detector of this class in an {@link InstrumentedDetector}, so "closed
 * exactly once" is counted per service without reloading the model for each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedDetectionServicesTest {

  private static final DetectorOptions OPTIONS =
      DetectorOptions.forModel("yolox-nano").withDevice(DeviceSpec.CPU);
  private static final SharedDetectionServices.Key KEY =
      new SharedDetectionServices.Key(OPTIONS, BatchingConfig.defaults());
  private static final SharedDetectionServices.Key OTHER_KEY = new SharedDetectionServices.Key(
      OPTIONS, BatchingConfig.defaults().withMaxDelay(Duration.ofMillis(5)));

  @TempDir
  static Path emptyCache;

  private YoloDetector real;
  private BgrImage dog;

  /** Counts creations and keeps every detector it handed out. */
  private final class CountingFactory implements SharedDetectionServices.ServiceFactory {
    final List<InstrumentedDetector> detectors = new CopyOnWriteArrayList<>();
    final AtomicInteger created = new AtomicInteger();

    @Override
    public BatchingDetectionService create(SharedDetectionServices.Key key) {
      created.incrementAndGet();
      InstrumentedDetector detector = new InstrumentedDetector(real);
      detectors.add(detector);
      return BatchingDetectionService.builder(detector, key.detector().maxBatch())
          .config(key.batching()).build();
    }

    void assertEachClosedExactlyOnce() {
      for (InstrumentedDetector d : detectors) {
        assertEquals(1, d.closeCount(), "detector close count");
      }
    }
  }

  @BeforeAll
  void openDetector() {
    Path root = TestAssets.root();
    real = YoloDetector.open(OPTIONS, new ModelRegistry(root, emptyCache));
    dog = TestImages.read(TestAssets.file("images/dog.jpg"));
  }

  @AfterAll
  void closeDetector() {
    if (real != null) {
      real.close();
    }
  }

  @Test
  void equalKeysShareOneServiceUntilTheLastLeaseCloses() throws Exception {
    CountingFactory factory = new CountingFactory();
    SharedDetectionServices registry = new SharedDetectionServices(factory);
    SharedDetectionServices.Lease first = registry.acquire(KEY);
    // A key built separately from equal values finds the same service.
    SharedDetectionServices.Lease second = registry.acquire(
        new SharedDetectionServices.Key(DetectorOptions.forModel("yolox-nano")
            .withDevice(DeviceSpec.CPU), BatchingConfig.defaults()));
    assertSame(first.service(), second.service());
    assertEquals(1, factory.created.get());

    BatchingDetectionService shared = first.service();
    first.close();
    first.close(); // a lease closes once
    assertTrue(!shared.isClosed(), "service closed while a lease still holds it");
    assertEquals(0, factory.detectors.get(0).closeCount());
    assertEquals(real.detect(dog), second.service().submit("cam-1", dog).get(60, TimeUnit.SECONDS));
    assertThrows(IllegalStateException.class, first::service);

    second.close();
    assertTrue(shared.isClosed());
    factory.assertEachClosedExactlyOnce();
    assertEquals(0, registry.liveServices());
  }

  @Test
  void reacquiringAfterTheLastCloseCreatesAFreshService() {
    CountingFactory factory = new CountingFactory();
    SharedDetectionServices registry = new SharedDetectionServices(factory);
    BatchingDetectionService before;
    try (SharedDetectionServices.Lease lease = registry.acquire(KEY)) {
      before = lease.service();
    }
    try (SharedDetectionServices.Lease lease = registry.acquire(KEY)) {
      assertNotSame(before, lease.service());
      assertTrue(!lease.service().isClosed());
    }
    assertEquals(2, factory.created.get());
    factory.assertEachClosedExactlyOnce();
  }

  /** How the CLI hands its already loaded model to the job's subtasks (ReplayCommand). */
  @Test
  void aHandedOverServiceIsSharedAndTheFactoryIsNotCalled() {
    CountingFactory factory = new CountingFactory();
    CountingFactory handOver = new CountingFactory();
    SharedDetectionServices registry = new SharedDetectionServices(factory);
    try (SharedDetectionServices.Lease cli = registry.acquire(KEY, handOver)) {
      try (SharedDetectionServices.Lease subtask = registry.acquire(KEY)) {
        assertSame(cli.service(), subtask.service());
      }
      // The key is live: a second hand-over is not taken (the caller keeps its model).
      try (SharedDetectionServices.Lease again = registry.acquire(KEY, handOver)) {
        assertSame(cli.service(), again.service());
      }
      assertTrue(!cli.service().isClosed(), "the CLI's lease still holds the service");
    }
    assertEquals(0, factory.created.get());
    assertEquals(1, handOver.created.get());
    handOver.assertEachClosedExactlyOnce();
    assertEquals(0, registry.liveServices());
  }

  @Test
  void differentKeysGetDifferentServices() {
    CountingFactory factory = new CountingFactory();
    SharedDetectionServices registry = new SharedDetectionServices(factory);
    try (SharedDetectionServices.Lease a = registry.acquire(KEY);
        SharedDetectionServices.Lease b = registry.acquire(OTHER_KEY)) {
      assertNotSame(a.service(), b.service());
      assertEquals(2, registry.liveServices());
    }
    factory.assertEachClosedExactlyOnce();
  }

  @Test
  void concurrentAcquireAndReleaseEndsWithEverythingClosedExactlyOnce() throws Exception {
    CountingFactory factory = new CountingFactory();
    SharedDetectionServices registry = new SharedDetectionServices(factory);
    int threads = 8;
    int rounds = 100;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          ThreadLocalRandom random = ThreadLocalRandom.current();
          List<SharedDetectionServices.Lease> held = new ArrayList<>();
          for (int r = 0; r < rounds; r++) {
            if (held.isEmpty() || random.nextBoolean()) {
              SharedDetectionServices.Lease lease =
                  registry.acquire(random.nextBoolean() ? KEY : OTHER_KEY);
              assertTrue(!lease.service().isClosed(), "acquired a closed service");
              held.add(lease);
            } else {
              held.remove(random.nextInt(held.size())).close();
            }
          }
          held.forEach(SharedDetectionServices.Lease::close);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, registry.liveServices());
    assertEquals(factory.created.get(), factory.detectors.size());
    assertTrue(factory.created.get() >= 2, "both keys were created");
    factory.assertEachClosedExactlyOnce();
  }

  @Test
  void callersArrivingDuringASlowCreationWaitForItAndShareTheResult() throws Exception {
    CountingFactory counting = new CountingFactory();
    java.util.concurrent.CountDownLatch inFactory = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch modelLoaded = new java.util.concurrent.CountDownLatch(1);
    SharedDetectionServices registry = new SharedDetectionServices(key -> {
      inFactory.countDown();
      try {
        assertTrue(modelLoaded.await(60, TimeUnit.SECONDS), "test never finished the load");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return counting.create(key);
    });
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<SharedDetectionServices.Lease> creator = pool.submit(() -> registry.acquire(KEY));
      assertTrue(inFactory.await(60, TimeUnit.SECONDS));
      AtomicInteger waiterThreadState = new AtomicInteger();
      Thread[] waiterThread = new Thread[1];
      Future<SharedDetectionServices.Lease> waiter = pool.submit(() -> {
        waiterThread[0] = Thread.currentThread();
        waiterThreadState.set(1);
        return registry.acquire(KEY);
      });
      while (waiterThreadState.get() == 0
          || waiterThread[0].getState() != Thread.State.WAITING) {
        assertTrue(!waiter.isDone(), "the second caller did not wait for the creation");
        Thread.onSpinWait();
      }
      modelLoaded.countDown();
      try (SharedDetectionServices.Lease a = creator.get(60, TimeUnit.SECONDS);
          SharedDetectionServices.Lease b = waiter.get(60, TimeUnit.SECONDS)) {
        assertSame(a.service(), b.service());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, counting.created.get());
    counting.assertEachClosedExactlyOnce();
  }

  @Test
  void aFailedCreationIsRethrownAndRetriedOnTheNextAcquire() {
    AtomicInteger attempts = new AtomicInteger();
    CountingFactory working = new CountingFactory();
    SharedDetectionServices registry = new SharedDetectionServices(key -> {
      if (attempts.incrementAndGet() == 1) {
        throw new InvalidInputException("model file is missing");
      }
      return working.create(key);
    });
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> registry.acquire(KEY));
    assertEquals("model file is missing", e.getMessage());
    assertEquals(0, registry.liveServices());
    try (SharedDetectionServices.Lease lease = registry.acquire(KEY)) {
      assertTrue(!lease.service().isClosed());
    }
    working.assertEachClosedExactlyOnce();
  }

  @Test
  void aKeyWhoseBatchExceedsTheDetectorsIsRejected() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new SharedDetectionServices.Key(OPTIONS.withMaxBatch(4), BatchingConfig.defaults()));
    assertEquals("batching max batch 8 exceeds the detector's max batch 4; expected at most 4",
        e.getMessage());
  }
}
