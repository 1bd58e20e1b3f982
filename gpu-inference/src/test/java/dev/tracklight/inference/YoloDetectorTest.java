package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.engine.BatchMode;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.InferenceEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batching, decoding and mapping to source pixels against a scripted engine (no DJL, no assets). */
class YoloDetectorTest {

  /**
   * A YOLOX-shaped engine at input 64 (84 anchors, 2 classes) that reports, for every image, one
   * object in anchor 69 (stride 16, cell (1, 1)) whose box is 16x16 centred on input pixel (40, 40),
   * with objectness equal to the image's mean input value / 255 so images can be told apart.
   */
  private static final class ScriptedEngine implements InferenceEngine {
    final BatchMode mode;
    final List<Integer> batches = new ArrayList<>();
    boolean closed;

    ScriptedEngine(BatchMode mode) {
      this.mode = mode;
    }

    @Override
    public EngineKind engineKind() {
      return EngineKind.ONNXRUNTIME;
    }

    @Override
    public DeviceSpec device() {
      return DeviceSpec.CPU;
    }

    @Override
    public int inputSize() {
      return 64;
    }

    @Override
    public BatchMode batchMode() {
      return mode;
    }

    @Override
    public int[] outputShape() {
      return new int[] {84, 7};
    }

    @Override
    public Map<String, String> metadata() {
      return Map.of();
    }

    @Override
    public void forward(float[] input, int batch, float[] output) {
      batches.add(batch);
      java.util.Arrays.fill(output, 0, batch * outputFloatsPerImage(), 0f);
      for (int b = 0; b < batch; b++) {
        // Top-left pixel of the B plane: the letterboxed image's own colour.
        float value = input[b * inputFloatsPerImage()];
        int row = b * outputFloatsPerImage() + 69 * 7;
        output[row] = 1.5f;
        output[row + 1] = 1.5f;
        output[row + 4] = value / 255f;
        output[row + 6] = 1f;
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static BgrImage uniform(int width, int height, int value) {
    byte[] px = new byte[width * height * 3];
    java.util.Arrays.fill(px, (byte) value);
    return new BgrImage(width, height, px);
  }

  @Test
  void dynamicModelsRunChunksOfMaxBatchAndMapBoxesToSourcePixels() {
    ScriptedEngine engine = new ScriptedEngine(BatchMode.DYNAMIC);
    DetectorOptions options = DetectorOptions.forModel("scripted").withMaxBatch(4);
    List<BgrImage> images = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      images.add(uniform(128, 64, 100 + 10 * i)); // r = 0.5, top-left letterbox
    }
    try (YoloDetector detector = new YoloDetector(engine, options, "scripted", Path.of("x.onnx"))) {
      List<Detections> results = detector.detect(images);
      assertEquals(List.of(4, 4, 2), engine.batches);
      assertEquals(10, results.size());
      for (int i = 0; i < 10; i++) {
        Detections d = results.get(i);
        assertEquals(1, d.size());
        assertEquals(1, d.classId(0));
        assertEquals((100 + 10 * i) / 255f, d.score(0), 1e-6f, "result order follows input order");
        // Input box (32, 32)-(48, 48) at scale 0.5 -> source (64, 64)-(96, 96).
        assertEquals(64f, d.x1(0), 1e-3f);
        assertEquals(96f, d.y2(0), 1e-3f);
      }
      assertEquals(ModelFamily.YOLOX, detector.info().family());
      assertEquals(2, detector.info().classCount());
      assertEquals("class1", detector.classNames().name(1), "no names: generic ones");
    }
    assertTrue(engine.closed, "the detector owns and closes the engine");
  }

  @Test
  void fixedBatchModelsRunOneImageAtATimeAndThresholdsApply() {
    ScriptedEngine engine = new ScriptedEngine(BatchMode.FIXED_ONE);
    DetectorOptions options = DetectorOptions.forModel("scripted").withConfidenceThreshold(0.5f);
    try (YoloDetector detector = new YoloDetector(engine, options, "scripted", Path.of("x.onnx"))) {
      List<Detections> results = detector.detect(List.of(uniform(64, 64, 200), uniform(64, 64, 60)));
      assertEquals(List.of(1, 1), engine.batches);
      assertEquals(1, results.get(0).size());
      assertEquals(0, results.get(1).size(), "60/255 is below the threshold");
      assertEquals(List.of(), detector.detect(List.of()));
    }
  }
}
