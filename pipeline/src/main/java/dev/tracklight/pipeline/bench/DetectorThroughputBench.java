package dev.tracklight.pipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InputShape;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.BatchMode;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.InferenceEngine;
import dev.tracklight.inference.model.ModelRegistry;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.imageio.ImageIO;

/**
 * End-to-end detector throughput on the CPU, per engine and batch size, split into the engine's
 * forward pass and our pre- and post-processing, so the cost of each is visible.
 *
 * <p>For every engine (ONNX Runtime with {@code yolox-nano}, PyTorch with {@code yolox-nano-ts})
 * and batch size 1, 4, 8 it times {@code iterations} calls of the whole {@code detect} and, inside
 * each call, the engine's {@link InferenceEngine#forward} ({@link TimedEngine}): before it is the
 * letterbox ({@code preprocess}), after it decode, NMS and the results ({@code other_overhead}).
 * Every stage is part of the same call, so none is negative and the forward share stays in [0, 1]
 * (an earlier version subtracted medians of separate calls and reported both impossibilities under
 * load). Reports medians per image. Images are the six reference photos, cycled. Each engine is opened, measured
 * and closed in turn (two live engines in one JVM contend for the cores). Not a JMH benchmark: the
 * forward pass takes tens of milliseconds, so plain wall-clock timing after a warm-up is adequate.
 */
public final class DetectorThroughputBench {

  private static final int[] BATCH_SIZES = {1, 4, 8};
  /**
   * Calls of each kind before timing: LibTorch's profiling executor re-optimises the graph for
   * every new input shape during its first few runs, ORT sizes its arenas, the JIT compiles ours.
   */
  private static final int WARMUP_CALLS = 5;
  private static final String[] IMAGES = {"dog.jpg", "person.jpg", "horses.jpg", "bus.jpg",
      "coco_val2017_000000001000.jpg", "coco_val2017_000000005001.jpg"};

  private DetectorThroughputBench() {}

  /** Runs with {@link System#nanoTime()} as the clock. */
  public static Map<String, Object> run(Path assetsDir, int iterations) {
    return run(assetsDir, iterations, System::nanoTime);
  }

  /**
   * Measures and returns a JSON-ready map (engines → batch sizes → rates and per-image times).
   *
   * @param assetsDir the {@code TRACKLIGHT_ASSETS} root (models/ and images/)
   * @param iterations timed calls per measurement
   * @param nanoClock monotonic clock in nanoseconds
   */
  public static Map<String, Object> run(Path assetsDir, int iterations, LongSupplier nanoClock) {
    if (iterations < 1) {
      throw new InvalidInputException("iterations must be at least 1, got " + iterations);
    }
    List<BgrImage> images = new ArrayList<>();
    for (String name : IMAGES) {
      images.add(readImage(assetsDir.resolve("images").resolve(name)));
    }
    ModelRegistry registry = new ModelRegistry(assetsDir,
        ModelRegistry.fromEnvironment().cacheDir());
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("device", "cpu");
    report.put("cpu_cores", Runtime.getRuntime().availableProcessors());
    report.put("iterations", iterations);
    report.put("images", List.of(IMAGES));
    List<Object> engines = new ArrayList<>();
    for (String model : new String[] {"yolox-nano", "yolox-nano-ts"}) {
      engines.add(measureEngine(registry, model, InputShape.SQUARE, images, iterations, nanoClock));
    }
    // The opt-in fitted input (--input-shape fit): the photos' aspect ratios give inputs from
    // 416x320 to 352x416, so a batch of mixed photos is split into calls of one size each.
    engines.add(measureEngine(registry, "yolox-nano", InputShape.FIT, images, iterations, nanoClock));
    report.put("engines", engines);
    return report;
  }

  private static Map<String, Object> measureEngine(ModelRegistry registry, String model,
      InputShape shape, List<BgrImage> images, int iterations, LongSupplier clock) {
    DetectorOptions options = DetectorOptions.forModel(model).withDevice(DeviceSpec.CPU)
        .withMaxBatch(8).withInputShape(shape);
    TimedEngine[] timed = new TimedEngine[1];
    try (YoloDetector detector = YoloDetector.open(options, registry, e -> {
      timed[0] = new TimedEngine(e, clock);
      return timed[0];
    })) {
      TimedEngine engine = timed[0];
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", model);
      result.put("engine", detector.info().engine().cliName());
      result.put("file", detector.info().source().getFileName().toString());
      result.put("batch_mode", detector.info().batchMode().name());
      result.put("input_shape", detector.fittedInput() ? "fit" : "square");
      List<Object> rows = new ArrayList<>();
      for (int batch : BATCH_SIZES) {
        if (batch > 1 && engine.batchMode() == BatchMode.FIXED_ONE) {
          continue;
        }
        List<BgrImage> batchImages = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          batchImages.add(images.get(i % images.size()));
        }
        for (int w = 0; w < WARMUP_CALLS; w++) {
          detector.detect(batchImages);
        }
        // The stages of each timed call are parts of that same call (the engine's forward is timed
        // from inside detect), so they are never negative and the forward never exceeds the whole;
        // medians keep a stray slow call from skewing the result.
        long[] detectNs = new long[iterations];
        long[] forwardNs = new long[iterations];
        long[] preNs = new long[iterations];
        long[] postNs = new long[iterations];
        double[] forwardShare = new double[iterations];
        for (int it = 0; it < iterations; it++) {
          engine.reset();
          long t0 = clock.getAsLong();
          detector.detect(batchImages);
          long t1 = clock.getAsLong();
          detectNs[it] = t1 - t0;
          forwardNs[it] = engine.forwardNs;
          preNs[it] = engine.firstStartNs - t0;
          postNs[it] = t1 - engine.lastEndNs;
          forwardShare[it] = detectNs[it] == 0 ? 0 : (double) forwardNs[it] / detectNs[it];
        }
        double detectMs = medianMs(detectNs) / batch;
        double forwardMs = medianMs(forwardNs) / batch;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("batch", batch);
        row.put("detect_images_per_s", round(1000 / detectMs));
        row.put("forward_images_per_s", round(1000 / forwardMs));
        row.put("detect_ms_per_image", round(detectMs));
        row.put("forward_ms_per_image", round(forwardMs));
        row.put("preprocess_ms_per_image", round(medianMs(preNs) / batch));
        row.put("other_overhead_ms_per_image", round(medianMs(postNs) / batch));
        java.util.Arrays.sort(forwardShare);
        row.put("forward_share_of_detect", round(forwardShare[iterations / 2]));
        rows.add(row);
      }
      result.put("results", rows);
      return result;
    }
  }

  private static double medianMs(long[] nanos) {
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    return median / 1e6;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** Decodes a photo with the JDK's ImageIO into a BGR image (main code has no OpenCV). */
  static BgrImage readImage(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("benchmark image " + file + " is missing; expected the"
          + " shared data under TRACKLIGHT_ASSETS");
    }
    try {
      BufferedImage decoded = ImageIO.read(file.toFile());
      if (decoded == null) {
        throw new InvalidInputException(file + " is not an image ImageIO can decode");
      }
      BufferedImage bgr = decoded;
      if (decoded.getType() != BufferedImage.TYPE_3BYTE_BGR) {
        bgr = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(decoded, 0, 0, null);
      }
      byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
      return new BgrImage(bgr.getWidth(), bgr.getHeight(), pixels.clone());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** {@code DetectorThroughputBench ASSETS_DIR [ITERATIONS]}: prints the report as JSON. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: DetectorThroughputBench ASSETS_DIR [ITERATIONS]");
      System.exit(2);
    }
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Map<String, Object> report = run(Path.of(args[0]), iterations);
    System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(report));
    System.out.flush();
  }

  /**
   * An engine that records when its forward passes run, for splitting one {@code detect} call into
   * stages. Single-threaded, as the benchmark's detector; closes the engine it wraps.
   */
  private static final class TimedEngine implements InferenceEngine {
    private final InferenceEngine engine;
    private final LongSupplier clock;
    long forwardNs;
    long firstStartNs;
    long lastEndNs;
    private boolean started;

    TimedEngine(InferenceEngine engine, LongSupplier clock) {
      this.engine = engine;
      this.clock = clock;
    }

    void reset() {
      forwardNs = 0;
      started = false;
    }

    @Override
    public void forward(float[] input, int batch, float[] output) {
      forward(input, batch, engine.inputSize(), engine.inputSize(), output);
    }

    @Override
    public boolean takesFittedInput() {
      return engine.takesFittedInput();
    }

    @Override
    public int[] outputShape(int height, int width) {
      return engine.outputShape(height, width);
    }

    @Override
    public void forward(float[] input, int batch, int height, int width, float[] output) {
      long t0 = clock.getAsLong();
      engine.forward(input, batch, height, width, output);
      long t1 = clock.getAsLong();
      if (!started) {
        firstStartNs = t0;
        started = true;
      }
      lastEndNs = t1;
      forwardNs += t1 - t0;
    }

    @Override
    public dev.tracklight.inference.engine.EngineKind engineKind() {
      return engine.engineKind();
    }

    @Override
    public DeviceSpec device() {
      return engine.device();
    }

    @Override
    public int inputSize() {
      return engine.inputSize();
    }

    @Override
    public BatchMode batchMode() {
      return engine.batchMode();
    }

    @Override
    public int[] outputShape() {
      return engine.outputShape();
    }

    @Override
    public Map<String, String> metadata() {
      return engine.metadata();
    }

    @Override
    public void close() {
      engine.close();
    }
  }
}
