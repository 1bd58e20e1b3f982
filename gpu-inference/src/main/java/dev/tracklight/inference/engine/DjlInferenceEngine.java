package dev.tracklight.inference.engine;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link InferenceEngine} on DJL (ONNX Runtime or PyTorch/TorchScript), calling the model's block
 * directly: no translator, so nothing but the engine is timed by {@link #forward}.
 *
 * <p><b>Opening.</b> {@link #open} loads the model, works out the input size (fixed ONNX input
 * dims win; else the caller's hint; else Ultralytics {@code imgsz} metadata; else 640), runs one
 * probe forward at batch 1 to learn the output shape, and for formats that do not declare their
 * batch dimension (TorchScript) a probe at batch 2 to learn whether batches work. A file the engine
 * cannot load is an {@link InvalidInputException}. DJL is put in offline mode before its first
 * engine starts ({@link DjlOfflineMode}): it never downloads, the natives come from the class path.
 *
 * <p><b>CPU threads.</b> ONNX Runtime models get their own session options built from
 * {@link EngineThreads} (intra-op thread count, spinning); DJL's option strings cannot carry the
 * spinning switch, so the model is loaded with a {@link OrtSession.SessionOptions} object, which
 * this engine owns and closes with the model.
 *
 * <p><b>Ownership and threads.</b> Owns the DJL model (native session/module) and its ONNX Runtime
 * session options; {@link #close} releases them. {@link #forward} is synchronized: DJL predictors/blocks are not documented as safe
 * for concurrent use and a detector runs one batch at a time anyway. Each call allocates its native
 * tensors in a sub-manager that is closed before returning, so nothing native accumulates.
 */
public final class DjlInferenceEngine implements InferenceEngine {

  /** Ultralytics' default training/export size, used when nothing else fixes the input size. */
  public static final int DEFAULT_INPUT_SIZE = 640;

  private static final Pattern FIRST_INT = Pattern.compile("(\\d+)");

  /**
   * ONNX Runtime's session config key for spinning (onnxruntime_session_options_config_keys.h);
   * "0" makes idle intra-op pool threads sleep instead of busy-waiting.
   */
  static final String ORT_INTRA_OP_SPINNING = "session.intra_op.allow_spinning";

  private final Model model;
  /** Our session options (ONNX Runtime only; null for PyTorch), closed after the model. */
  private final AutoCloseable sessionOptions;
  private final Block block;
  private final ParameterStore parameterStore;
  private final EngineKind engineKind;
  private final DeviceSpec device;
  private final Map<String, String> metadata;
  private final int inputSize;
  private BatchMode batchMode;
  private int[] outputShape;
  private int outputFloatsPerImage;
  private boolean closed;

  private DjlInferenceEngine(Model model, AutoCloseable sessionOptions, EngineKind engineKind,
      DeviceSpec device, Map<String, String> metadata, int inputSize) {
    this.model = model;
    this.sessionOptions = sessionOptions;
    this.block = model.getBlock();
    this.parameterStore = new ParameterStore(model.getNDManager(), false);
    this.engineKind = engineKind;
    this.device = device;
    this.metadata = Map.copyOf(metadata);
    this.inputSize = inputSize;
  }

  /**
   * Loads a model file.
   *
   * @param file the model (.onnx for ONNX Runtime, TorchScript .pt for PyTorch)
   * @param kind the engine to load it with
   * @param requested the device asked for; resolved against the GPUs the engine sees
   * @param inputSizeHint the square input side to use when the model does not fix it; 0 for none
   * @param threads CPU thread settings of this one copy of the model (its {@code replicas} are the
   *     caller's business): intra-op threads (0 = the engine's default) and spinning, for ONNX
   *     Runtime; the PyTorch engine rejects explicit values ({@link EngineThreads#resolve})
   * @throws InvalidInputException if the file is missing, not a model for this engine, has an
   *     input other than one {@code [B, 3, S, S]} float tensor, or a GPU is requested but absent
   */
  public static DjlInferenceEngine open(Path file, EngineKind kind, DeviceSpec requested,
      int inputSizeHint, EngineThreads threads) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidInputException("model file " + file + " does not exist or is not a readable file");
    }
    if (inputSizeHint < 0) {
      throw new InvalidInputException("input size must be positive, got " + inputSizeHint);
    }
    if (kind == EngineKind.PYTORCH) {
      threads.resolve(kind, 1); // fails fast on settings LibTorch cannot take per model
    }
    DjlOfflineMode.ensure();
    // DJL creates the process-wide OrtEnvironment (with its thread pool settings), so it must
    // start before OnnxSignature asks for the environment.
    Engine engine = Engine.getEngine(kind.djlName());
    if (kind == EngineKind.PYTORCH) {
      TorchNativeLog.apply(); // LibTorch is loaded now: quiet its per-call NNPACK warnings
    }
    // Also rejects a file that is not ONNX before DJL gets to wrap the error.
    OnnxSignature signature = kind == EngineKind.ONNXRUNTIME ? OnnxSignature.read(file) : null;
    DeviceSpec resolved = requested.resolve(usableGpus(engine));
    Device djlDevice = resolved.kind() == DeviceSpec.Kind.GPU
        ? Device.gpu(resolved.gpuIndex()) : Device.cpu();

    Model model;
    OrtSession.SessionOptions sessionOptions = null;
    try {
      if (kind == EngineKind.ONNXRUNTIME) {
        sessionOptions = sessionOptions(threads);
        model = Model.newInstance(file.getFileName().toString(), djlDevice, kind.djlName());
        try {
          model.load(file.toAbsolutePath(), null, Map.of("sessionOptions", sessionOptions));
        } catch (IOException | MalformedModelException | RuntimeException e) {
          model.close();
          throw e;
        }
      } else {
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(file.toAbsolutePath())
            .optEngine(kind.djlName())
            .optDevice(djlDevice)
            // Lets a model traced on a GPU load on the CPU and vice versa.
            .optOption("mapLocation", "true");
        model = criteria.build().loadModel();
      }
    } catch (ModelNotFoundException | MalformedModelException | IOException | EngineException e) {
      closeQuietly(sessionOptions);
      throw notAModel(file, kind, e);
    } catch (RuntimeException e) {
      closeQuietly(sessionOptions);
      throw e;
    }
    try {
      int[] declared = signature == null ? null : declaredInput(signature.inputDims(), file);
      Map<String, String> metadata = signature == null ? Map.of() : signature.metadata();
      int inputSize = chooseInputSize(declared, inputSizeHint, metadata, file);
      DjlInferenceEngine result = new DjlInferenceEngine(model, sessionOptions, kind, resolved,
          metadata, inputSize);
      result.probe(declared, file);
      return result;
    } catch (RuntimeException e) {
      model.close();
      closeQuietly(sessionOptions);
      throw e;
    }
  }

  /** ONNX Runtime session options for {@code threads}; the caller owns (closes) them. */
  static OrtSession.SessionOptions sessionOptions(EngineThreads threads) {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      if (threads.intraOpThreads() > 0) {
        options.setIntraOpNumThreads(threads.intraOpThreads());
      }
      options.addConfigEntry(ORT_INTRA_OP_SPINNING, threads.spinning() ? "1" : "0");
      return options;
    } catch (OrtException e) {
      options.close();
      throw new IllegalStateException("ONNX Runtime rejected session options " + threads + ": "
          + e.getMessage(), e);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Only native option memory; nothing depends on it any more.
      }
    }
  }

  /**
   * The device {@code requested} resolves to for {@code kind} on this machine ({@code auto}: a GPU
   * the engine build can use, else the CPU), as {@link #open} would resolve it. Starts the engine.
   */
  public static DeviceSpec resolveDevice(EngineKind kind, DeviceSpec requested) {
    DjlOfflineMode.ensure();
    return requested.resolve(usableGpus(Engine.getEngine(kind.djlName())));
  }

  /**
   * GPUs this engine build can use. CUDA being present is not enough: the CPU builds of ONNX
   * Runtime and LibTorch cannot run on it, and picking it for {@code auto} would fail at load.
   */
  private static int usableGpus(Engine engine) {
    return engine.hasCapability(StandardCapabilities.CUDA) ? engine.getGpuCount() : 0;
  }

  private static InvalidInputException notAModel(Path file, EngineKind kind, Exception e) {
    String what = kind == EngineKind.ONNXRUNTIME ? "an ONNX model" : "a TorchScript model";
    return new InvalidInputException(file + " is not " + what + " that " + kind.cliName()
        + " can load (" + firstLine(e) + "); expected a .onnx file for onnxruntime or a"
        + " TorchScript .pt for pytorch", e);
  }

  /** ONNX input dims {@code [B, C, H, W]} with -1 for symbolic ones. */
  private static int[] declaredInput(long[] dims, Path file) {
    if (dims[1] != 3 && dims[1] != -1) {
      throw new InvalidInputException(file + " takes input " + Arrays.toString(dims)
          + "; expected one image tensor [batch, 3, size, size]");
    }
    return new int[] {(int) dims[0], (int) dims[1], (int) dims[2], (int) dims[3]};
  }

  private static int chooseInputSize(int[] declared, int hint, Map<String, String> metadata,
      Path file) {
    if (declared != null && declared[2] > 0 && declared[3] > 0) {
      if (declared[2] != declared[3]) {
        throw new InvalidInputException(file + " takes a " + declared[3] + "x" + declared[2]
            + " input; expected a square input");
      }
      if (hint > 0 && hint != declared[2]) {
        throw new InvalidInputException(file + " has a fixed " + declared[2] + "x" + declared[2]
            + " input but input size " + hint + " was requested; omit the input size or use "
            + declared[2]);
      }
      return declared[2];
    }
    if (hint > 0) {
      return hint;
    }
    String imgsz = metadata.get("imgsz");
    if (imgsz != null) {
      Matcher m = FIRST_INT.matcher(imgsz);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    return DEFAULT_INPUT_SIZE;
  }

  /** Learns the output shape (batch 1) and the batch capability. */
  private void probe(int[] declared, Path file) {
    float[] zeros = new float[2 * inputFloatsPerImage()];
    Shape single;
    try {
      single = run(zeros, 1, null);
    } catch (EngineException | IllegalStateException e) {
      throw new InvalidInputException(file + " failed on a [1, 3, " + inputSize + ", " + inputSize
          + "] input (" + firstLine(e) + "); pass the model's input size explicitly", e);
    }
    if (single.dimension() < 2 || single.get(0) != 1) {
      throw new InvalidInputException(file + " returned output " + single
          + " for a batch of 1; expected [batch, ...]");
    }
    outputShape = new int[single.dimension() - 1];
    for (int i = 1; i < single.dimension(); i++) {
      outputShape[i - 1] = Math.toIntExact(single.get(i));
    }
    outputFloatsPerImage = Math.toIntExact(single.size());
    if (declared != null) {
      if (declared[0] == -1) {
        batchMode = BatchMode.DYNAMIC;
      } else if (declared[0] == 1) {
        batchMode = BatchMode.FIXED_ONE;
      } else {
        throw new InvalidInputException(file + " has its batch fixed at " + declared[0]
            + "; expected a batch dimension of 1 or a dynamic one");
      }
      return;
    }
    // TorchScript declares nothing: a traced graph may hard-code batch 1, so try 2.
    try {
      Shape pair = run(zeros, 2, null);
      batchMode = pair.get(0) == 2 ? BatchMode.DYNAMIC : BatchMode.FIXED_ONE;
    } catch (EngineException | IllegalStateException e) {
      batchMode = BatchMode.FIXED_ONE;
    }
  }

  @Override
  public synchronized void forward(float[] input, int batch, float[] output) {
    if (closed) {
      throw new IllegalStateException("engine is closed");
    }
    if (batch < 1 || (batch > 1 && batchMode == BatchMode.FIXED_ONE)) {
      throw new IllegalArgumentException("batch " + batch + " not supported by a " + batchMode
          + " model");
    }
    int out = batch * outputFloatsPerImage();
    if (input.length < batch * inputFloatsPerImage() || output.length < out) {
      throw new IllegalArgumentException("arrays too small for batch " + batch + ": input "
          + input.length + " (need " + batch * inputFloatsPerImage() + "), output " + output.length
          + " (need " + out + ")");
    }
    Shape shape = run(input, batch, output);
    if (shape.size() != out) {
      throw new IllegalStateException("model returned " + shape + " for batch " + batch
          + ", expected " + out + " floats");
    }
  }

  /** Runs the block; copies the first output into {@code output} if non-null; returns its shape. */
  private Shape run(float[] input, int batch, float[] output) {
    int n = batch * inputFloatsPerImage();
    try (NDManager scope = model.getNDManager().newSubManager()) {
      NDArray x = scope.create(FloatBuffer.wrap(input, 0, n).slice(),
          new Shape(batch, 3, inputSize, inputSize), DataType.FLOAT32);
      NDList result = block.forward(parameterStore, new NDList(x), false);
      try {
        NDArray y = result.get(0);
        if (y.getDataType() != DataType.FLOAT32) {
          throw new InvalidInputException("model output is " + y.getDataType()
              + "; expected float32");
        }
        Shape shape = y.getShape();
        if (output != null && shape.size() <= output.length) {
          y.toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer()
              .get(output, 0, Math.toIntExact(shape.size()));
        }
        return shape;
      } finally {
        result.close();
      }
    }
  }

  @Override
  public EngineKind engineKind() {
    return engineKind;
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
  public int inputFloatsPerImage() {
    return 3 * inputSize * inputSize;
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
      model.close();
      closeQuietly(sessionOptions);
    }
  }

  @Override
  public String toString() {
    return "DjlInferenceEngine[" + engineKind.cliName() + " " + device + ", input " + inputSize
        + ", output " + Arrays.toString(outputShape) + ", " + batchMode + "]";
  }

  private static String firstLine(Throwable e) {
    Throwable t = e;
    String msg = null;
    while (t != null && (msg == null || msg.isBlank())) {
      msg = t.getMessage();
      t = t.getCause();
    }
    if (msg == null) {
      return e.getClass().getSimpleName();
    }
    String line = msg.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
