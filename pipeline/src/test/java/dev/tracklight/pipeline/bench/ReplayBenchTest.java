package dev.tracklight.pipeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.pipeline.testing.TestClips;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay benchmark's report on a short clip: every variant ran (as real child processes) over
 * all frames, and the report has the fields the issue asks for. Not a timing assertion.
 */
class ReplayBenchTest {

  /** Enough frames for every stage to run; few enough for four child JVMs on 2 cores. */
  private static final int CLIP_FRAMES = 30;

  @TempDir
  Path tmp;

  @Test
  void reportHasEveryVariantRatioAndStage() {
    Path root = TestAssets.root();
    Path clip = TestClips.firstFrames(TestAssets.file("videos/" + ReplayBench.DEFAULT_VIDEO), CLIP_FRAMES,
        tmp.resolve("persons30.mp4"));
    Path work = tmp.resolve("work");
    StringWriter log = new StringWriter();
    ReplayBench bench = new ReplayBench(new ReplayBench.Settings(clip, "yolox-nano", 1, 8, work),
        ReplayProcess.likeThisJvm(), new ModelRegistry(root, root.resolve("no-cache")), System::nanoTime,
        Clock.systemUTC(), new PrintWriter(log, true));

    Map<String, Object> report = bench.run();

    assertEquals((long) CLIP_FRAMES, report.get("video_frames"));
    assertEquals(8, report.get("inference_cached_frames"));
    assertNotNull(report.get("load_average_before"), "Linux reports a load average");
    Map<?, ?> results = (Map<?, ?>) report.get("results");
    assertEquals(true, report.get("fitted_input_available"), "yolox-nano takes fitted inputs");
    assertEquals(List.of("inference_only_batch_1", "inference_only_fit_batch_1", "inference_only_batch_4",
        "inference_only_fit_batch_4", "flink", "flink_max_delay_0", "flink_parallelism_2", "serial",
        "serial_spinning_off"), List.copyOf(results.keySet()));
    for (Object value : results.values()) {
      assertTrue(((Number) ((Map<?, ?>) value).get("fps")).doubleValue() > 0, value.toString());
    }
    for (String variant : List.of("flink", "flink_max_delay_0", "flink_parallelism_2", "serial",
        "serial_spinning_off")) {
      Map<?, ?> r = (Map<?, ?>) results.get(variant);
      Map<?, ?> round = (Map<?, ?>) ((List<?>) r.get("rounds")).get(0);
      assertEquals((long) CLIP_FRAMES, round.get("frames"), variant + " replayed every frame");
      double wall = ((Number) r.get("process_wall_s")).doubleValue();
      assertTrue(wall > ((Number) r.get("pipeline_wall_s")).doubleValue(),
          variant + ": the process includes start-up, the pipeline does not");
      if (variant.startsWith("flink")) {
        double firstFrame = ((Number) r.get("time_to_first_frame_s")).doubleValue();
        assertTrue(firstFrame > 0 && firstFrame < wall, variant + " first frame at " + firstFrame);
      } else {
        assertNull(r.get("time_to_first_frame_s"), "the serial summary has no first-frame time");
      }
    }
    assertEquals(List.of("decode", "detect", "track", "annotate", "encode", "write"),
        List.copyOf(((Map<?, ?>) ((Map<?, ?>) results.get("serial")).get("stage_ms")).keySet()));
    Map<?, ?> flinkStages = (Map<?, ?>) ((Map<?, ?>) results.get("flink")).get("stage_ms");
    assertEquals(List.of("decode", "track", "annotate", "encode", "write"), List.copyOf(flinkStages.keySet()));
    assertTrue(((Number) flinkStages.get("decode")).doubleValue() > 0, "decode time was recorded");
    assertTrue(((Number) flinkStages.get("encode")).doubleValue() > 0, "encode time was recorded");

    Map<?, ?> ratios = (Map<?, ?>) report.get("ratios");
    for (String key : List.of("flink_over_serial", "flink_over_best_serial", "flink_over_inference_only_batch_1",
        "flink_over_inference_only_batch_4", "flink_parallelism_2_over_flink", "flink_over_serial_in_pipeline")) {
      assertTrue(((Number) ratios.get(key)).doubleValue() > 0, key + " = " + ratios.get(key));
    }
    assertEquals(1, ((List<?>) ratios.get("flink_over_serial_by_round")).size(), "one ratio per round");
    assertInstanceOf(Boolean.class, ratios.get("goal_met"));
    assertNotNull(((Map<?, ?>) report.get("where_time_goes")).get("detect_alone_ms_batch_1"));
    assertTrue(Files.notExists(work) || isEmpty(work), "child outputs are deleted after each run");
    assertTrue(log.toString().contains("round 1 serial"), log.toString());
  }

  @Test
  void rejectsBadSettingsBeforeRunningAnything() {
    Path video = tmp.resolve("missing.mp4");
    assertThrows(InvalidInputException.class, () -> new ReplayBench.Settings(video, "yolox-nano", 1, 8, tmp));
    InvalidInputException rounds = assertThrows(InvalidInputException.class,
        () -> new ReplayBench.Settings(video, "yolox-nano", 0, 8, tmp));
    assertEquals("--rounds must be at least 1, got 0", rounds.getMessage());
    assertThrows(InvalidInputException.class, () -> new ReplayBench.Settings(video, "yolox-nano", 1, 0, tmp));
  }

  @Test
  void extraVariantsGetVideoAndModelAndSkippedOnesAreLeftOut() throws Exception {
    Path video = Files.createFile(tmp.resolve("v.mp4"));
    String v = video.toAbsolutePath().toString();
    ReplayBench.ProcessVariant t1 = ReplayBench.ProcessVariant.parse("flink_t1=replay --intra-op-threads 1");
    ReplayBench.ProcessVariant spin = ReplayBench.ProcessVariant.parse("serial_spin = demo --executor serial --spinning true");
    List<ReplayBench.ProcessVariant> all = ReplayBench.processVariants(video, "m",
        java.util.Set.of("flink_parallelism_2"), List.of(t1, spin));
    assertEquals(List.of("flink", "flink_max_delay_0", "serial", "serial_spinning_off", "flink_t1", "serial_spin"),
        all.stream().map(ReplayBench.ProcessVariant::name).toList());
    assertEquals(List.of("replay", v, "--model", "m", "--intra-op-threads", "1"), all.get(4).args());
    assertEquals(List.of("demo", "--video", v, "--model", "m", "--executor", "serial", "--spinning", "true"),
        all.get(5).args());
    assertEquals(List.of("demo", "--video", v, "--model", "m", "--executor", "serial"), all.get(2).args());

    for (String bad : List.of("noequals", "x=detect a.jpg", "Bad-Name=replay", "x=")) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> ReplayBench.ProcessVariant.parse(bad));
      assertTrue(e.getMessage().startsWith("--variant '" + bad + "': expected NAME=replay ARGS..."), e.getMessage());
    }
    InvalidInputException skip = assertThrows(InvalidInputException.class, () -> new ReplayBench.Settings(
        video, "m", 1, 8, tmp, java.util.Set.of("serial"), List.of()));
    assertEquals("--skip serial: expected one of [flink_max_delay_0, flink_parallelism_2, serial_spinning_off]",
        skip.getMessage());
    InvalidInputException clash = assertThrows(InvalidInputException.class, () -> new ReplayBench.Settings(
        video, "m", 1, 8, tmp, java.util.Set.of(), List.of(ReplayBench.ProcessVariant.parse("flink=replay"))));
    assertTrue(clash.getMessage().startsWith("--variant flink is defined twice or names a standard variant"));
  }

  private static boolean isEmpty(Path dir) {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
