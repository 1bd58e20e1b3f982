package dev.tracklight.pipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.batching.BatchListener;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.inference.batching.BatchingDetectionService;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Throughput of N concurrent cameras through one {@link BatchingDetectionService} against the same
 * N cameras calling {@code detect} directly on the same (synchronized) detector, one frame per
 * call: what the service's cross-camera batching buys, or costs, on this machine.
 *
 * <p>For 1, 2 and 4 cameras, each camera is a thread that pushes {@code framesPerCamera} frames
 * (the six reference photos, cycled). Through the service a camera keeps up to
 * {@code inFlightPerCamera} frames outstanding, as a Flink async operator with that capacity would;
 * directly it can only wait for each call. Timed rounds of the two modes alternate. Reports median
 * frames/s for both (and every round), the service-to-direct ratio, and
 * from a {@link BatchListener} the batch-size distribution, mean queue wait and mean inference time
 * per batch. Not JMH: a forward pass takes tens of milliseconds and the model must load once, so
 * wall-clock timing after a warm-up round is adequate. On a CPU, ONNX Runtime gains nothing from
 * batching (MANIFEST: 17 ms per image at batch 1, 4 and 8), so this measures the service's overhead;
 * on a GPU the same run shows the batching gain.
 */
public final class BatchingBench {

  private static final int[] CAMERA_COUNTS = {1, 2, 4};
  private static final String[] IMAGES = {"dog.jpg", "person.jpg", "horses.jpg", "bus.jpg",
      "coco_val2017_000000001000.jpg", "coco_val2017_000000005001.jpg"};
  /**
   * Frames per camera before each timed round: ORT sizes its arenas for each new batch size and
   * the JIT compiles the service's paths during the first few calls.
   */
  private static final int WARMUP_FRAMES = 16;
  /**
   * Generous submit and request timeouts: the benchmark saturates the detector on purpose, and a
   * rejected or expired frame would make the rate meaningless (any failure aborts the run).
   */
  private static final Duration NO_REJECTIONS = Duration.ofMinutes(5);

  private BatchingBench() {}

  /**
   * Measures and returns a JSON-ready report.
   *
   * @param assetsDir the {@code TRACKLIGHT_ASSETS} root (models/ and images/)
   * @param device where the detector runs
   * @param framesPerCamera timed frames per camera and mode
   * @param inFlightPerCamera most frames a camera has outstanding in the service
   * @param rounds timed rounds per mode and camera count (medians are reported)
   * @param maxDelay the service's batching delay
   * @param nanoClock monotonic clock in nanoseconds
   */
  public static Map<String, Object> run(Path assetsDir, DeviceSpec device, int framesPerCamera,
      int inFlightPerCamera, int rounds, Duration maxDelay, LongSupplier nanoClock) {
    if (rounds < 1) {
      throw new InvalidInputException("rounds must be at least 1, got " + rounds);
    }
    if (framesPerCamera < 1) {
      throw new InvalidInputException("frames per camera must be at least 1, got " + framesPerCamera);
    }
    if (inFlightPerCamera < 1) {
      throw new InvalidInputException("in-flight frames per camera must be at least 1, got "
          + inFlightPerCamera);
    }
    List<BgrImage> images = new ArrayList<>();
    for (String name : IMAGES) {
      images.add(DetectorThroughputBench.readImage(assetsDir.resolve("images").resolve(name)));
    }
    DetectorOptions options = DetectorOptions.forModel("yolox-nano").withDevice(device);
    BatchingConfig batching = BatchingConfig.defaults().withMaxDelay(maxDelay)
        .withQueueCapacity(Math.max(BatchingConfig.DEFAULT_QUEUE_CAPACITY,
            CAMERA_COUNTS[CAMERA_COUNTS.length - 1] * inFlightPerCamera))
        .withSubmitTimeout(NO_REJECTIONS).withRequestTimeout(NO_REJECTIONS);
    ModelRegistry registry = new ModelRegistry(assetsDir, ModelRegistry.fromEnvironment().cacheDir());
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("cpu_cores", Runtime.getRuntime().availableProcessors());
    report.put("frames_per_camera", framesPerCamera);
    report.put("in_flight_per_camera", inFlightPerCamera);
    report.put("rounds", rounds);
    report.put("max_batch", batching.maxBatch());
    report.put("max_delay_ms", maxDelay.toNanos() / 1e6);
    try (YoloDetector detector = YoloDetector.open(options, registry)) {
      report.put("model", detector.info().name());
      report.put("file", detector.info().source().getFileName().toString());
      report.put("batch_mode", detector.info().batchMode().name());
      report.put("device", detector.info().device().toString());
      List<Object> rows = new ArrayList<>();
      for (int cameras : CAMERA_COUNTS) {
        Stats stats = new Stats();
        // The service must not close the benchmark's detector: it gets a view that ignores close.
        try (BatchingDetectionService service = BatchingDetectionService
            .builder(new UnclosableDetector(detector), options.maxBatch())
            .config(batching).listener(stats).nanoTime(nanoClock).build()) {
          runDirect(detector, images, cameras, WARMUP_FRAMES, nanoClock);
          runService(service, images, cameras, WARMUP_FRAMES, inFlightPerCamera, nanoClock);
          stats.reset();
          // Rounds alternate which mode goes first, so that load from other processes, which
          // drifts over seconds on a shared machine, hits both modes alike; medians resist outliers.
          double[] direct = new double[rounds];
          double[] batched = new double[rounds];
          for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
              direct[r] = runDirect(detector, images, cameras, framesPerCamera, nanoClock);
            }
            batched[r] =
                runService(service, images, cameras, framesPerCamera, inFlightPerCamera, nanoClock);
            if (r % 2 == 1) {
              direct[r] = runDirect(detector, images, cameras, framesPerCamera, nanoClock);
            }
          }
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("cameras", cameras);
          row.put("direct_frames_per_s", round(median(direct)));
          row.put("service_frames_per_s", round(median(batched)));
          row.put("service_vs_direct", round(median(batched) / median(direct)));
          row.put("direct_frames_per_s_rounds", roundAll(direct));
          row.put("service_frames_per_s_rounds", roundAll(batched));
          row.putAll(stats.toJson());
          rows.add(row);
        }
      }
      report.put("results", rows);
    }
    return report;
  }

  /** Each camera thread calls {@code detect} on one frame at a time; returns frames/s. */
  private static double runDirect(YoloDetector detector, List<BgrImage> images, int cameras,
      int frames, LongSupplier clock) {
    return timeCameras(cameras, clock, camera -> {
      for (int f = 0; f < frames; f++) {
        detector.detect(images.get((camera + f) % images.size()));
      }
    }) * cameras * frames;
  }

  /** Each camera thread keeps up to {@code inFlight} frames in the service; returns frames/s. */
  private static double runService(BatchingDetectionService service, List<BgrImage> images,
      int cameras, int frames, int inFlight, LongSupplier clock) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    double rate = timeCameras(cameras, clock, camera -> {
      Semaphore window = new Semaphore(inFlight);
      for (int f = 0; f < frames; f++) {
        window.acquireUninterruptibly();
        service.submit("cam-" + camera, images.get((camera + f) % images.size()))
            .whenComplete((detections, error) -> {
              if (error != null) {
                failure.compareAndSet(null, error);
              }
              window.release();
            });
      }
      window.acquireUninterruptibly(inFlight); // all of this camera's frames are done
    }) * cameras * frames;
    if (failure.get() != null) {
      throw new IllegalStateException("a frame failed during the benchmark", failure.get());
    }
    return rate;
  }

  /** A camera's work, given its index. */
  private interface CameraLoop {
    void run(int camera);
  }

  /** Starts one thread per camera together and returns 1 / wall seconds until all finish. */
  private static double timeCameras(int cameras, LongSupplier clock, CameraLoop loop) {
    CountDownLatch ready = new CountDownLatch(cameras);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int c = 0; c < cameras; c++) {
      int camera = c;
      Thread t = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
          loop.run(camera);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "bench-camera-" + c);
      threads.add(t);
      t.start();
    }
    try {
      ready.await();
      long start = clock.getAsLong();
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      long elapsed = clock.getAsLong() - start;
      if (failure.get() != null) {
        throw new IllegalStateException("a camera thread failed", failure.get());
      }
      return 1e9 / elapsed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static List<Double> roundAll(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(round(v));
    }
    return list;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Batch sizes, queue waits and inference times reported by the service. */
  private static final class Stats implements BatchListener {
    private final Map<Integer, LongAdder> sizes = new java.util.concurrent.ConcurrentHashMap<>();
    private final LongAdder batches = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final LongAdder queueWaitMaxNanos = new LongAdder();
    private final LongAdder inferenceNanos = new LongAdder();

    @Override
    public void onBatch(int size, long queueWaitNanosMax, long inference) {
      sizes.computeIfAbsent(size, s -> new LongAdder()).increment();
      batches.increment();
      frames.add(size);
      queueWaitMaxNanos.add(queueWaitNanosMax);
      inferenceNanos.add(inference);
    }

    void reset() {
      sizes.clear();
      for (LongAdder a : List.of(batches, frames, queueWaitMaxNanos, inferenceNanos)) {
        a.reset();
      }
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      long n = batches.sum();
      Map<String, Long> histogram = new TreeMap<>((a, b) -> Integer.parseInt(a) - Integer.parseInt(b));
      sizes.forEach((size, count) -> histogram.put(Integer.toString(size), count.sum()));
      json.put("batches", n);
      json.put("mean_batch_size", round((double) frames.sum() / n));
      json.put("batch_size_histogram", histogram);
      json.put("mean_queue_wait_max_ms", round(queueWaitMaxNanos.sum() / 1e6 / n));
      json.put("mean_inference_ms_per_batch", round(inferenceNanos.sum() / 1e6 / n));
      json.put("mean_inference_ms_per_frame", round(inferenceNanos.sum() / 1e6 / frames.sum()));
      return json;
    }
  }

  /**
   * {@code BatchingBench ASSETS_DIR [FRAMES_PER_CAMERA [IN_FLIGHT [ROUNDS [DEVICE]]]]}: prints the
   * report as JSON (defaults 24 frames, 8 in flight, 3 rounds, cpu).
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println(
          "usage: BatchingBench ASSETS_DIR [FRAMES_PER_CAMERA [IN_FLIGHT [ROUNDS [DEVICE]]]]");
      System.exit(2);
    }
    int frames = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    DeviceSpec device = args.length > 4 ? DeviceSpec.parse(args[4]) : DeviceSpec.CPU;
    Map<String, Object> report = run(Path.of(args[0]), device, frames, inFlight, rounds,
        BatchingConfig.DEFAULT_MAX_DELAY, System::nanoTime);
    System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(report));
    System.out.flush();
  }
}
