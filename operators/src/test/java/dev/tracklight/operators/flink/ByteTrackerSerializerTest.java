package dev.tracklight.operators.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.Detections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The keyed-state encoding of a tracker: restored trackers continue exactly like the original. */
class ByteTrackerSerializerTest {

  private static Detections frame(int t) {
    float[] boxes = new float[12];
    for (int i = 0; i < 3; i++) {
      float x = 50 + 120 * i + 3 * t;
      boxes[4 * i] = x;
      boxes[4 * i + 1] = 100;
      boxes[4 * i + 2] = x + 40;
      boxes[4 * i + 3] = 200;
    }
    return Detections.of(boxes, new float[] {0.9f, 0.8f, 0.7f}, new int[] {0, 0, 16});
  }

  @Test
  void restoredTrackerContinuesIdentically() throws IOException {
    ByteTrackConfig config = ByteTrackConfig.defaults().withFrameRate(25);
    ByteTracker original = new ByteTracker(config);
    for (int t = 0; t < 10; t++) {
      original.update(frame(t));
    }
    DataOutputSerializer out = new DataOutputSerializer(1024);
    ByteTrackerSerializer.INSTANCE.serialize(original, out);
    ByteTracker restored = ByteTrackerSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertEquals(config, restored.config());
    ByteTracker copy = ByteTrackerSerializer.INSTANCE.copy(original);
    for (int t = 10; t < 20; t++) {
      Detections a = original.update(frame(t));
      assertEquals(a, restored.update(frame(t)));
      assertEquals(a, copy.update(frame(t)));
    }
  }

  @Test
  void unknownVersionIsRejected() {
    IOException e = assertThrows(IOException.class,
        () -> ByteTrackerSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {7, 0, 0})));
    assertTrue(e.getMessage().contains("version 7"), e.getMessage());
  }
}
