package dev.tracklight.operators.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.highlights.NormalizedPoint;
import dev.tracklight.operators.highlights.RuleKind;
import dev.tracklight.operators.highlights.RuleState;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class StreamSerializersTest {

  private static BgrImage image() {
    BgrImage img = BgrImage.allocate(7, 5);
    for (int i = 0; i < img.pixels().length; i++) {
      img.pixels()[i] = (byte) (i * 31);
    }
    return img;
  }

  private static <T> T roundTrip(TypeSerializer<T> s, T value) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(256);
    s.serialize(value, out);
    T back = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    // copy(in, out) must produce the same bytes
    DataOutputSerializer copied = new DataOutputSerializer(256);
    s.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
    assertArrayEquals(out.getCopyOfBuffer(), copied.getCopyOfBuffer());
    return back;
  }

  @Test
  void cameraFrameRoundTripsAndCopiesDeeply() throws IOException {
    CameraFrame f = new CameraFrame("lobby", 42, 1680, image(), StreamEnd.TRUNCATED);
    assertEquals(f, roundTrip(CameraFrameSerializer.INSTANCE, f));
    CameraFrame copy = CameraFrameSerializer.INSTANCE.copy(f);
    assertEquals(f, copy);
    assertNotSame(f.image().pixels(), copy.image().pixels());
  }

  @Test
  void frameDetectionsRoundTrip() throws IOException {
    Detections d = Detections.of(new float[] {1, 2, 30, 40, 5, 6, 70, 80}, new float[] {0.9f, 0.4f},
        new int[] {0, 16}, new int[] {3, 9});
    FrameDetections f = new FrameDetections("ward-2", 7, 280, image(), d, StreamEnd.NONE);
    FrameDetections back = roundTrip(FrameDetectionsSerializer.INSTANCE, f);
    assertEquals(f, back);
    assertEquals(d, back.detections());
    FrameDetections empty = f.withDetections(Detections.empty());
    assertTrue(roundTrip(FrameDetectionsSerializer.INSTANCE, empty).detections().isEmpty());
  }

  @Test
  void ruleStatesRoundTripAndVersion2RecordsStillRead() throws IOException {
    Detections d = Detections.of(new float[] {1, 2, 30, 40}, new float[] {0.9f}, new int[] {0},
        new int[] {3});
    List<RuleState> states = List.of(
        new RuleState("door", RuleKind.LINE, List.of(new NormalizedPoint(0.5, 0),
            new NormalizedPoint(0.5, 1)), 0, 4, 2, true),
        new RuleState("bed", RuleKind.LOITERING, List.of(new NormalizedPoint(0.1, 0.1),
            new NormalizedPoint(0.6, 0.1), new NormalizedPoint(0.6, 0.9)), 1, 0, 0, false),
        new RuleState("activity", RuleKind.ACTIVITY, List.of(), 0, 0, 0, false));
    FrameDetections f = new FrameDetections("ward-2", 7, 280, image(), d, StreamEnd.NONE)
        .withRules(new FrameRules(List.of(), List.of(), states));
    FrameDetections back = roundTrip(FrameDetectionsSerializer.INSTANCE, f);
    assertEquals(states, back.rules().states());

    // A version 2 record (before rule states): the same bytes without the states count.
    FrameDetections plain = f.withRules(FrameRules.NONE);
    DataOutputSerializer out = new DataOutputSerializer(256);
    FrameDetectionsSerializer.INSTANCE.serialize(plain, out);
    byte[] v3 = out.getCopyOfBuffer();
    byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - 4);
    v2[0] = FrameDetectionsSerializer.FORMAT_VERSION_WITHOUT_STATES;
    FrameDetections old = FrameDetectionsSerializer.INSTANCE.deserialize(new DataInputDeserializer(v2));
    assertEquals(plain, old);
  }

  @Test
  void trackAndDetectionClassesRoundTripAndOldRecordsStillRead() throws IOException {
    Detections d = Detections.of(new float[] {1, 2, 30, 40, 5, 6, 70, 80}, new float[] {0.9f, 0.4f},
        new int[] {16, 16}, new int[] {3, 9}, new int[] {14, 16});
    FrameDetections f = new FrameDetections("ward-2", 7, 280, image(), d, StreamEnd.NONE);
    FrameDetections back = roundTrip(FrameDetectionsSerializer.INSTANCE, f);
    assertEquals(d, back.detections());
    assertEquals(14, back.detections().detectionClassId(0));
    assertEquals(16, back.detections().classId(0));
    // Records written before the detection-class column (non-negative count) read unchanged.
    Detections plain = Detections.of(new float[] {1, 2, 30, 40}, new float[] {0.9f},
        new int[] {16}, new int[] {3});
    DataOutputSerializer out = new DataOutputSerializer(64);
    StreamCodec.writeDetections(plain, out);
    assertEquals(1, new DataInputDeserializer(out.getCopyOfBuffer()).readInt());
    Detections read = StreamCodec.readDetections(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertEquals(plain, read);
    assertEquals(false, read.hasDetectionClasses());
  }

  @Test
  void unknownVersionIsRejected() {
    byte[] bytes = {99, 0, 1, 'x'};
    IOException e = assertThrows(IOException.class,
        () -> CameraFrameSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)));
    assertTrue(e.getMessage().contains("version 99"), e.getMessage());
  }

  @Test
  void flinkUsesTheExplicitSerializersNotKryo() {
    var config = new SerializerConfigImpl();
    config.setGenericTypes(false); // any fallback to Kryo would throw
    assertEquals(CameraFrameSerializer.class,
        org.apache.flink.api.common.typeinfo.TypeInformation.of(CameraFrame.class).createSerializer(config).getClass());
    assertEquals(FrameDetectionsSerializer.class,
        org.apache.flink.api.common.typeinfo.TypeInformation.of(FrameDetections.class).createSerializer(config).getClass());
  }
}
