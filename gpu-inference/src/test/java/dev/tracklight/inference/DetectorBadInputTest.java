package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.EngineThreads;
import dev.tracklight.inference.model.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input ends in one clear {@link InvalidInputException}. */
class DetectorBadInputTest {

  @TempDir
  Path tmp;

  private ModelRegistry registry() {
    return new ModelRegistry(TestAssets.root(), tmp.resolve("cache"));
  }

  private InvalidInputException openFails(DetectorOptions options) {
    return openFails(options, registry());
  }

  private static InvalidInputException openFails(DetectorOptions options, ModelRegistry registry) {
    return assertThrows(InvalidInputException.class, () -> {
      try (YoloDetector d = YoloDetector.open(options, registry)) {
        // opening must fail
      }
    });
  }

  private static void assertMentions(Exception e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should mention '" + p + "'");
    }
    assertEquals(1, e.getMessage().lines().count(), "one-line message: " + e.getMessage());
  }

  @Test
  void textFileNamedOnnxIsNotAModel() throws IOException {
    Path text = Files.writeString(tmp.resolve("notes.onnx"), "this is not a model\n");
    // A plain path needs no shared data.
    InvalidInputException e = openFails(DetectorOptions.forModel(text.toString())
        .withDevice(DeviceSpec.CPU), new ModelRegistry(null, tmp.resolve("cache")));
    assertMentions(e, "notes.onnx", "is not an ONNX model");
  }

  @Test
  void jpegIsNotAModelForEitherEngine() {
    String jpg = TestAssets.file("images/dog.jpg").toString();
    InvalidInputException noEngine = openFails(DetectorOptions.forModel(jpg).withDevice(DeviceSpec.CPU));
    assertMentions(noEngine, "cannot tell which engine", "dog.jpg");
    InvalidInputException ort = openFails(DetectorOptions.forModel(jpg).withDevice(DeviceSpec.CPU)
        .withEngine(EngineKind.ONNXRUNTIME));
    assertMentions(ort, "is not an ONNX model");
    InvalidInputException torch = openFails(DetectorOptions.forModel(jpg).withDevice(DeviceSpec.CPU)
        .withEngine(EngineKind.PYTORCH));
    assertMentions(torch, "is not a TorchScript model");
  }

  @Test
  void threadCountsForPyTorchAreRejected() {
    InvalidInputException torch = openFails(DetectorOptions.forModel("yolox-nano-ts")
        .withDevice(DeviceSpec.CPU).withThreads(new EngineThreads(1, 2, false)));
    assertMentions(torch, "ONNX Runtime settings", "1 replica(s), 2 intra-op thread(s)", "pytorch");
  }

  @Test
  void familyOverrideThatContradictsTheOutputListsSupportedLayouts() {
    InvalidInputException e = openFails(DetectorOptions.forModel("yolox-nano")
        .withDevice(DeviceSpec.CPU).withFamily(ModelFamily.ULTRALYTICS));
    assertMentions(e, "unsupported model output [batch, 3549, 85]", "as a ultralytics model",
        "supported output layouts");
  }

  @Test
  void inputSizeThatContradictsAFixedInputIsRejected() {
    InvalidInputException e = openFails(DetectorOptions.forModel("yolox-nano")
        .withDevice(DeviceSpec.CPU).withInputSize(640));
    assertMentions(e, "fixed 416x416 input", "640");
  }

  @Test
  void unknownClassNameIsRejectedWithTheKnownOnes() {
    InvalidInputException e = openFails(DetectorOptions.forModel("yolox-nano")
        .withDevice(DeviceSpec.CPU).withClasses(List.of("person", "unicorn")));
    assertMentions(e, "unknown class 'unicorn'", "person, bicycle");
  }

  @Test
  void thresholdsOutsideZeroToOneAreRejected() {
    DetectorOptions ok = DetectorOptions.forModel("yolox-nano");
    assertMentions(assertThrows(InvalidInputException.class,
        () -> ok.withConfidenceThreshold(1.5f)), "confidence threshold must be between 0 and 1");
    assertMentions(assertThrows(InvalidInputException.class,
        () -> ok.withConfidenceThreshold(Float.NaN)), "confidence threshold");
    assertMentions(assertThrows(InvalidInputException.class,
        () -> ok.withIouThreshold(-0.1f)), "IoU threshold must be between 0 and 1");
    assertMentions(assertThrows(InvalidInputException.class, () -> ok.withMaxBatch(0)),
        "max batch");
    assertMentions(assertThrows(InvalidInputException.class, () -> ok.withInputSize(500)),
        "multiple of 32");
  }

  @Test
  void gpuRequestedWithoutAGpuIsAnErrorNotAFallback() {
    assumeTrue(!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)
        || ai.djl.util.cuda.CudaUtils.getGpuCount() == 0, "this machine has a usable GPU");
    InvalidInputException e = openFails(DetectorOptions.forModel("yolox-nano")
        .withDevice(DeviceSpec.parse("gpu")));
    assertMentions(e, "GPU requested but none is available; use --device cpu or auto");
    try (YoloDetector auto = YoloDetector.open(DetectorOptions.forModel("yolox-nano"), registry())) {
      assertEquals(DeviceSpec.CPU, auto.info().device(), "auto falls back to the CPU");
    }
  }

  @Test
  void classFilterKeepsOnlyTheRequestedClasses() {
    BgrImage dog = TestImages.read(TestAssets.file("images/dog.jpg"));
    try (YoloDetector d = YoloDetector.open(DetectorOptions.forModel("yolox-nano")
        .withDevice(DeviceSpec.CPU).withClasses(List.of("Dog", "motorbike")), registry())) {
      Detections r = d.detect(dog);
      assertEquals(1, r.size(), r.toString());
      assertEquals("dog", d.classNames().name(r.classId(0)));
    }
  }
}
