package dev.tracklight.connectors.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.connectors.kvs.KvsPosition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Live camera splits survive the checkpoint encoding, KVS stream and position included; v1 still reads. */
class LiveCameraSplitSerializerTest {

  @Test
  void roundTripsRtspAndKvsSplits() throws Exception {
    LiveCameraSplitSerializer serializer = new LiveCameraSplitSerializer();
    KvsCamera camera = KvsCamera.of("arn:aws:kinesisvideo:us-east-1:123456789012:stream/dock/1511852108513", null,
        "2017-11-28T06:55:08.513Z", "http://127.0.0.1:9000");
    LiveCameraSplit kvs = LiveCameraSplit.kvs("dock", camera, 5)
        .at(42, new KvsPosition("91343852333181432392682062607743920146159169392", 1511852108513L, 17, 1511852109079L));
    LiveCameraSplit rtsp = new LiveCameraSplit("lobby", "rtsp://viewer:secret@10.0.0.7/s", 0, 7);
    for (LiveCameraSplit s : List.of(kvs, rtsp, LiveCameraSplit.kvs("gate", KvsCamera.of("kvs://gate", "eu-west-1", "now", null), 0))) {
      assertEquals(s, serializer.deserialize(serializer.getVersion(), serializer.serialize(s)));
    }
    LiveCameraSplitSerializer.Pending pending = new LiveCameraSplitSerializer.Pending();
    assertEquals(List.of(kvs, rtsp), pending.deserialize(pending.getVersion(), pending.serialize(List.of(kvs, rtsp))));
  }

  @Test
  void readsVersionOneCheckpoints() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("lobby");
      out.writeUTF("rtsp://10.0.0.7/s");
      out.writeDouble(5);
      out.writeLong(9);
    }
    assertEquals(new LiveCameraSplit("lobby", "rtsp://10.0.0.7/s", 5, 9),
        new LiveCameraSplitSerializer().deserialize(1, bytes.toByteArray()));
  }
}
