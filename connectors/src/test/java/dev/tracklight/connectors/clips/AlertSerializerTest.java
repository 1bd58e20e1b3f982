package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.highlights.NormalizedBox;
import dev.tracklight.operators.highlights.Severity;
import java.io.IOException;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class AlertSerializerTest {

  private static Alert roundTrip(Alert a) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    AlertSerializer.INSTANCE.serialize(a, out);
    return AlertSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }

  @Test
  void everyFieldSurvivesExactly() throws IOException {
    Alert full = new Alert("0123456789abcdef0123456789abcdef", "lobby", "door", "zone", "entry",
        Severity.CRITICAL, 1_700_000_008_000L, 1_700_000_009_123L, 125, 1_700_000_002_000L,
        List.of(3, 7), List.of("dog", "person"), "door", null, "in", 2, 0.123456789,
        new NormalizedBox(0.1f, 0.2f, 0.30001f, 0.4f), "file:///m/c.mp4", "file:///m/t.jpg");
    assertEquals(full, roundTrip(full));
    Alert bare = full.withMedia(null, null);
    assertEquals(bare, roundTrip(bare));
    Alert highlight = Alert.of(ClipFrames.highlight("lobby", 2000, 8000, 50, "a", "b"),
        Severity.INFO, 9000, null, null);
    assertEquals(highlight, roundTrip(highlight));
  }

  @Test
  void anUnknownVersionIsRefused() {
    IOException e = assertThrows(IOException.class,
        () -> AlertSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {9})));
    assertTrue(e.getMessage().contains("version 9"), e.getMessage());
  }
}
