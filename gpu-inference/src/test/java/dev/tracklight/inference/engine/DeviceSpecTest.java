package dev.tracklight.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import java.util.List;
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

  @Test
  void workersSpreadOverTheGpusTheSchedulerGave() {
    List<Integer> two = List.of(0, 1);
    for (String requested : List.of("auto", "gpu", "gpu:0", "gpu:3")) {
      DeviceSpec spec = DeviceSpec.parse(requested);
      assertEquals(List.of("gpu:0", "gpu:1", "gpu:0", "gpu:1"),
          List.of(0, 1, 2, 3).stream().map(w -> spec.assignedAmong(two, w).toString()).toList(), requested);
    }
    // the scheduler's ordinals, not 0..n-1: a TaskManager given GPUs 2 and 5
    assertEquals(DeviceSpec.parse("gpu:5"), DeviceSpec.AUTO.assignedAmong(List.of(2, 5), 3));
    // cpu stays on the CPU
    assertEquals(DeviceSpec.CPU, DeviceSpec.CPU.assignedAmong(two, 1));
    // none given: unchanged, resolved against what the engine sees (auto -> CPU, gpu -> the error)
    assertEquals(DeviceSpec.AUTO, DeviceSpec.AUTO.assignedAmong(List.of(), 1));
    assertEquals(DeviceSpec.CPU, DeviceSpec.AUTO.assignedAmong(List.of(), 1).resolve(0));
    DeviceSpec gpu = DeviceSpec.parse("gpu").assignedAmong(List.of(), 0);
    assertThrows(InvalidInputException.class, () -> gpu.resolve(0));
    assertThrows(IllegalArgumentException.class, () -> DeviceSpec.AUTO.assignedAmong(two, -1));
  }
}
