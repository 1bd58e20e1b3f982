package dev.tracklight.connectors.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file appears with its first line, is locked while written, and restores cut it back. */
class JsonLinesFileSinkTest {

  @TempDir
  Path tmp;

  @Test
  void noFileUntilTheFirstLineAndLockedWhileOpen() throws Exception {
    Path file = tmp.resolve("out/alerts.jsonl");
    JsonLinesFileSink sink = new JsonLinesFileSink(file);
    StatefulSinkWriter<String, Long> writer = sink.createWriter(null);
    assertEquals(List.of(0L), writer.snapshotState(1));
    writer.flush(true);
    assertFalse(Files.exists(file), "nothing written, no file");
    assertFalse(JsonLinesFileSink.isBeingWritten(file));

    writer.write("{\"a\":1}", null);
    assertTrue(Files.exists(file));
    assertTrue(JsonLinesFileSink.isBeingWritten(file), "a writer holds the lock");
    assertEquals(List.of(8L), writer.snapshotState(2));
    writer.write("{\"a\":2}", null);
    writer.close();
    assertFalse(JsonLinesFileSink.isBeingWritten(file), "closed: finished");
    assertEquals(List.of("{\"a\":1}", "{\"a\":2}"), Files.readAllLines(file));

    // A restore from checkpoint 2 cuts the second line off before anything is appended.
    StatefulSinkWriter<String, Long> restored = sink.restoreWriter(null, List.of(8L));
    assertEquals(List.of("{\"a\":1}"), Files.readAllLines(file));
    assertEquals(List.of(8L), restored.snapshotState(3), "nothing written since: the file's length");
    restored.write("{\"a\":3}", null);
    restored.close();
    assertEquals(List.of("{\"a\":1}", "{\"a\":3}"), Files.readAllLines(file));
  }

  @Test
  void restoreWithoutAFileCreatesNone() throws Exception {
    Path file = tmp.resolve("tracks.jsonl");
    new JsonLinesFileSink(file).restoreWriter(null, List.of(0L)).close();
    assertFalse(Files.exists(file));
  }
}
