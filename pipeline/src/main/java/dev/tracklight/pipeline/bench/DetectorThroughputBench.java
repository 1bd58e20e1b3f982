package dev.tracklight.pipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.BatchMode;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.InferenceEngine;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.inference.preprocess.LetterboxPreprocessor;
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
 * End-to-end detector throughput on the CPU, per engine and batch size, next to each engine's raw
 * forward pass alone, so the cost of our pre- and post-processing is visible.
 *
 * <p>For every engine (ONNX Runtime with {@code yolox-nano}, PyTorch with {@code yolox-nano-ts})
 * and batch size 1, 4, 8 it times {@code iterations} rounds of: the whole {@code detect}
 * (letterbox, forward, decode, NMS), the raw {@link InferenceEngine#forward} on an already prepared
 * input, and the letterbox alone, and reports medians per image. Images are the six reference photos, cycled. Each engine is opened, measured
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
      engines.add(measureEngine(registry, model, images, iterations, nanoClock));
    }
    report.put("engines", engines);
    return report;
  }

  private static Map<String, Object> measureEngine(ModelRegistry registry, String model,
      List<BgrImage> images, int iterations, LongSupplier clock) {
    DetectorOptions options = DetectorOptions.forModel(model).withDevice(DeviceSpec.CPU)
        .withMaxBatch(8);
    try (YoloDetector detector = YoloDetector.open(options, registry)) {
      InferenceEngine engine = detector.engine();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", model);
      result.put("engine", detector.info().engine().cliName());
      result.put("file", detector.info().source().getFileName().toString());
      result.put("batch_mode", detector.info().batchMode().name());
      List<Object> rows = new ArrayList<>();
      LetterboxPreprocessor pre = new LetterboxPreprocessor(
          detector.info().family().letterbox(), detector.info().inputSize());
      for (int batch : BATCH_SIZES) {
        if (batch > 1 && engine.batchMode() == BatchMode.FIXED_ONE) {
          continue;
        }
        List<BgrImage> batchImages = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          batchImages.add(images.get(i % images.size()));
        }
        float[] input = new float[batch * engine.inputFloatsPerImage()];
        float[] output = new float[batch * engine.outputFloatsPerImage()];
        for (int i = 0; i < batch; i++) {
          pre.process(batchImages.get(i), input, i * engine.inputFloatsPerImage());
        }
        for (int w = 0; w < WARMUP_CALLS; w++) {
          detector.detect(batchImages);
          engine.forward(input, batch, output);
        }
        // Interleaved and per call, so that load from other processes hits all three alike;
        // medians keep a stray slow call from skewing the result.
        long[] detectNs = new long[iterations];
        long[] forwardNs = new long[iterations];
        long[] preNs = new long[iterations];
        for (int it = 0; it < iterations; it++) {
          long t0 = clock.getAsLong();
          detector.detect(batchImages);
          long t1 = clock.getAsLong();
          engine.forward(input, batch, output);
          long t2 = clock.getAsLong();
          for (int i = 0; i < batch; i++) {
            pre.process(batchImages.get(i), input, i * engine.inputFloatsPerImage());
          }
          long t3 = clock.getAsLong();
          detectNs[it] = t1 - t0;
          forwardNs[it] = t2 - t1;
          preNs[it] = t3 - t2;
        }
        double detectMs = medianMs(detectNs) / batch;
        double forwardMs = medianMs(forwardNs) / batch;
        double preMs = medianMs(preNs) / batch;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("batch", batch);
        row.put("detect_images_per_s", round(1000 / detectMs));
        row.put("forward_images_per_s", round(1000 / forwardMs));
        row.put("detect_ms_per_image", round(detectMs));
        row.put("forward_ms_per_image", round(forwardMs));
        row.put("preprocess_ms_per_image", round(preMs));
        row.put("other_overhead_ms_per_image", round(detectMs - forwardMs - preMs));
        row.put("forward_share_of_detect", round(forwardMs / detectMs));
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
}
