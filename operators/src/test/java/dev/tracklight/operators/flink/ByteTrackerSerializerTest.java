package dev.tracklight.operators.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.Detections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import dev.tracklight.operators.tracking.TrackerAlgorithm;
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
  void ocTrackerStateRoundTripsWithItsAlgorithm() throws IOException {
    ByteTrackConfig config = ByteTrackConfig.recommended().withFrameRate(25);
    ByteTracker original = new ByteTracker(config);
    for (int t = 0; t < 10; t++) {
      original.update(frame(t));
    }
    DataOutputSerializer out = new DataOutputSerializer(1024);
    ByteTrackerSerializer.INSTANCE.serialize(original, out);
    ByteTracker restored =
        ByteTrackerSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertEquals(config, restored.config());
    for (int t = 12; t < 20; t++) { // a 2-frame gap exercises the re-update from restored state
      assertEquals(original.update(frame(t)), restored.update(frame(t)));
    }
  }

  @Test
  void formatOneValuesRestoreAsByteTrack() throws IOException {
    ByteTracker original = new ByteTracker(ByteTrackConfig.defaults().withFrameRate(25));
    for (int t = 0; t < 10; t++) {
      original.update(frame(t));
    }
    // Format 1 = format 2 without the algorithm byte after the config.
    DataOutputSerializer out = new DataOutputSerializer(1024);
    ByteTrackerSerializer.INSTANCE.serialize(original, out);
    byte[] v2 = out.getCopyOfBuffer();
    int configBytes = 8 * 3 + 4 + 8 * 2 + 2;
    byte[] v1 = new byte[v2.length - 1];
    v1[0] = 1;
    System.arraycopy(v2, 1, v1, 1, configBytes);
    System.arraycopy(v2, 2 + configBytes, v1, 1 + configBytes, v2.length - 2 - configBytes);
    ByteTracker restored =
        ByteTrackerSerializer.INSTANCE.deserialize(new DataInputDeserializer(v1));
    assertEquals(TrackerAlgorithm.BYTETRACK, restored.config().algorithm());
    for (int t = 10; t < 20; t++) {
      assertEquals(original.update(frame(t)), restored.update(frame(t)));
    }
  }

  @Test
  void unknownVersionIsRejected() {
    IOException e = assertThrows(IOException.class,
        () -> ByteTrackerSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {7, 0, 0})));
    assertTrue(e.getMessage().contains("version 7"), e.getMessage());
  }
}
