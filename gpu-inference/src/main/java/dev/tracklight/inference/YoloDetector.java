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
import dev.tracklight.inference.postprocess.GridLayout;
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
 *
 * <p><b>Fitted input.</b> With {@link InputShape#FIT} and a model that takes it (YOLOX on ONNX
 * Runtime), each forward call's input is the letterboxed images padded only up to the model's
 * largest stride (the largest resized width and height of the batch, rounded up), decoded on that
 * size's grid; the scale and the resized pixels are those of the square. Frames of one size (a
 * camera) always give the same input size, so the engine's bound tensors and the decoder's grid
 * are reused.
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
  /**
   * Grey padding kept past the image in a fitted input (pixels, before rounding up to the stride).
   * Without it an object touching the padded edge sees the convolutions' zero border right after
   * the image, where the square has grey: on the reference images its box moved by up to 13 px;
   * with 32 px (one YOLOX stride) by at most 4 px, for 416x288 instead of 416x256 at 16:9.
   */
  static final int FIT_MARGIN = 32;
  /** Whether forward calls take fitted inputs; then {@link #fittedDecoders} holds their grids. */
  private final boolean fitted;
  private final int maxStride;
  private final java.util.Map<Integer, OutputDecoder> fittedDecoders = new java.util.HashMap<>();
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
      int[] strides = layout.strides();
      this.maxStride = strides[strides.length - 1];
      this.fitted = options.inputShape() == InputShape.FIT && takesFittedInput(engine, layout);
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
        inputSizeHint, options.threads(), options.inputShape() == InputShape.FIT);
    return new YoloDetector(wrap.apply(engine), options, resolved.displayName(), resolved.path());
  }

  /**
   * Whether {@code engine} runs fitted inputs that this detector can decode: a YOLOX grid head
   * (top-left letterbox) whose output at a probe size has that size's anchor count.
   */
  private static boolean takesFittedInput(InferenceEngine engine, OutputLayout layout) {
    if (!engine.takesFittedInput() || layout.family() != ModelFamily.YOLOX
        || layout.family().letterbox().centred()) {
      return false;
    }
    int[] strides = layout.strides();
    int stride = strides[strides.length - 1];
    int side = layout.inputSize();
    int height = Math.max(stride, side / 2 / stride * stride);
    int width = side / stride * stride;
    try {
      int floats = 1;
      for (int d : engine.outputShape(height, width)) {
        floats *= d;
      }
      return floats == GridLayout.anchorCount(height, width, strides) * (5 + layout.classes());
    } catch (IllegalArgumentException | IllegalStateException e) {
      return false;
    }
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
    int side = engine.inputSize();
    // Images go through the model in groups of one input size (all the square's unless fitted), so
    // that an image's detections never depend on which other images (other cameras) share its call.
    int[] canvas = new int[n];
    for (int i = 0; i < n; i++) {
      BgrImage image = image(images, i);
      if (fitted) {
        LetterboxGeometry g = preprocessor.style().geometry(image.width(), image.height(), side);
        canvas[i] = fit(g.padTop() + g.resizedHeight()) << 16 | fit(g.padLeft() + g.resizedWidth());
      } else {
        canvas[i] = side << 16 | side;
      }
    }
    Detections[] results = new Detections[n];
    boolean[] done = new boolean[n];
    for (int first = 0; first < n; first++) {
      if (done[first]) {
        continue;
      }
      // Same-size images past the batch limit start a group of their own when reached.
      int[] group = new int[Math.min(batchLimit, n - first)];
      int size = 0;
      for (int i = first; i < n && size < group.length; i++) {
        if (!done[i] && canvas[i] == canvas[first]) {
          group[size++] = i;
          done[i] = true;
        }
      }
      detectBatch(images, java.util.Arrays.copyOf(group, size), canvas[first] >>> 16,
          canvas[first] & 0xFFFF, results);
    }
    return new ArrayList<>(java.util.Arrays.asList(results));
  }

  /** One forward call on {@code images[indices]} at {@code height x width}, into {@code results[indices]}. */
  private void detectBatch(List<BgrImage> images, int[] indices, int height, int width,
      Detections[] results) {
    int batch = indices.length;
    OutputDecoder grid = decoderFor(height, width);
    int inPer = 3 * height * width;
    int outPer = grid.floatsPerImage();
    ensureBuffers(batch, inPer, outPer);
    for (int i = 0; i < batch; i++) {
      geometries[i] = preprocessor.process(images.get(indices[i]), input, i * inPer, height, width);
    }
    engine.forward(input, batch, height, width, output);
    for (int i = 0; i < batch; i++) {
      results[indices[i]] = postprocess(grid, output, i * outPer, geometries[i]);
    }
  }

  private static BgrImage image(List<BgrImage> images, int index) {
    BgrImage image = images.get(index);
    if (image == null) {
      throw new InvalidInputException("image " + index + " of the batch is null;"
          + " expected a decoded BGR image");
    }
    return image;
  }

  /**
   * The fitted side for an image reaching {@code extent} pixels: one stride of padding past it
   * ({@link #FIT_MARGIN}), rounded up to the largest stride, at most the square's side.
   */
  private int fit(int extent) {
    int v = extent + FIT_MARGIN;
    return Math.min(engine.inputSize(), (v + maxStride - 1) / maxStride * maxStride);
  }

  /** The square's decoder, or the grid of a fitted {@code height x width} input (cached). */
  private OutputDecoder decoderFor(int height, int width) {
    if (height == engine.inputSize() && width == engine.inputSize()) {
      return decoder;
    }
    return fittedDecoders.computeIfAbsent(height << 16 | width,
        k -> new YoloxGridDecoder(height, width, layout.classes(), layout.strides()));
  }

  /** Decode, filter, NMS and map one image's raw output to source-pixel detections. */
  private Detections postprocess(OutputDecoder grid, float[] raw, int offset, LetterboxGeometry g) {
    grid.decode(raw, offset, confidence, candidates);
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

  /** Whether forward calls take inputs fitted to the frames ({@link InputShape#FIT} applied). */
  public boolean fittedInput() {
    return fitted;
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
