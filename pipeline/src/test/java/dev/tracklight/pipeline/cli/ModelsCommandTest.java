package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code models list}: one aligned table, whatever the length of a licence note. */
class ModelsCommandTest {

  @Test
  void listColumnsAreAligned() {
    CliRun run = CliRun.of("models", "list");
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().takeWhile(l -> !l.isBlank()).toList();
    String header = lines.get(0);
    assertTrue(lines.size() >= 4, run.out());
    assertTrue(run.out().contains("AGPL-3.0 (test/opt-in only"), "the long licence note: " + run.out());
    for (String column : List.of("ENGINE", "FAMILY", "LICENCE", "FILE")) {
      int at = header.indexOf(column);
      for (String row : lines.subList(1, lines.size())) {
        assertTrue(row.length() > at && row.charAt(at - 1) == ' ' && row.charAt(at) != ' ',
            column + " does not start at column " + at + " in:\n" + run.out());
      }
    }
  }
}
