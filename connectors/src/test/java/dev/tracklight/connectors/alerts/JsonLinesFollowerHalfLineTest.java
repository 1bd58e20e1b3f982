package dev.tracklight.connectors.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A half-written line is held back until its newline arrives, step by step: each {@code poll} with
 * a zero timeout reads once, so what the follower has seen is exactly what the test wrote (no
 * sleeping for the follower's check interval).
 */
class JsonLinesFollowerHalfLineTest {

  @TempDir
  Path tmp;

  @Test
  void aHalfWrittenLineWaitsForItsNewline() throws Exception {
    Path file = Files.writeString(tmp.resolve("alerts.jsonl"), "{\"a\":0}\n{\"a\":1}\n{\"a\":");
    List<String> notices = new ArrayList<>();
    try (JsonLinesFollower follower = JsonLinesFollower.open(file, true, notices::add)) {
      assertEquals(List.of("{\"a\":0}", "{\"a\":1}"), follower.poll(Duration.ZERO));
      assertEquals(List.of(), follower.poll(Duration.ZERO), "the half line is not a line yet");
      Files.writeString(file, "2", StandardOpenOption.APPEND);
      assertEquals(List.of(), follower.poll(Duration.ZERO), "still no newline");
      Files.writeString(file, "}\n{\"a\":3}\n", StandardOpenOption.APPEND);
      assertEquals(List.of("{\"a\":2}", "{\"a\":3}"), follower.poll(Duration.ZERO));
    }
    assertEquals(List.of(), notices);
  }
}
