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
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@link InferenceEngine} on DJL's PyTorch engine (TorchScript models), calling the model's block
 * directly: no translator, so nothing but the engine is timed by {@link #forward}. ONNX models run
 * on ONNX Runtime's own API instead ({@link OrtInferenceEngine}: a newer runtime than DJL pins, and
 * no per-call copies).
 *
 * <p><b>Opening.</b> {@link #open} loads the model, works out the input size (the caller's hint,
 * else 640), runs one probe forward at batch 1 to learn the output shape, and, since TorchScript
 * does not declare its batch dimension, a probe at batch 2 to learn whether batches work. A file
 * the engine cannot load is an {@link InvalidInputException}. DJL is put in offline mode before
 * its first engine starts ({@link DjlOfflineMode}): it never downloads, the natives come from the
 * class path.
 *
 * <p><b>Ownership and threads.</b> Owns the DJL model (native module); {@link #close} releases it. {@link #forward} is synchronized: DJL predictors/blocks are not documented as safe
 * for concurrent use and a detector runs one batch at a time anyway. Each call allocates its native
 * tensors in a sub-manager that is closed before returning, so nothing native accumulates.
 */
public final class DjlInferenceEngine implements InferenceEngine {

  private final Model model;
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

  private DjlInferenceEngine(Model model, EngineKind engineKind, DeviceSpec device,
      Map<String, String> metadata, int inputSize) {
    this.model = model;
    this.block = model.getBlock();
    this.parameterStore = new ParameterStore(model.getNDManager(), false);
    this.engineKind = engineKind;
    this.device = device;
    this.metadata = Map.copyOf(metadata);
    this.inputSize = inputSize;
  }

  /**
   * Loads a TorchScript model.
   *
   * @param file the TorchScript {@code .pt} file
   * @param kind the engine to load it with: {@link EngineKind#PYTORCH} (ONNX models go to
   *     {@link OrtInferenceEngine})
   * @param requested the device asked for; resolved against the GPUs the engine sees
   * @param inputSizeHint the square input side to use; 0 for the default (640)
   * @param threads CPU thread settings; LibTorch's pool is process-wide, so explicit values are
   *     rejected ({@link EngineThreads#resolve})
   * @throws InvalidInputException if the file is missing, not a TorchScript model, fails on a
   *     {@code [1, 3, S, S]} input, or a GPU is requested but absent
   */
  public static DjlInferenceEngine open(Path file, EngineKind kind, DeviceSpec requested,
      int inputSizeHint, EngineThreads threads) {
    if (kind != EngineKind.PYTORCH) {
      throw new IllegalArgumentException("the DJL engine runs TorchScript models; " + kind
          + " models open with OrtInferenceEngine");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidInputException("model file " + file + " does not exist or is not a readable file");
    }
    if (inputSizeHint < 0) {
      throw new InvalidInputException("input size must be positive, got " + inputSizeHint);
    }
    threads.resolve(kind, 1); // fails fast on settings LibTorch cannot take per model
    DjlOfflineMode.ensure();
    Engine engine = Engine.getEngine(kind.djlName());
    TorchNativeLog.apply(); // LibTorch is loaded now: quiet its per-call NNPACK warnings
    DeviceSpec resolved = requested.resolve(usableGpus(engine));
    Device djlDevice = resolved.kind() == DeviceSpec.Kind.GPU
        ? Device.gpu(resolved.gpuIndex()) : Device.cpu();
    Model model;
    try {
      Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
          .setTypes(NDList.class, NDList.class)
          .optModelPath(file.toAbsolutePath())
          .optEngine(kind.djlName())
          .optDevice(djlDevice)
          // Lets a model traced on a GPU load on the CPU and vice versa.
          .optOption("mapLocation", "true");
      model = criteria.build().loadModel();
    } catch (ModelNotFoundException | MalformedModelException | IOException | EngineException e) {
      throw notAModel(file, kind, e);
    }
    try {
      int inputSize = InputSizes.choose(null, inputSizeHint, Map.of(), file);
      DjlInferenceEngine result = new DjlInferenceEngine(model, kind, resolved, Map.of(), inputSize);
      result.probe(file);
      return result;
    } catch (RuntimeException e) {
      model.close();
      throw e;
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
    return new InvalidInputException(file + " is not a TorchScript model that " + kind.cliName()
        + " can load (" + EngineErrors.firstLine(e) + "); expected a .onnx file for onnxruntime or a"
        + " TorchScript .pt for pytorch", e);
  }

  /** Learns the output shape (batch 1) and the batch capability. */
  private void probe(Path file) {
    float[] zeros = new float[2 * inputFloatsPerImage()];
    Shape single;
    try {
      single = run(zeros, 1, null);
    } catch (EngineException | IllegalStateException e) {
      throw new InvalidInputException(file + " failed on a [1, 3, " + inputSize + ", " + inputSize
          + "] input (" + EngineErrors.firstLine(e) + "); pass the model's input size explicitly", e);
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
    }
  }

  @Override
  public String toString() {
    return "DjlInferenceEngine[" + engineKind.cliName() + " " + device + ", input " + inputSize
        + ", output " + Arrays.toString(outputShape) + ", " + batchMode + "]";
  }
}
