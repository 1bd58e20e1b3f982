package dev.tracklight.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import org.junit.jupiter.api.Test;

class DeviceSpecTest {

  @Test
  void parsesTheDocumentedForms() {
    assertEquals(DeviceSpec.CPU, DeviceSpec.parse("CPU"));
    assertEquals(DeviceSpec.AUTO, DeviceSpec.parse("auto"));
    assertEquals(new DeviceSpec(DeviceSpec.Kind.GPU, 0), DeviceSpec.parse("gpu"));
    assertEquals(new DeviceSpec(DeviceSpec.Kind.GPU, 3), DeviceSpec.parse("gpu:3"));
    assertEquals("gpu:3", DeviceSpec.parse("cuda:3").toString());
    for (String bad : new String[] {"tpu", "gpu:", "gpu:-1", "gpu:x", ""}) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> DeviceSpec.parse(bad));
      assertTrue(e.getMessage().contains("expected cpu, gpu, gpu:N or auto"), e.getMessage());
    }
  }

  @Test
  void resolvesAgainstTheGpusPresentWithoutSilentFallback() {
    assertEquals(DeviceSpec.CPU, DeviceSpec.AUTO.resolve(0));
    assertEquals(DeviceSpec.parse("gpu:0"), DeviceSpec.AUTO.resolve(2));
    assertEquals(DeviceSpec.parse("gpu:1"), DeviceSpec.parse("gpu:1").resolve(2));
    assertEquals(DeviceSpec.CPU, DeviceSpec.CPU.resolve(4));
    InvalidInputException none = assertThrows(InvalidInputException.class,
        () -> DeviceSpec.parse("gpu").resolve(0));
    assertEquals("GPU requested but none is available; use --device cpu or auto", none.getMessage());
    InvalidInputException beyond = assertThrows(InvalidInputException.class,
        () -> DeviceSpec.parse("gpu:2").resolve(2));
    assertTrue(beyond.getMessage().contains("only 2 GPU(s)"), beyond.getMessage());
  }
}
