package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.engine.BatchMode;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.EngineThreads;
import dev.tracklight.inference.model.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector reproduces the Python/onnxruntime reference detections on the six reference images,
 * for YOLOX-Nano (dynamic and fixed-batch ONNX, TorchScript) and YOLOv8n-int8, on the CPU.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DetectorParityTest {

  /** Below the 0.33 parity floor so near-threshold detections can still be matched. */
  private static final float CONF = 0.30f;

  @TempDir
  static Path emptyCache;

  private ModelRegistry registry;
  private final Map<String, BgrImage> images = new LinkedHashMap<>();
  private YoloDetector yoloxDynamic;

  @BeforeAll
  void loadImages() {
    Path root = TestAssets.root();
    registry = new ModelRegistry(root, emptyCache);
    for (String name : reference("yolox_nano").images().keySet()) {
      images.put(name, TestImages.read(TestAssets.file("images/" + name)));
    }
    assertEquals(6, images.size(), "reference images");
    yoloxDynamic = open(DetectorOptions.forModel("yolox-nano"));
  }

  @AfterAll
  void close() {
    if (yoloxDynamic != null) {
      yoloxDynamic.close();
    }
  }

  private YoloDetector open(DetectorOptions options) {
    return YoloDetector.open(options.withDevice(DeviceSpec.CPU).withConfidenceThreshold(CONF),
        registry);
  }

  private static ReferenceDetections reference(String model) {
    return ReferenceDetections.load(TestAssets.file("reference/" + model + "_reference_detections.json"));
  }

  private void assertMatchesReference(Detector detector, ReferenceDetections ref) {
    List<String> problems = new ArrayList<>();
    List<String> names = new ArrayList<>(ref.images().keySet());
    List<BgrImage> batch = names.stream().map(images::get).toList();
    List<Detections> results = detector.detect(batch);
    for (int i = 0; i < names.size(); i++) {
      ReferenceDetections.Entry entry = ref.images().get(names.get(i));
      assertEquals(entry.width(), batch.get(i).width(), names.get(i) + " width");
      for (String p : DetectionParity.DEFAULT.compare(entry.detections(), results.get(i),
          detector.classNames())) {
        problems.add(names.get(i) + ": " + p);
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void yoloxNanoDynamicOnnxMatchesReference() {
    ModelInfo info = yoloxDynamic.info();
    assertEquals(ModelFamily.YOLOX, info.family());
    assertEquals(416, info.inputSize());
    assertEquals(BatchMode.DYNAMIC, info.batchMode());
    assertEquals(EngineKind.ONNXRUNTIME, info.engine());
    assertEquals("cpu", info.device().toString());
    assertEquals(80, info.classCount());
    assertEquals("yolox_nano_dynamic.onnx", info.source().getFileName().toString());
    assertMatchesReference(yoloxDynamic, reference("yolox_nano"));
  }

  @Test
  void yoloxNanoFixedBatchOnnxMatchesReferenceThroughTheBatchApi() {
    try (YoloDetector fixed = open(DetectorOptions.forModel(
        TestAssets.file("models/yolox_nano.onnx").toString()))) {
      assertEquals(BatchMode.FIXED_ONE, fixed.info().batchMode());
      assertEquals(ModelFamily.YOLOX, fixed.info().family());
      assertMatchesReference(fixed, reference("yolox_nano"));
    }
  }

  @Test
  void yolov8nInt8MatchesReference() {
    try (YoloDetector v8 = open(DetectorOptions.forModel("yolov8n-int8"))) {
      assertEquals(ModelFamily.ULTRALYTICS, v8.info().family());
      assertEquals(640, v8.info().inputSize());
      assertEquals("motorcycle", v8.classNames().name(3), "names come from the ONNX metadata");
      assertMatchesReference(v8, reference("yolov8n_int8"));
    }
  }

  @Test
  void batchOfFourEqualsFourSingles() {
    List<BgrImage> four = new ArrayList<>(images.values()).subList(0, 4);
    List<Detections> batched = yoloxDynamic.detect(four);
    assertEquals(4, batched.size());
    for (int i = 0; i < 4; i++) {
      Detections single = yoloxDynamic.detect(four.get(i));
      assertSame(single, batched.get(i), 1e-4f, 1e-2f, "image " + i);
    }
  }

  /**
   * ONNX Runtime thread settings change how a forward pass is split, not what it computes: one
   * thread, and two spinning threads, give the default's detections (a different split may round
   * a reduction differently, hence the tolerances of the batch test).
   */
  @Test
  void threadSettingsKeepDetections() {
    List<BgrImage> all = new ArrayList<>(images.values());
    List<Detections> expected = yoloxDynamic.detect(all);
    for (EngineThreads threads : List.of(new EngineThreads(1, 1, false), new EngineThreads(1, 2, true))) {
      try (YoloDetector d = open(DetectorOptions.forModel("yolox-nano").withThreads(threads))) {
        List<Detections> actual = d.detect(all);
        for (int i = 0; i < all.size(); i++) {
          assertSame(expected.get(i), actual.get(i), 1e-4f, 1e-2f, threads + ", image " + i);
        }
      }
    }
  }

  @Test
  void torchScriptAgreesWithOnnx() {
    try (YoloDetector ts = open(DetectorOptions.forModel("yolox-nano-ts"))) {
      assertEquals(EngineKind.PYTORCH, ts.info().engine());
      assertEquals(BatchMode.DYNAMIC, ts.info().batchMode());
      List<BgrImage> all = new ArrayList<>(images.values());
      List<Detections> onnx = yoloxDynamic.detect(all);
      List<Detections> torch = ts.detect(all);
      for (int i = 0; i < all.size(); i++) {
        assertSame(onnx.get(i), torch.get(i), 1e-3f, 0.5f, "image " + i);
      }
    }
  }

  /**
   * {@link InputShape#FIT}: the model really runs fitted, every confident reference detection
   * (score >= 0.5) is found again with the same class and an IoU of at least 0.9 (the boxes of
   * objects touching the padded edge move by a few pixels; see {@link InputShape}), and an image's
   * detections do not depend on which images of other sizes share its call.
   */
  @Test
  void fittedInputKeepsConfidentDetectionsAndIsIndependentOfTheBatch() {
    try (YoloDetector fit = open(DetectorOptions.forModel("yolox-nano")
        .withInputShape(InputShape.FIT))) {
      assertTrue(fit.fittedInput(), "yolox-nano on ONNX Runtime takes fitted inputs");
      assertFalse(yoloxDynamic.fittedInput(), "square is the default");
      ReferenceDetections ref = reference("yolox_nano");
      List<String> names = new ArrayList<>(ref.images().keySet());
      List<BgrImage> all = names.stream().map(images::get).toList();
      List<Detections> batched = fit.detect(all);
      List<String> problems = new ArrayList<>();
      int confident = 0;
      for (int i = 0; i < names.size(); i++) {
        Detections single = fit.detect(all.get(i));
        assertSame(single, batched.get(i), 0f, 0f, names.get(i) + " alone vs in a mixed batch");
        for (ReferenceDetections.Expected e : ref.images().get(names.get(i)).detections()) {
          if (e.score() < 0.5f) {
            continue;
          }
          confident++;
          int cls = fit.classNames().idOf(e.className());
          float best = 0;
          for (int k = 0; k < single.size(); k++) {
            if (single.classId(k) == cls) {
              best = Math.max(best, iou(e.box(), single.boxes(), k));
            }
          }
          if (best < 0.9f) {
            problems.add(names.get(i) + ": " + e.className() + " " + e.score() + " best IoU " + best);
          }
        }
      }
      assertTrue(confident >= 15, "confident reference detections: " + confident);
      assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
  }

  private static float iou(float[] a, float[] boxes, int k) {
    float x1 = Math.max(a[0], boxes[4 * k]);
    float y1 = Math.max(a[1], boxes[4 * k + 1]);
    float x2 = Math.min(a[2], boxes[4 * k + 2]);
    float y2 = Math.min(a[3], boxes[4 * k + 3]);
    float inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    float areaA = (a[2] - a[0]) * (a[3] - a[1]);
    float areaB = (boxes[4 * k + 2] - boxes[4 * k]) * (boxes[4 * k + 3] - boxes[4 * k + 1]);
    return inter / (areaA + areaB - inter);
  }

  private static void assertSame(Detections expected, Detections actual, float scoreTol,
      float boxTol, String what) {
    assertEquals(expected.size(), actual.size(), what + ": " + expected + " vs " + actual);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.classId(i), actual.classId(i), what + " class of #" + i);
      assertEquals(expected.score(i), actual.score(i), scoreTol, what + " score of #" + i);
      for (int k = 0; k < 4; k++) {
        assertEquals(expected.boxes()[4 * i + k], actual.boxes()[4 * i + k], boxTol,
            what + " box of #" + i);
      }
    }
  }
}
