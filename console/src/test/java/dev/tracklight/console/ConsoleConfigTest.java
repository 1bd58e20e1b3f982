package dev.tracklight.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** console.yaml's batch section: the names `batch submit` takes, each mistake one line naming its key. */
class ConsoleConfigTest {

  @TempDir
  Path dir;

  ConsoleConfig load(String yaml) throws Exception {
    return ConsoleConfig.load(Files.writeString(dir.resolve("console.yaml"), yaml), dir, Map.of());
  }

  @Test
  void theBatchSectionIsReadWithDefaults() throws Exception {
    ConsoleConfig c = load("batch:\n  queue: tracklight-gpu\n  job_definition: tracklight-worker\n"
        + "  out: s3://results-bucket/console\n  worker_args: [--replay-arg=--fps, --replay-arg=5]\n");
    ConsoleConfig.Batch b = c.batch().orElseThrow();
    assertEquals("tracklight-gpu", b.queue());
    assertEquals("tracklight-worker", b.jobDefinition());
    assertEquals("s3://results-bucket/console", b.out());
    assertEquals(15, b.pollSeconds());
    assertEquals(List.of("--replay-arg=--fps", "--replay-arg=5"), b.workerArgs());
    assertTrue(load("port: 9000\n").batch().isEmpty());
  }

  @Test
  void mistakesAreOneLineNamingTheKey() {
    assertBad("batch:\n  job_definition: d\n  out: s3://bucket/x\n", "console.yaml: batch.queue: expected a Batch job queue");
    assertBad("batch:\n  queue: q\n  out: s3://bucket/x\n", "console.yaml: batch.job_definition: expected");
    assertBad("batch:\n  queue: q\n  job_definition: d\n  out: /local/dir\n",
        "console.yaml: batch.out: expected an S3 prefix like s3://bucket/console, got /local/dir");
    assertBad("batch:\n  queue: q\n  job_definition: d\n  out: s3://bucket/x\n  poll_seconds: 0\n",
        "console.yaml: batch.poll_seconds: expected 1..3600, got 0");
    assertBad("batch:\n  queue: q\n  jobdefinition: d\n", "console.yaml: batch: unknown key 'jobdefinition'");
  }

  private void assertBad(String yaml, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(yaml));
    assertTrue(e.getMessage().startsWith(expected) && !e.getMessage().contains("\n"), e.getMessage());
  }
}
