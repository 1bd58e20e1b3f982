package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.TestAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench detector}: every figure is possible (stages are parts of the same calls, so none is
 * negative and the forward pass never exceeds the whole detect), and the JSON is an ordinary file.
 */
class BenchDetectorCommandTest {

  @TempDir
  Path tmp;

  @Test
  void figuresArePossibleAndTheFileIsReadableByOthers() throws IOException {
    TestAssets.root();
    Path out = tmp.resolve("bench-detector.json");
    CliRun run = CliRun.of("bench", "detector", "--iterations", "3", "--out", out.toString());
    assertEquals(0, run.exitCode(), run.err());
    JsonNode report = new ObjectMapper().readTree(out.toFile());
    int rows = 0;
    for (JsonNode engine : report.get("engines")) {
      for (JsonNode r : engine.get("results")) {
        String at = engine.get("engine").asText() + " batch " + r.get("batch").asInt() + ": " + r;
        double detect = r.get("detect_ms_per_image").asDouble();
        double forward = r.get("forward_ms_per_image").asDouble();
        assertTrue(forward > 0 && forward <= detect, at);
        assertTrue(r.get("preprocess_ms_per_image").asDouble() >= 0, at);
        assertTrue(r.get("other_overhead_ms_per_image").asDouble() >= 0, at);
        double share = r.get("forward_share_of_detect").asDouble();
        assertTrue(share > 0 && share <= 1, at);
        rows++;
      }
    }
    assertTrue(rows >= 2, "both engines measured: " + report);
    // The same permissions as any file the user creates there (umask), not a temp file's 600.
    Path plain = Files.writeString(tmp.resolve("plain.txt"), "x");
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
  }
}
