package dev.tracklight.inference.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The direct ONNX Runtime engine: bound buffers across batch sizes, shapes, misuse. */
class OrtInferenceEngineTest {

  private static final EngineThreads ONE_THREAD = new EngineThreads(1, 1, false);

  @Test
  void batchesOfAnySizeMatchSinglesAndRebindingKeepsResultsExact() {
    Path model = TestAssets.file("models/yolox_nano_dynamic.onnx");
    try (OrtInferenceEngine engine = OrtInferenceEngine.open(model, DeviceSpec.CPU, 0, ONE_THREAD)) {
      assertEquals(BatchMode.DYNAMIC, engine.batchMode());
      assertEquals(416, engine.inputSize());
      assertArrayEquals(new int[] {3549, 85}, engine.outputShape());
      int in = engine.inputFloatsPerImage();
      int out = engine.outputFloatsPerImage();
      float[] four = new float[4 * in];
      Random random = new Random(7);
      for (int i = 0; i < four.length; i++) {
        four[i] = random.nextFloat() * 255f;
      }
      float[] batched = new float[4 * out];
      engine.forward(four, 4, batched);
      for (int k = 0; k < 4; k++) {
        // Batch 1 after batch 4 rebinds the tensors; the results must not depend on it.
        float[] single = new float[out];
        engine.forward(Arrays.copyOfRange(four, k * in, (k + 1) * in), 1, single);
        float[] fromBatch = Arrays.copyOfRange(batched, k * out, (k + 1) * out);
        for (int i = 0; i < out; i++) {
          assertEquals(fromBatch[i], single[i], 1e-3f * Math.max(1f, Math.abs(single[i])),
              "image " + k + " float " + i);
        }
      }
      float[] again = new float[4 * out];
      engine.forward(four, 4, again);
      assertArrayEquals(batched, again, "same batch, same engine: bit-identical");
    }
  }

  /**
   * Fitted inputs: the relaxed model runs at non-square sizes with the YOLOX grid's anchor count
   * for each, gives the same output as the file as it is at the square, and an engine opened
   * without fitting refuses other sizes. The rewrite only touches declarations.
   */
  @Test
  void fittedEngineRunsOtherSizesAndMatchesTheSquare() throws Exception {
    Path model = TestAssets.file("models/yolox_nano_dynamic.onnx");
    try (OrtInferenceEngine fitted = OrtInferenceEngine.open(model, DeviceSpec.CPU, 0, ONE_THREAD, true);
        OrtInferenceEngine plain = OrtInferenceEngine.open(model, DeviceSpec.CPU, 0, ONE_THREAD)) {
      assertTrue(fitted.takesFittedInput());
      assertEquals(416, fitted.inputSize(), "the side comes from the file's declared input");
      assertTrue(!plain.takesFittedInput());
      assertArrayEquals(new int[] {52 * 36 + 26 * 18 + 13 * 9, 85}, fitted.outputShape(288, 416));
      assertArrayEquals(new int[] {52 * 44 + 26 * 22 + 13 * 11, 85}, fitted.outputShape(416, 352));
      float[] input = new float[3 * 416 * 416];
      Random random = new Random(3);
      for (int i = 0; i < input.length; i++) {
        input[i] = random.nextFloat() * 255;
      }
      float[] a = new float[plain.outputFloatsPerImage()];
      float[] b = new float[a.length];
      plain.forward(input, 1, a);
      fitted.forward(input, 1, 416, 416, b);
      assertArrayEquals(a, b, "same graph at the square");
      float[] small = new float[52 * 36 + 26 * 18 + 13 * 9];
      fitted.forward(Arrays.copyOf(input, 3 * 288 * 416), 1, 288, 416, new float[small.length * 85]);
      assertThrows(IllegalArgumentException.class, () -> plain.outputShape(288, 416));
      assertThrows(IllegalArgumentException.class, () -> fitted.outputShape(448, 416));
    }
    assertThrows(IllegalArgumentException.class, () -> OnnxSpatialDims.relax(new byte[] {8, 1, 2}));
    byte[] relaxed = OnnxSpatialDims.relax(Files.readAllBytes(model));
    assertTrue(relaxed.length < Files.size(model) + 1024, "declarations only");
  }

  @Test
  void fixedBatchModelsRefuseBatchesAndTooSmallArrays() {
    Path model = TestAssets.file("models/yolox_nano.onnx");
    try (OrtInferenceEngine engine = OrtInferenceEngine.open(model, DeviceSpec.CPU, 0, ONE_THREAD)) {
      assertEquals(BatchMode.FIXED_ONE, engine.batchMode());
      float[] input = new float[2 * engine.inputFloatsPerImage()];
      float[] output = new float[2 * engine.outputFloatsPerImage()];
      assertThrows(IllegalArgumentException.class, () -> engine.forward(input, 2, output));
      assertThrows(IllegalArgumentException.class,
          () -> engine.forward(new float[10], 1, output));
      engine.close();
      assertThrows(IllegalStateException.class, () -> engine.forward(input, 1, output));
    }
  }

  @Test
  void aFileThatIsNotAModelIsOneClearError(@TempDir Path dir) throws Exception {
    Path notModel = Files.writeString(dir.resolve("notes.onnx"), "not a model");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> OrtInferenceEngine.open(notModel, DeviceSpec.CPU, 0, ONE_THREAD));
    assertTrue(e.getMessage().contains("is not an ONNX model that onnxruntime can load"), e.getMessage());
    InvalidInputException size = assertThrows(InvalidInputException.class,
        () -> OrtInferenceEngine.open(TestAssets.file("models/yolox_nano.onnx"), DeviceSpec.CPU, 640,
            ONE_THREAD));
    assertTrue(size.getMessage().contains("has a fixed 416x416 input but input size 640"), size.getMessage());
  }
}
