package dev.tracklight.pipeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.pipeline.testing.TestClips;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet case and the Python reference of {@code bench replay}: real child processes on short
 * clips (report shape, not timings), and the failures a user can cause.
 */
class FleetBenchTest {

  /** A Python with numpy, opencv-python and onnxruntime, when the machine has one (optional). */
  private static final String PYTHON_ENV = "TRACKLIGHT_BENCH_PYTHON";

  @TempDir
  Path tmp;

  @Test
  void fleetRunsOurJobOverAllVideosAtBothParallelisms() {
    Path a = TestClips.firstFrames(TestAssets.file("videos/persons_one_by_one_432p.mp4"), 12,
        tmp.resolve("a.mp4"));
    Path b = TestClips.firstFrames(TestAssets.file("videos/bottles_hands_360p.mp4"), 12,
        tmp.resolve("b.mp4"));
    Path work = tmp.resolve("work");
    StringWriter log = new StringWriter();
    FleetBench fleet = new FleetBench(List.of(a, b), "yolox-nano",
        TestAssets.file("models/yolox_nano_dynamic.onnx"), null, 1, work);

    Map<String, Object> report = fleet.run(ReplayProcess.likeThisJvm(), System::nanoTime,
        new PrintWriter(log, true));

    assertEquals(List.of("a.mp4", "b.mp4"), report.get("videos"));
    assertEquals(24L, report.get("frames"));
    Map<?, ?> results = (Map<?, ?>) report.get("results");
    assertEquals(List.of("fleet_flink_p1", "fleet_flink_p2", "fleet_flink_fit_p1"),
        List.copyOf(results.keySet()));
    for (Object r : results.values()) {
      assertTrue(((Number) ((Map<?, ?>) r).get("process_wall_s")).doubleValue() > 0, r.toString());
    }
    Map<?, ?> ratios = (Map<?, ?>) report.get("ratios");
    assertTrue(((Number) ratios.get("flink_p2_over_p1_speed")).doubleValue() > 0);
    assertTrue(((Number) ratios.get("flink_fit_p1_over_p1_speed")).doubleValue() > 0);
    assertInstanceOf(Boolean.class, ratios.get("goal_p2_not_slower_than_p1"));
    assertTrue(log.toString().contains("fleet round 1 fleet_flink_p2"), log.toString());
    assertTrue(Files.notExists(work) || isEmpty(work), "run folders are deleted after each run");
  }

  @Test
  void processesTimedTogetherFailWithTheFailingOnesOutput() {
    double s = ReplayProcess.timeTogether(List.of(List.of("sleep", "0.2"), List.of("sleep", "0.3")),
        tmp.resolve("ok"), System::nanoTime);
    assertTrue(s >= 0.3, "the wall time lasts until the last process exits: " + s);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReplayProcess.timeTogether(
        List.of(List.of("true"), List.of("sh", "-c", "echo broken input; exit 3")), tmp.resolve("bad"),
        System::nanoTime));
    assertTrue(e.getMessage().startsWith("sh -c echo broken input; exit 3 exited with 3"), e.getMessage());
    assertTrue(e.getMessage().contains("broken input"), "quotes the output: " + e.getMessage());
  }

  @Test
  void anInterpreterWithoutTheModulesIsOneClearError() {
    InvalidInputException missing = assertThrows(InvalidInputException.class,
        () -> PythonLoop.prepare(tmp.resolve("no-python"), tmp.resolve("py")));
    assertTrue(missing.getMessage().contains("cannot be started"), missing.getMessage());
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(python), "no system python3");
    InvalidInputException modules = assertThrows(InvalidInputException.class,
        () -> PythonLoop.prepare(Path.of("/bin/sh"), tmp.resolve("py")));
    assertTrue(modules.getMessage().startsWith("--python /bin/sh: cannot import the modules"),
        modules.getMessage());
    assertTrue(modules.getMessage().endsWith("expected a Python 3 interpreter with numpy, opencv-python"
        + " and onnxruntime installed"), modules.getMessage());
  }

  @Test
  void thePythonLoopRunsOnTheSameVideoAndModel() throws Exception {
    String python = System.getenv(PYTHON_ENV);
    assumeTrue(python != null && !python.isBlank(), PYTHON_ENV + " names no Python with onnxruntime");
    Path clip = TestClips.firstFrames(TestAssets.file("videos/persons_one_by_one_432p.mp4"), 12,
        tmp.resolve("c.mp4"));
    PythonLoop loop = PythonLoop.prepare(Path.of(python), tmp.resolve("py"));
    Path out = tmp.resolve("py-out");
    double s = ReplayProcess.timeTogether(List.of(loop.command(
        TestAssets.file("models/yolox_nano_dynamic.onnx"), clip, out.resolve("python.mp4"))), out,
        System::nanoTime);
    assertTrue(s > 0);
    String printed = Files.readString(out.resolve("child.log"));
    assertTrue(printed.contains("\"frames\": 12"), printed);
    assertTrue(Files.size(out.resolve("python.mp4")) > 0);
  }

  private static boolean isEmpty(Path dir) {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

}
