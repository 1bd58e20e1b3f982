package dev.tracklight.inference.engine;

import java.nio.file.Path;
import java.util.Map;

/**
 * A loaded model's raw forward pass: NCHW float input in, the model's single output tensor out,
 * with no pre- or post-processing. Separate from the detector so benchmarks can time the engine
 * alone.
 *
 * <p><b>Ownership.</b> The engine owns native resources (an ONNX Runtime session, or a DJL
 * PyTorch model); whoever opens it closes it. Input and output arrays belong to the caller and are not retained.
 */
public interface InferenceEngine extends AutoCloseable {

  /**
   * Loads {@code file} on {@code kind}: ONNX models on ONNX Runtime's own API
   * ({@link OrtInferenceEngine}), TorchScript on DJL's PyTorch engine ({@link DjlInferenceEngine}).
   *
   * @param inputSizeHint the square input side when the model does not fix it; 0 for none
   * @param threads the CPU thread settings of this one copy of the model
   * @throws dev.tracklight.inference.InvalidInputException for a missing or unloadable model, an
   *     unsupported input, or an unavailable GPU
   */
  static InferenceEngine open(Path file, EngineKind kind, DeviceSpec device, int inputSizeHint,
      EngineThreads threads) {
    return kind == EngineKind.ONNXRUNTIME
        ? OrtInferenceEngine.open(file, device, inputSizeHint, threads)
        : DjlInferenceEngine.open(file, kind, device, inputSizeHint, threads);
  }

  /**
   * The device {@code requested} resolves to for {@code kind} on this machine ({@code auto}: a GPU
   * that engine build can use, else the CPU), as {@link #open} would resolve it.
   */
  static DeviceSpec resolveDevice(EngineKind kind, DeviceSpec requested) {
    return kind == EngineKind.ONNXRUNTIME
        ? OrtInferenceEngine.resolveDevice(requested)
        : DjlInferenceEngine.resolveDevice(kind, requested);
  }

  /**
   * As {@link #open(Path, EngineKind, DeviceSpec, int, EngineThreads)}; with {@code fitInput} an
   * ONNX model whose graph allows it also takes inputs smaller than its square
   * ({@link #takesFittedInput}). TorchScript models are always square.
   */
  static InferenceEngine open(Path file, EngineKind kind, DeviceSpec device, int inputSizeHint,
      EngineThreads threads, boolean fitInput) {
    return kind == EngineKind.ONNXRUNTIME
        ? OrtInferenceEngine.open(file, device, inputSizeHint, threads, fitInput)
        : DjlInferenceEngine.open(file, kind, device, inputSizeHint, threads);
  }

  /**
   * Whether {@link #forward(float[], int, int, int, float[])} takes inputs smaller than the
   * square (each side at most {@link #inputSize()}; the detector keeps them multiples of the
   * model's largest stride).
   */
  default boolean takesFittedInput() {
    return false;
  }

  /** Output dims of one image for a {@code height x width} input ({@link #outputShape()} for the square). */
  default int[] outputShape(int height, int width) {
    if (height != inputSize() || width != inputSize()) {
      throw new IllegalArgumentException("input " + width + "x" + height + " not supported: the"
          + " model takes only " + inputSize() + "x" + inputSize());
    }
    return outputShape();
  }

  /**
   * {@link #forward(float[], int, float[])} on {@code batch} images of {@code height x width}
   * ({@code 3 * height * width} floats each).
   *
   * @throws IllegalArgumentException for a size other than the square on an engine that does not
   *     {@link #takesFittedInput}
   */
  default void forward(float[] input, int batch, int height, int width, float[] output) {
    outputShape(height, width);
    forward(input, batch, output);
  }

  /** Which DJL engine runs the model. */
  EngineKind engineKind();

  /** The device the model runs on, resolved ({@code cpu} or {@code gpu:N}). */
  DeviceSpec device();

  /** Side of the square input the model is run at. */
  int inputSize();

  /** Whether more than one image can go through one forward call. */
  BatchMode batchMode();

  /** Output dimensions of one image (the output tensor's shape without the batch dimension). */
  int[] outputShape();

  /** Floats of input per image: {@code 3 * inputSize^2}. */
  default int inputFloatsPerImage() {
    return 3 * inputSize() * inputSize();
  }

  /** Floats of output per image: the product of {@link #outputShape()}. */
  default int outputFloatsPerImage() {
    int n = 1;
    for (int d : outputShape()) {
      n *= d;
    }
    return n;
  }

  /** Model-level key/value metadata (ONNX custom metadata; empty when the format has none). */
  Map<String, String> metadata();

  /**
   * Runs the model on {@code batch} images read from {@code input[0, batch * inputFloatsPerImage())}
   * and writes {@code batch * outputFloatsPerImage()} floats to {@code output}.
   *
   * @throws IllegalArgumentException if the arrays are too small or {@code batch} exceeds what
   *     {@link #batchMode()} allows
   */
  void forward(float[] input, int batch, float[] output);

  @Override
  void close();
}
