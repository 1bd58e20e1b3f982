package dev.tracklight.inference.engine;

import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tracklight.inference.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@link InferenceEngine} on ONNX Runtime's own Java API (no DJL in between).
 *
 * <p><b>Why not DJL here.</b> DJL 0.36 pins ONNX Runtime 1.23, whose CPU kernels ran YOLOX-Nano
 * 1.15-1.8x slower than 1.29 (platform notes, "ONNX Runtime version"); and DJL's NDArray path
 * copies the input into a fresh direct buffer and the output into a fresh heap array on every call.
 * Here the input and output tensors are direct buffers owned by the engine and handed to
 * ONNX Runtime without a copy ({@link OnnxTensor#createTensor} wraps a direct buffer in place, and
 * the output is pre-bound with {@code run(inputs, pinnedOutputs)}), so a forward call allocates
 * nothing per image. DJL stays for the PyTorch engine ({@link DjlInferenceEngine}).
 *
 * <p><b>Opening.</b> Reads the single input's declared dims and the custom metadata from the
 * session, works out the input size as {@link DjlInferenceEngine} does (fixed dims win; else the
 * caller's hint; else Ultralytics {@code imgsz}; else 640), then probes one forward at batch 1 for
 * the output shape. A file ONNX Runtime cannot load is an {@link InvalidInputException}.
 *
 * <p><b>Fitted input.</b> Opened with {@code fitInput}, a model whose graph is fully convolutional
 * also runs on inputs smaller than its square (the letterboxed image padded only to the model's
 * largest stride): the declared input and output dims are made symbolic ({@link OnnxSpatialDims})
 * and one forward at a non-square size must succeed, else the engine keeps the model as it is and
 * {@link #takesFittedInput} says no. Output shapes per input size are learned by a probe the first
 * time a size is asked for.
 *
 * <p><b>Threads.</b> The session's intra-op threads and spinning come from {@link EngineThreads};
 * graph optimisation is ONNX Runtime's full level. {@link #forward} is synchronized: the bound
 * buffers are shared state, and a detector runs one batch at a time anyway.
 *
 * <p><b>Ownership.</b> Owns the session, its options and the bound tensors; {@link #close} frees
 * them. The process-wide {@link OrtEnvironment} is never closed (ONNX Runtime keeps one per process).
 */
public final class OrtInferenceEngine implements InferenceEngine {

  /**
   * ONNX Runtime's session config key for spinning (onnxruntime_session_options_config_keys.h);
   * "0" makes idle intra-op pool threads sleep instead of busy-waiting.
   */
  static final String ORT_INTRA_OP_SPINNING = "session.intra_op.allow_spinning";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final OrtSession.SessionOptions options;
  private final String inputName;
  private final String outputName;
  private final DeviceSpec device;
  private final Map<String, String> metadata;
  private final int inputSize;
  private final boolean fitted;
  /** Output dims of one image per input size ({@code height << 16 | width}), learned by probes. */
  private final Map<Integer, int[]> outputShapes = new java.util.HashMap<>();
  private BatchMode batchMode;
  private int[] outputShape;
  private int outputFloatsPerImage;
  /** Bound tensors for the batch size and input size last used; rebuilt when either changes. */
  private int boundBatch;
  private int boundHeight;
  private int boundWidth;
  private FloatBuffer inputBuffer;
  private FloatBuffer outputBuffer;
  private OnnxTensor inputTensor;
  private OnnxTensor outputTensor;
  private boolean closed;

  private OrtInferenceEngine(OrtEnvironment env, OrtSession session,
      OrtSession.SessionOptions options, String inputName, String outputName, DeviceSpec device,
      Map<String, String> metadata, int inputSize, boolean fitted) {
    this.env = env;
    this.session = session;
    this.options = options;
    this.inputName = inputName;
    this.outputName = outputName;
    this.device = device;
    this.metadata = Map.copyOf(metadata);
    this.inputSize = inputSize;
    this.fitted = fitted;
  }

  /**
   * Loads an ONNX model.
   *
   * @param file the {@code .onnx} file
   * @param requested the device asked for; a GPU needs the {@code gpu} build (CUDA provider)
   * @param inputSizeHint the square input side to use when the model does not fix it; 0 for none
   * @param threads intra-op threads (0 = ONNX Runtime's default) and spinning of this one copy
   * @throws InvalidInputException if the file is missing or not an ONNX model with one
   *     {@code [B, 3, S, S]} float input, or a GPU is requested but not usable
   */
  public static OrtInferenceEngine open(Path file, DeviceSpec requested, int inputSizeHint,
      EngineThreads threads) {
    return open(file, requested, inputSizeHint, threads, false);
  }

  /**
   * As {@link #open(Path, DeviceSpec, int, EngineThreads)}; with {@code fitInput}, the model also
   * takes fitted inputs when its graph allows (see the class comment), else it is opened as is.
   */
  public static OrtInferenceEngine open(Path file, DeviceSpec requested, int inputSizeHint,
      EngineThreads threads, boolean fitInput) {
    return NativeStack.call("open " + file.getFileName(), () -> {
      if (fitInput) {
        OrtInferenceEngine fitted = openFitted(file, requested, inputSizeHint, threads);
        if (fitted != null) {
          return fitted;
        }
      }
      return openHere(file, requested, inputSizeHint, threads, null);
    });
  }

  /** The model with relaxed spatial dims if it runs at a non-square size; else null. */
  private static OrtInferenceEngine openFitted(Path file, DeviceSpec requested, int inputSizeHint,
      EngineThreads threads) {
    byte[] relaxed;
    try {
      relaxed = OnnxSpatialDims.relax(Files.readAllBytes(file));
    } catch (IllegalArgumentException | java.io.IOException e) {
      return null;  // openHere reports an unreadable or malformed file in its own words.
    }
    int sizeHint = inputSizeHint;
    if (sizeHint == 0) {
      // The relaxed graph no longer declares its side; the file as it is does (or it has none).
      try (OrtInferenceEngine plain = openHere(file, requested, 0, threads, null)) {
        sizeHint = plain.inputSize;
      }
    }
    OrtInferenceEngine engine;
    try {
      engine = openHere(file, requested, sizeHint, threads, relaxed);
    } catch (InvalidInputException e) {
      return null;
    }
    // Half the side, rounded down to 32 (every supported stride divides it): a shape no square
    // model would accept, so a graph with a baked-in spatial constant fails here, not on a frame.
    int probeHeight = Math.max(32, engine.inputSize / 2 / 32 * 32);
    try {
      engine.outputShape(probeHeight, engine.inputSize);
      return engine;
    } catch (RuntimeException e) {
      engine.close();
      return null;
    }
  }

  private static OrtInferenceEngine openHere(Path file, DeviceSpec requested, int inputSizeHint,
      EngineThreads threads, byte[] relaxedModel) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidInputException("model file " + file + " does not exist or is not a readable file");
    }
    if (inputSizeHint < 0) {
      throw new InvalidInputException("input size must be positive, got " + inputSizeHint);
    }
    DeviceSpec device = resolveDevice(requested);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = sessionOptions(threads, device);
    OrtSession session;
    try {
      session = relaxedModel != null ? env.createSession(relaxedModel, options)
          : env.createSession(file.toAbsolutePath().toString(), options);
    } catch (OrtException e) {
      options.close();
      throw new InvalidInputException(file + " is not an ONNX model that onnxruntime can load ("
          + EngineErrors.firstLine(e) + "); expected a .onnx file for onnxruntime or a TorchScript .pt for pytorch", e);
    }
    try {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      NodeInfo input = inputs.size() == 1 ? inputs.values().iterator().next() : null;
      if (input == null || !(input.getInfo() instanceof TensorInfo tensor)
          || tensor.getShape().length != 4) {
        throw new InvalidInputException(file + " takes input "
            + (input == null ? inputs.size() + " tensors" : input.getInfo())
            + "; expected one image tensor [batch, 3, size, size]");
      }
      int[] declared = declaredInput(tensor.getShape(), file);
      Map<String, String> metadata = session.getMetadata().getCustomMetadata();
      int inputSize = InputSizes.choose(declared, inputSizeHint, metadata, file);
      String outputName = session.getOutputNames().iterator().next();
      OrtInferenceEngine engine = new OrtInferenceEngine(env, session, options, input.getName(),
          outputName, device, metadata, inputSize, relaxedModel != null);
      try {
        engine.probe(declared, file);
      } catch (RuntimeException e) {
        engine.close();
        throw e;
      }
      return engine;
    } catch (OrtException e) {
      closeQuietly(session);
      closeQuietly(options);
      throw new InvalidInputException(file + " could not be inspected by onnxruntime ("
          + EngineErrors.firstLine(e) + "); expected an ONNX detection model", e);
    } catch (RuntimeException e) {
      closeQuietly(session);
      closeQuietly(options);
      throw e;
    }
  }

  /**
   * The device {@code requested} resolves to for ONNX Runtime here: a GPU only when this build
   * has the CUDA provider (the {@code gpu} profile's {@code onnxruntime_gpu}) and CUDA sees one.
   */
  public static DeviceSpec resolveDevice(DeviceSpec requested) {
    if (requested.kind() == DeviceSpec.Kind.CPU) {
      return requested;
    }
    return requested.resolve(NativeStack.call("find GPUs", OrtInferenceEngine::usableGpus));
  }

  private static int usableGpus() {
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      return 0;
    }
    return CudaUtils.getGpuCount();
  }

  /** Session options for {@code threads} on {@code device}; the caller owns (closes) them. */
  static OrtSession.SessionOptions sessionOptions(EngineThreads threads, DeviceSpec device) {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (threads.intraOpThreads() > 0) {
        options.setIntraOpNumThreads(threads.intraOpThreads());
      }
      options.addConfigEntry(ORT_INTRA_OP_SPINNING, threads.spinning() ? "1" : "0");
      if (device.kind() == DeviceSpec.Kind.GPU) {
        options.addCUDA(device.gpuIndex());
      }
      return options;
    } catch (OrtException e) {
      options.close();
      throw new IllegalStateException("ONNX Runtime rejected session options " + threads + " on "
          + device + ": " + e.getMessage(), e);
    }
  }

  /** ONNX input dims {@code [B, C, H, W]} with -1 for symbolic ones. */
  private static int[] declaredInput(long[] dims, Path file) {
    if (dims[1] != 3 && dims[1] != -1) {
      throw new InvalidInputException(file + " takes input " + Arrays.toString(dims)
          + "; expected one image tensor [batch, 3, size, size]");
    }
    return new int[] {(int) dims[0], (int) dims[1], (int) dims[2], (int) dims[3]};
  }

  /** Learns the output shape at batch 1 and whether batches beyond 1 are allowed. */
  private void probe(int[] declared, Path file) {
    if (declared[0] != -1 && declared[0] != 1) {
      throw new InvalidInputException(file + " has its batch fixed at " + declared[0]
          + "; expected a batch dimension of 1 or a dynamic one");
    }
    batchMode = declared[0] == -1 ? BatchMode.DYNAMIC : BatchMode.FIXED_ONE;
    long[] shape;
    try (OnnxTensor x = OnnxTensor.createTensor(env, direct(inputFloatsPerImage()),
        new long[] {1, 3, inputSize, inputSize});
        OrtSession.Result result = session.run(Map.of(inputName, x))) {
      if (!(result.get(0) instanceof OnnxTensor y)
          || y.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
        throw new InvalidInputException(file + " returned " + result.get(0).getInfo()
            + " for its first output; expected a float32 tensor");
      }
      shape = y.getInfo().getShape();
    } catch (OrtException e) {
      throw new InvalidInputException(file + " failed on a [1, 3, " + inputSize + ", " + inputSize
          + "] input (" + EngineErrors.firstLine(e) + "); pass the model's input size explicitly", e);
    }
    if (shape.length < 2 || shape[0] != 1) {
      throw new InvalidInputException(file + " returned output " + Arrays.toString(shape)
          + " for a batch of 1; expected [batch, ...]");
    }
    outputShape = new int[shape.length - 1];
    long floats = 1;
    for (int i = 1; i < shape.length; i++) {
      outputShape[i - 1] = Math.toIntExact(shape[i]);
      floats *= shape[i];
    }
    outputFloatsPerImage = Math.toIntExact(floats);
  }

  @Override
  public void forward(float[] input, int batch, float[] output) {
    forward(input, batch, inputSize, inputSize, output);
  }

  @Override
  public boolean takesFittedInput() {
    return fitted;
  }

  @Override
  public synchronized int[] outputShape(int height, int width) {
    if (height == inputSize && width == inputSize) {
      return outputShape.clone();
    }
    checkFitted(height, width);
    int[] shape = outputShapes.get(height << 16 | width);
    if (shape == null) {
      shape = probeOutput(height, width);
      outputShapes.put(height << 16 | width, shape);
    }
    return shape.clone();
  }

  private void checkFitted(int height, int width) {
    if (!fitted || height < 1 || width < 1 || height > inputSize || width > inputSize) {
      throw new IllegalArgumentException("input " + width + "x" + height + " not supported: the"
          + " model takes " + (fitted ? "sizes up to " : "only ") + inputSize + "x" + inputSize);
    }
  }

  /** Output dims of one image at {@code height x width}, from one forward at batch 1. */
  private int[] probeOutput(int height, int width) {
    try (OnnxTensor x = OnnxTensor.createTensor(env, direct(3 * height * width),
        new long[] {1, 3, height, width});
        OrtSession.Result result = session.run(Map.of(inputName, x))) {
      long[] shape = ((OnnxTensor) result.get(0)).getInfo().getShape();
      if (shape.length != outputShape.length + 1 || shape[0] != 1) {
        throw new IllegalStateException("output " + Arrays.toString(shape) + " at " + width + "x"
            + height + " does not have the square's layout " + Arrays.toString(outputShape));
      }
      int[] dims = new int[shape.length - 1];
      for (int i = 1; i < shape.length; i++) {
        dims[i - 1] = Math.toIntExact(shape[i]);
      }
      return dims;
    } catch (OrtException e) {
      throw new IllegalStateException("onnxruntime failed on a " + width + "x" + height
          + " input: " + EngineErrors.firstLine(e), e);
    }
  }

  @Override
  public synchronized void forward(float[] input, int batch, int height, int width,
      float[] output) {
    if (closed) {
      throw new IllegalStateException("engine is closed");
    }
    if (batch < 1 || (batch > 1 && batchMode == BatchMode.FIXED_ONE)) {
      throw new IllegalArgumentException("batch " + batch + " not supported by a " + batchMode
          + " model");
    }
    int[] shape = outputShape(height, width);
    int perImage = 1;
    for (int d : shape) {
      perImage *= d;
    }
    int in = batch * 3 * height * width;
    int out = batch * perImage;
    if (input.length < in || output.length < out) {
      throw new IllegalArgumentException("arrays too small for batch " + batch + ": input "
          + input.length + " (need " + in + "), output " + output.length + " (need " + out + ")");
    }
    bind(batch, height, width, shape, perImage);
    inputBuffer.clear();
    inputBuffer.put(input, 0, in);
    try (OrtSession.Result ignored = session.run(Map.of(inputName, inputTensor),
        Map.of(outputName, outputTensor))) {
      // The output was written into outputBuffer; the pinned result is not owned by the Result.
    } catch (OrtException e) {
      throw new IllegalStateException("onnxruntime failed on a batch of " + batch + ": "
          + EngineErrors.firstLine(e), e);
    }
    outputBuffer.clear();
    outputBuffer.get(output, 0, out);
  }

  /** (Re)creates the bound input and output tensors for {@code batch} images of that size. */
  private void bind(int batch, int height, int width, int[] shape, int outputFloats) {
    if (batch == boundBatch && height == boundHeight && width == boundWidth) {
      return;
    }
    releaseBound();
    long[] inShape = {batch, 3, height, width};
    long[] outShape = new long[shape.length + 1];
    outShape[0] = batch;
    for (int i = 0; i < shape.length; i++) {
      outShape[i + 1] = shape[i];
    }
    try {
      inputBuffer = direct(batch * 3 * height * width);
      outputBuffer = direct(batch * outputFloats);
      inputTensor = OnnxTensor.createTensor(env, inputBuffer, inShape);
      outputTensor = OnnxTensor.createTensor(env, outputBuffer, outShape);
      boundBatch = batch;
      boundHeight = height;
      boundWidth = width;
    } catch (OrtException e) {
      releaseBound();
      throw new IllegalStateException("onnxruntime could not bind tensors for a batch of " + batch
          + ": " + EngineErrors.firstLine(e), e);
    }
  }

  private void releaseBound() {
    closeQuietly(inputTensor);
    closeQuietly(outputTensor);
    inputTensor = null;
    outputTensor = null;
    boundBatch = 0;
  }

  private static FloatBuffer direct(int floats) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES))
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  @Override
  public EngineKind engineKind() {
    return EngineKind.ONNXRUNTIME;
  }

  @Override
  public DeviceSpec device() {
    return device;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public BatchMode batchMode() {
    return batchMode;
  }

  @Override
  public int[] outputShape() {
    return outputShape.clone();
  }

  @Override
  public int outputFloatsPerImage() {
    return outputFloatsPerImage;
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      releaseBound();
      closeQuietly(session);
      closeQuietly(options);
    }
  }

  @Override
  public String toString() {
    return "OrtInferenceEngine[onnxruntime " + device + ", input " + inputSize
        + (fitted ? " (fitted sizes)" : "") + ", output "
        + Arrays.toString(outputShape) + ", " + batchMode + "]";
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Native memory only; nothing depends on it any more.
      }
    }
  }
}
