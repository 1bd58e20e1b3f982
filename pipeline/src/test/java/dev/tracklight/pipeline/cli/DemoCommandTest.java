package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklight demo}, the README's main job: the sample clip through the Flink replay with the
 * default model and rules, every output written (highlights and their media included) and listed.
 */
class DemoCommandTest {

  @TempDir
  Path tmp;

  @Test
  void demoReplaysTheSampleWithEveryOutput() throws Exception {
    TestAssets.root(); // fails clearly without the shared data, like the other end-to-end tests
    CliRun run = CliRun.of("demo", "--out", tmp.toString());
    assertEquals(0, run.exitCode(), run.err());
    ReplayOutputs o = new ReplayOutputs(tmp.resolve("dog_golden_retriever_swimming_360x204_h264"));
    for (Path p : new Path[] {o.annotatedVideo(), o.tracksJsonl(), o.tracksMot(), o.summary(),
        o.highlightsJson()}) {
      assertTrue(Files.size(p) > 0, p.toString());
      assertTrue(run.out().contains(p.toString()), "listed: " + p + "\n" + run.out());
    }
    JsonNode summary = new ObjectMapper().readTree(o.summary().toFile());
    assertEquals(816, summary.get("frames").asInt());
    assertTrue(summary.get("highlights").asInt() > 0, "the default activity rule finds moments: " + summary);
    assertTrue(Files.size(o.reel()) > 0, "the default 60 s reel");
    assertTrue(summary.get("reel_clips").asInt() > 0, summary.toString());
  }

  /** The serial loop writes the same kinds of outputs as the Flink job, highlights included. */
  @Test
  void serialDemoWritesHighlightsClipsAndReelToo() throws Exception {
    TestAssets.root();
    CliRun run = CliRun.of("demo", "--executor", "serial", "--out", tmp.toString());
    assertEquals(0, run.exitCode(), run.err());
    ReplayOutputs o = new ReplayOutputs(tmp.resolve("dog_golden_retriever_swimming_360x204_h264"));
    for (Path p : new Path[] {o.annotatedVideo(), o.tracksJsonl(), o.tracksMot(), o.summary(),
        o.highlightsJson(), o.highlightsVtt(), o.clipsDir(), o.thumbsDir(), o.reel()}) {
      assertTrue(Files.exists(p), p.toString());
      assertTrue(run.out().contains(p.toString()), "listed: " + p + "\n" + run.out());
    }
    JsonNode summary = new ObjectMapper().readTree(o.summary().toFile());
    assertEquals("serial", summary.get("executor").asText());
    assertTrue(summary.get("parallelism").isInt(), summary.toString());
    assertTrue(summary.get("highlights").asInt() > 0, summary.toString());
    assertTrue(summary.get("reel_clips").asInt() > 0, summary.toString());
  }

  @Test
  void withoutTheSampleTheErrorNamesTheFileTheDemoWouldUse() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> DemoCommand.sampleVideo(tmp.toString(), tmp.resolve("cache")));
    assertTrue(e.getMessage().contains(DemoCommand.SAMPLE_FILES.get(0)), e.getMessage());
    assertTrue(!e.getMessage().contains(".webm"), "names no file it would not use: " + e.getMessage());
  }
}
