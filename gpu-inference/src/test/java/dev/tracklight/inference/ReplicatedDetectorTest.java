package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.engine.BatchMode;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.EngineThreads;
import dev.tracklight.inference.model.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copies of a model splitting batches: same results as one copy, real concurrency, clean close. */
class ReplicatedDetectorTest {

  /** Far beyond any legitimate wait; a test that reaches it has failed. */
  private static final long LIMIT_SECONDS = 60;

  @TempDir
  Path cache;

  /**
   * A scripted copy: returns, per image, one detection whose score is the image's width / 1000 (so
   * order can be checked), records its thread and the widths it saw, and can make its next call
   * wait at a barrier shared with the other copies (so concurrency is proven, not timed).
   */
  private static final class ScriptedCopy implements Detector {
    final List<Integer> widths = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final AtomicInteger closes = new AtomicInteger();
    volatile CyclicBarrier barrier;
    volatile RuntimeException fail;

    @Override
    public List<Detections> detect(List<BgrImage> images) {
      threads.add(Thread.currentThread().getName());
      images.forEach(i -> widths.add(i.width()));
      CyclicBarrier b = barrier;
      barrier = null;
      if (b != null) {
        try {
          b.await(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("copies did not run at the same time", e);
        }
      }
      if (fail != null) {
        throw fail;
      }
      List<Detections> out = new ArrayList<>();
      for (BgrImage i : images) {
        out.add(Detections.of(new float[] {0, 0, 1, 1}, new float[] {i.width() / 1000f}, new int[] {0}));
      }
      return out;
    }

    @Override
    public ClassNames classNames() {
      return ClassNames.COCO;
    }

    @Override
    public ModelInfo info() {
      return new ModelInfo("scripted", ModelFamily.YOLOX, 64, EngineKind.ONNXRUNTIME, DeviceSpec.CPU,
          BatchMode.DYNAMIC, 80, Path.of("scripted.onnx"));
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  private static List<BgrImage> imagesOfWidths(int... widths) {
    List<BgrImage> images = new ArrayList<>();
    for (int w : widths) {
      images.add(new BgrImage(w, 2, new byte[w * 2 * 3]));
    }
    return images;
  }

  private static void awaitCopies(ReplicatedDetector d, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
    while (d.readyCopies() < n) {
      assertTrue(System.nanoTime() < deadline, "copies still loading after " + LIMIT_SECONDS + " s");
      Thread.sleep(10);
    }
  }

  @Test
  void copiesShareOutTheImagesConcurrentlyAndResultsKeepInputOrder() throws Exception {
    ScriptedCopy a = new ScriptedCopy();
    ScriptedCopy b = new ScriptedCopy();
    ScriptedCopy c = new ScriptedCopy();
    List<ScriptedCopy> more = List.of(b, c);
    AtomicInteger next = new AtomicInteger();
    try (ReplicatedDetector d = new ReplicatedDetector(a, () -> more.get(next.getAndIncrement()), 3)) {
      awaitCopies(d, 3);
      // Each copy's first call waits until all three are inside one: they run at the same time.
      CyclicBarrier all = new CyclicBarrier(3);
      a.barrier = all;
      b.barrier = all;
      c.barrier = all;
      List<Detections> out = d.detect(imagesOfWidths(1, 2, 3, 4, 5, 6, 7));
      for (int i = 0; i < 7; i++) {
        assertEquals((i + 1) / 1000f, out.get(i).score(0), "result " + i + " in input order");
      }
      List<Integer> seen = new ArrayList<>();
      for (ScriptedCopy copy : List.of(a, b, c)) {
        assertTrue(!copy.widths.isEmpty(), "every copy took images");
        seen.addAll(copy.widths);
      }
      seen.sort(null);
      assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), seen, "each image detected exactly once");
      assertEquals(Thread.currentThread().getName(), a.threads.get(0), "the caller drives the first copy");
      assertNotEquals(b.threads.get(0), c.threads.get(0));

      // A batch smaller than the copies uses only as many copies as it has images.
      int before = a.widths.size();
      assertEquals(1, d.detect(imagesOfWidths(9)).size());
      assertEquals(9, a.widths.get(before));
    }
    assertEquals(List.of(1, 1, 1), List.of(a.closes.get(), b.closes.get(), c.closes.get()));
  }

  @Test
  void aFailingCopyFailsTheBatchAfterEveryCopyIsDone() throws Exception {
    ScriptedCopy a = new ScriptedCopy();
    ScriptedCopy b = new ScriptedCopy();
    try (ReplicatedDetector d = new ReplicatedDetector(a, () -> b, 2)) {
      awaitCopies(d, 2);
      CyclicBarrier both = new CyclicBarrier(2);
      a.barrier = both;
      b.barrier = both; // both take an image before b fails
      b.fail = new IllegalStateException("native failure");
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.detect(imagesOfWidths(1, 2)));
      assertEquals("native failure", e.getMessage());
      assertEquals(1, a.widths.size(), "the first copy's image ran too");
      b.fail = null;
      assertEquals(2, d.detect(imagesOfWidths(3, 4)).size(), "the next batch works");
    }
  }

  @Test
  void batchesBeforeTheCopiesAreReadyAndCopiesThatFailToLoad() throws Exception {
    ScriptedCopy a = new ScriptedCopy();
    CountDownLatch release = new CountDownLatch(1);
    Supplier<Detector> slowThenBroken = () -> {
      try {
        release.await(LIMIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("out of memory");
    };
    try (ReplicatedDetector d = new ReplicatedDetector(a, slowThenBroken, 3)) {
      assertEquals(1, d.readyCopies());
      assertEquals(3, d.detect(imagesOfWidths(1, 2, 3)).size(), "served by the first copy alone");
      assertEquals(List.of(1, 2, 3), a.widths);
      release.countDown();
    }
    assertEquals(1, a.closes.get());
  }

  @Test
  void aCopyLoadedAfterCloseIsClosedToo() {
    ScriptedCopy a = new ScriptedCopy();
    ScriptedCopy late = new ScriptedCopy();
    CountDownLatch closing = new CountDownLatch(1);
    ReplicatedDetector d = new ReplicatedDetector(a, () -> {
      try {
        closing.await(LIMIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return late;
    }, 2);
    Thread closer = new Thread(d::close);
    closer.start();
    closing.countDown();
    assertTrue(joined(closer));
    assertEquals(1, a.closes.get());
    assertEquals(1, late.closes.get());
    assertThrows(IllegalStateException.class, () -> d.detect(imagesOfWidths(1)));
  }

  private static boolean joined(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(LIMIT_SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !t.isAlive();
  }

  /** Two real single-threaded copies give exactly what one such copy gives image by image. */
  @Test
  void realCopiesMatchOneCopyOnTheSameSlices() throws Exception {
    ModelRegistry registry = new ModelRegistry(TestAssets.root(), cache);
    DetectorOptions options = DetectorOptions.forModel("yolox-nano").withDevice(DeviceSpec.CPU);
    List<BgrImage> images = new ArrayList<>();
    for (String name : List.of("dog.jpg", "person.jpg", "horses.jpg", "bus.jpg", "coco_val2017_000000001000.jpg")) {
      images.add(TestImages.read(TestAssets.file("images/" + name)));
    }
    List<Detections> expected = new ArrayList<>();
    try (YoloDetector one = YoloDetector.open(options.withThreads(new EngineThreads(1, 1, false)), registry)) {
      for (BgrImage image : images) {
        expected.add(one.detect(image));
      }
    }
    try (Detector opened = ReplicatedDetector.open(options.withThreads(new EngineThreads(2, 1, false)), registry)) {
      ReplicatedDetector d = assertInstanceOf(ReplicatedDetector.class, opened);
      assertEquals("yolox-nano", d.info().name());
      awaitCopies(d, 2);
      assertEquals(expected, d.detect(images));
    }
    try (Detector single = ReplicatedDetector.open(options.withThreads(EngineThreads.ALONE), registry)) {
      assertInstanceOf(YoloDetector.class, single, "one copy needs no wrapper");
      assertSame(ClassNames.COCO, single.classNames());
    }
  }
}
