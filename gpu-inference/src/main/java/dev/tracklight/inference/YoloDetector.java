package dev.tracklight.inference;

import dev.tracklight.inference.engine.BatchMode;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.InferenceEngine;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.inference.model.OutputLayout;
import dev.tracklight.inference.model.RegisteredModel;
import dev.tracklight.inference.model.ResolvedModel;
import dev.tracklight.inference.model.UltralyticsMetadata;
import dev.tracklight.inference.postprocess.CandidateBuffer;
import dev.tracklight.inference.postprocess.NonMaxSuppression;
import dev.tracklight.inference.postprocess.OutputDecoder;
import dev.tracklight.inference.postprocess.UltralyticsDecoder;
import dev.tracklight.inference.postprocess.YoloxGridDecoder;
import dev.tracklight.inference.preprocess.LetterboxGeometry;
import dev.tracklight.inference.preprocess.LetterboxPreprocessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A YOLO-family {@link Detector}: letterbox pre-processing, an {@link InferenceEngine} forward,
 * family-specific decoding, confidence threshold, class filter, class-aware NMS and mapping back to
 * source pixels.
 *
 * <p><b>State and threads.</b> Owns the engine and reusable buffers (NCHW input and raw output for
 * one batch, grown to the largest batch seen; candidate and NMS scratch), so a frame allocates only
 * its result. {@link #detect} is synchronized; for parallelism open one detector per thread.
 *
 * <p><b>Batching.</b> Dynamic-batch models get up to {@link DetectorOptions#maxBatch()} images per
 * forward call; fixed-batch models (YOLOX's official ONNX) run the images one by one. Results are
 * the same either way.
 */
public final class YoloDetector implements Detector {

  private final InferenceEngine engine;
  private final OutputLayout layout;
  private final ClassNames classNames;
  private final ModelInfo info;
  private final float confidence;
  private final float iou;
  private final int maxDetections;
  private final int batchLimit;
  private final boolean[] allowedClasses;

  private final LetterboxPreprocessor preprocessor;
  private final OutputDecoder decoder;
  private final CandidateBuffer candidates;
  private final NonMaxSuppression nms = new NonMaxSuppression();
  private final int[] kept;
  private final LetterboxGeometry[] geometries;
  private float[] input = new float[0];
  private float[] output = new float[0];
  private boolean closed;

  /**
   * Wraps an open engine. The detector takes ownership of {@code engine} and closes it.
   *
   * @param name how {@link ModelInfo#name()} reports the model
   * @param source the model file, for {@link ModelInfo#source()}
   */
  public YoloDetector(InferenceEngine engine, DetectorOptions options, String name,
      java.nio.file.Path source) {
    try {
      this.engine = Objects.requireNonNull(engine, "engine");
      this.layout = OutputLayout.detect(engine.outputShape(), engine.inputSize(), engine.metadata(),
          options.family());
      this.classNames = classNamesFor(options, engine, layout);
      if (layout.classes() > NonMaxSuppression.MAX_CLASSES) {
        throw new InvalidInputException("model has " + layout.classes() + " classes; at most "
            + NonMaxSuppression.MAX_CLASSES + " are supported");
      }
      this.allowedClasses = classFilter(options.classes(), classNames);
      this.confidence = options.confidenceThreshold();
      this.iou = options.iouThreshold();
      this.maxDetections = options.maxDetections();
      this.batchLimit = engine.batchMode() == BatchMode.DYNAMIC ? options.maxBatch() : 1;
      this.info = new ModelInfo(name, layout.family(), engine.inputSize(), engine.engineKind(),
          engine.device(), engine.batchMode(), layout.classes(), source);
      this.preprocessor = new LetterboxPreprocessor(layout.family().letterbox(), engine.inputSize());
      this.decoder = layout.family() == ModelFamily.YOLOX
          ? new YoloxGridDecoder(layout.inputSize(), layout.classes(), layout.strides())
          : new UltralyticsDecoder(layout.anchors(), layout.classes());
      if (decoder.floatsPerImage() != engine.outputFloatsPerImage()) {
        throw new IllegalStateException("decoder expects " + decoder.floatsPerImage()
            + " floats per image, engine produces " + engine.outputFloatsPerImage());
      }
      this.candidates = new CandidateBuffer(layout.anchors());
      this.kept = new int[Math.min(layout.anchors(), maxDetections)];
      this.geometries = new LetterboxGeometry[batchLimit];
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
  }

  /**
   * Resolves {@code options.model()} in the registry (or as a path), loads it on the requested
   * engine and device, and detects its family, input size and classes. This is one copy of the
   * model: it uses the intra-op threads and spinning of {@link DetectorOptions#threads()}, not its
   * replicas ({@link ReplicatedDetector#open} does).
   *
   * @throws InvalidInputException for a missing or unloadable model, an unsupported layout, an
   *     unknown class name, or an unavailable GPU
   */
  public static YoloDetector open(DetectorOptions options, ModelRegistry registry) {
    return open(options, registry, java.util.function.UnaryOperator.identity());
  }

  /**
   * As {@link #open(DetectorOptions, ModelRegistry)}, with the loaded engine passed through
   * {@code wrap} first (a benchmark times the forward passes inside {@link #detect} this way). The
   * detector owns what {@code wrap} returns, which must close the engine it wraps.
   */
  public static YoloDetector open(DetectorOptions options, ModelRegistry registry,
      java.util.function.UnaryOperator<InferenceEngine> wrap) {
    ResolvedModel resolved = registry.resolve(options.model());
    RegisteredModel registered = resolved.registered();
    EngineKind engineKind = engineKind(options, resolved);
    int inputSizeHint = options.inputSize() > 0 ? options.inputSize()
        : registered != null && registered.engine() == engineKind ? registered.inputSize() : 0;
    InferenceEngine engine = InferenceEngine.open(resolved.path(), engineKind, options.device(),
        inputSizeHint, options.threads());
    return new YoloDetector(wrap.apply(engine), options, resolved.displayName(), resolved.path());
  }

  /** The engine that loads {@code resolved}: the options', else the registry's, else the file type's. */
  static EngineKind engineKind(DetectorOptions options, ResolvedModel resolved) {
    RegisteredModel registered = resolved.registered();
    return options.engine() != null ? options.engine()
        : registered != null ? registered.engine()
        : EngineKind.forFile(resolved.path()).orElseThrow(() -> new InvalidInputException(
            "cannot tell which engine loads " + resolved.path()
                + "; expected a .onnx or .pt file, or pass the engine (onnxruntime or pytorch)"));
  }

  private static ClassNames classNamesFor(DetectorOptions options, InferenceEngine engine,
      OutputLayout layout) {
    List<String> names = options.classNames();
    String origin = "the given class names";
    if (names == null) {
      names = UltralyticsMetadata.names(engine.metadata()).orElse(null);
      origin = "the model metadata";
    }
    if (names == null) {
      if (layout.classes() == ClassNames.COCO.size()) {
        return ClassNames.COCO;
      }
      List<String> generic = new ArrayList<>(layout.classes());
      for (int i = 0; i < layout.classes(); i++) {
        generic.add("class" + i);
      }
      return new ClassNames(generic);
    }
    if (names.size() != layout.classes()) {
      throw new InvalidInputException(origin + " list " + names.size() + " classes but the model"
          + " scores " + layout.classes() + "; expected one name per class");
    }
    return new ClassNames(names);
  }

  private static boolean[] classFilter(List<String> wanted, ClassNames names) {
    if (wanted.isEmpty()) {
      return null;
    }
    boolean[] allowed = new boolean[names.size()];
    for (String w : wanted) {
      try {
        allowed[names.idOf(w)] = true;
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(e.getMessage(), e);
      }
    }
    return allowed;
  }

  @Override
  public synchronized List<Detections> detect(List<BgrImage> images) {
    if (closed) {
      throw new IllegalStateException("detector is closed");
    }
    int n = images.size();
    List<Detections> results = new ArrayList<>(n);
    int inPer = engine.inputFloatsPerImage();
    int outPer = decoder.floatsPerImage();
    for (int start = 0; start < n; start += batchLimit) {
      int batch = Math.min(batchLimit, n - start);
      ensureBuffers(batch, inPer, outPer);
      for (int i = 0; i < batch; i++) {
        BgrImage image = images.get(start + i);
        if (image == null) {
          throw new InvalidInputException("image " + (start + i) + " of the batch is null;"
              + " expected a decoded BGR image");
        }
        geometries[i] = preprocessor.process(image, input, i * inPer);
      }
      engine.forward(input, batch, output);
      for (int i = 0; i < batch; i++) {
        results.add(postprocess(output, i * outPer, geometries[i]));
      }
    }
    return results;
  }

  /** Decode, filter, NMS and map one image's raw output to source-pixel detections. */
  private Detections postprocess(float[] raw, int offset, LetterboxGeometry g) {
    decoder.decode(raw, offset, confidence, candidates);
    if (allowedClasses != null) {
      candidates.retainClasses(allowedClasses);
    }
    int n = nms.select(candidates.boxes(), candidates.scores(), candidates.classIds(),
        candidates.count(), iou, maxDetections, kept);
    if (n == 0) {
      return Detections.empty();
    }
    float[] boxes = new float[4 * n];
    float[] scores = new float[n];
    int[] classes = new int[n];
    float[] cb = candidates.boxes();
    for (int k = 0; k < n; k++) {
      int i = kept[k];
      boxes[4 * k] = g.toSourceX(cb[4 * i]);
      boxes[4 * k + 1] = g.toSourceY(cb[4 * i + 1]);
      boxes[4 * k + 2] = g.toSourceX(cb[4 * i + 2]);
      boxes[4 * k + 3] = g.toSourceY(cb[4 * i + 3]);
      scores[k] = candidates.scores()[i];
      classes[k] = candidates.classIds()[i];
    }
    return Detections.of(boxes, scores, classes);
  }

  private void ensureBuffers(int batch, int inPer, int outPer) {
    if (input.length < batch * inPer) {
      input = new float[batch * inPer];
    }
    if (output.length < batch * outPer) {
      output = new float[batch * outPer];
    }
  }

  /** The engine, for timing the raw forward pass alone. Owned by this detector: do not close it. */
  public InferenceEngine engine() {
    return engine;
  }

  /** The recognised output layout. */
  public OutputLayout layout() {
    return layout;
  }

  @Override
  public ClassNames classNames() {
    return classNames;
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      engine.close();
    }
  }
}
