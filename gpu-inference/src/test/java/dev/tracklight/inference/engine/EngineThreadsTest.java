package dev.tracklight.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.tracklight.inference.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link EngineThreads} resolves to, and the real ONNX Runtime session options it becomes. */
class EngineThreadsTest {

  @Test
  void spinningBecomesAnOrtConfigEntry() throws Exception {
    try (OrtSession.SessionOptions off = OrtInferenceEngine.sessionOptions(EngineThreads.SHARED, DeviceSpec.CPU);
        OrtSession.SessionOptions on = OrtInferenceEngine.sessionOptions(EngineThreads.ALONE, DeviceSpec.CPU)) {
      assertEquals(Map.of(OrtInferenceEngine.ORT_INTRA_OP_SPINNING, "0"), off.getConfigEntries());
      assertEquals(Map.of(OrtInferenceEngine.ORT_INTRA_OP_SPINNING, "1"), on.getConfigEntries());
    }
  }

  @Test
  void sharedSettingsSplitTheCoresIntoSingleThreadedCopies() {
    EngineKind ort = EngineKind.ONNXRUNTIME;
    assertEquals(new EngineThreads(2, 1, false), EngineThreads.SHARED.resolve(ort, 2));
    assertEquals(new EngineThreads(1, 0, false), EngineThreads.SHARED.resolve(ort, 1), "one core: one copy, ORT's threads");
    assertEquals(new EngineThreads(4, 4, false), EngineThreads.SHARED.resolve(ort, 16), "at most 4 copies");
    assertEquals(new EngineThreads(3, 5, false), EngineThreads.SHARED.resolve(ort, 16).withReplicas(3)
        .withIntraOpThreads(5), "explicit values stay");
    assertEquals(new EngineThreads(3, 5, false), new EngineThreads(3, 5, false).resolve(ort, 16));
    assertEquals(new EngineThreads(3, 2, false), new EngineThreads(3, 0, false).resolve(ort, 7));
    assertEquals(EngineThreads.ALONE, EngineThreads.ALONE.resolve(ort, 16), "ORT's defaults stay");
  }

  @Test
  void pyTorchRunsOneCopyAndRejectsExplicitCounts() {
    assertEquals(new EngineThreads(1, 0, false), EngineThreads.SHARED.resolve(EngineKind.PYTORCH, 16));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> new EngineThreads(2, 0, false).resolve(EngineKind.PYTORCH, 16));
    assertTrue(e.getMessage().startsWith("replicas and intra-op threads are ONNX Runtime settings, got"
        + " 2 replica(s), auto intra-op thread(s), no spinning for the pytorch engine"), e.getMessage());
  }

  @Test
  void outOfRangeCountsAreRejected() {
    InvalidInputException threads = assertThrows(InvalidInputException.class, () -> new EngineThreads(1, -1, false));
    assertEquals("intra-op threads must be in 0..256 (0 = automatic), got -1", threads.getMessage());
    InvalidInputException replicas = assertThrows(InvalidInputException.class, () -> new EngineThreads(300, 0, false));
    assertEquals("replicas must be in 0..256 (0 = one per core), got 300", replicas.getMessage());
  }
}
