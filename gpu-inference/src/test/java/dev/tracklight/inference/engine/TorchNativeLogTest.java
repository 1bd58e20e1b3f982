package dev.tracklight.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.inference.TestAssets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Opening a PyTorch model sets LibTorch's own log threshold to errors, so its per-call NNPACK
 * warning (on CPUs where NNPACK cannot start) never reaches the terminal.
 */
class TorchNativeLogTest {

  @Test
  void pytorchEngineLogsErrorsOnly() {
    try (DjlInferenceEngine engine = DjlInferenceEngine.open(TestAssets.file("models/yolox_nano.torchscript.pt"),
        EngineKind.PYTORCH, DeviceSpec.CPU, 416, EngineThreads.ALONE)) {
      assertEquals(Optional.of(TorchNativeLog.ERROR), TorchNativeLog.level(),
          "c10's FLAGS_caffe2_log_level of the loaded libc10.so");
    }
  }

  @Test
  void torchCppLogLevelValues() {
    assertEquals(Optional.of(0), TorchNativeLog.parse("info"));
    assertEquals(Optional.of(1), TorchNativeLog.parse("WARNING"));
    assertEquals(Optional.of(2), TorchNativeLog.parse(" 2 "));
    assertEquals(Optional.of(3), TorchNativeLog.parse("FATAL"));
    assertEquals(Optional.empty(), TorchNativeLog.parse("loud"));
    assertEquals(Optional.empty(), TorchNativeLog.parse(null));
  }
}
