package dev.tracklight.connectors.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.connectors.kvs.KvsPosition;
import dev.tracklight.connectors.kvs.KvsStart;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Checkpoint encoding of live camera splits and of the enumerator's pending ones; versioned.
 * Version 2 added the Kinesis Video stream and position; version 1 checkpoints (RTSP only) still
 * restore.
 */
public final class LiveCameraSplitSerializer implements SimpleVersionedSerializer<LiveCameraSplit> {

  static final int VERSION = 2;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(LiveCameraSplit split) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(split, out);
    }
    return bytes.toByteArray();
  }

  @Override
  public LiveCameraSplit deserialize(int version, byte[] serialized) throws IOException {
    check(version);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      return read(in, version);
    }
  }

  private static void write(LiveCameraSplit s, DataOutputStream out) throws IOException {
    out.writeUTF(s.cameraId());
    out.writeUTF(s.url());
    out.writeDouble(s.targetFps());
    out.writeLong(s.nextSequence());
    KvsCamera k = s.kvs();
    out.writeBoolean(k != null);
    if (k != null) {
      out.writeUTF(k.streamName());
      writeNullable(out, k.streamArn());
      out.writeUTF(k.region());
      out.writeUTF(k.start().kind().name());
      out.writeLong(k.start().at() == null ? Long.MIN_VALUE : k.start().at().toEpochMilli());
      writeNullable(out, k.mediaEndpoint());
    }
    KvsPosition p = s.position();
    out.writeBoolean(p != null);
    if (p != null) {
      out.writeUTF(p.fragmentNumber());
      out.writeLong(p.fragmentProducerMs());
      out.writeInt(p.frameOffset());
      out.writeLong(p.previousEventMs());
    }
  }

  private static LiveCameraSplit read(DataInputStream in, int version) throws IOException {
    String id = in.readUTF();
    String url = in.readUTF();
    double fps = in.readDouble();
    long next = in.readLong();
    if (version == 1) {
      return new LiveCameraSplit(id, url, fps, next);
    }
    KvsCamera k = null;
    if (in.readBoolean()) {
      String name = in.readUTF();
      String arn = readNullable(in);
      String region = in.readUTF();
      KvsStart.Kind kind = KvsStart.Kind.valueOf(in.readUTF());
      long at = in.readLong();
      String endpoint = readNullable(in);
      k = new KvsCamera(name, arn, region, new KvsStart(kind, at == Long.MIN_VALUE ? null : Instant.ofEpochMilli(at)),
          endpoint);
    }
    KvsPosition p = in.readBoolean() ? new KvsPosition(in.readUTF(), in.readLong(), in.readInt(), in.readLong()) : null;
    return new LiveCameraSplit(id, url, fps, next, k, p);
  }

  private static void writeNullable(DataOutputStream out, String value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeUTF(value);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static void check(int version) throws IOException {
    if (version < 1 || version > VERSION) {
      throw new IOException("unsupported live camera split version " + version + "; this build reads " + VERSION);
    }
  }

  /** The enumerator's checkpoint: cameras not yet assigned. */
  public static final class Pending implements SimpleVersionedSerializer<List<LiveCameraSplit>> {

    @Override
    public int getVersion() {
      return VERSION;
    }

    @Override
    public byte[] serialize(List<LiveCameraSplit> splits) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(splits.size());
        for (LiveCameraSplit s : splits) {
          write(s, out);
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public List<LiveCameraSplit> deserialize(int version, byte[] serialized) throws IOException {
      check(version);
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        int n = in.readInt();
        List<LiveCameraSplit> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          out.add(read(in, version));
        }
        return out;
      }
    }
  }
}
