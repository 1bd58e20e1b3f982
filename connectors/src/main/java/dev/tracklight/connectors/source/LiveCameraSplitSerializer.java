package dev.tracklight.connectors.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Checkpoint encoding of live camera splits and of the enumerator's pending ones; versioned. */
public final class LiveCameraSplitSerializer implements SimpleVersionedSerializer<LiveCameraSplit> {

  static final int VERSION = 1;

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
      return read(in);
    }
  }

  private static void write(LiveCameraSplit s, DataOutputStream out) throws IOException {
    out.writeUTF(s.cameraId());
    out.writeUTF(s.url());
    out.writeDouble(s.targetFps());
    out.writeLong(s.nextSequence());
  }

  private static LiveCameraSplit read(DataInputStream in) throws IOException {
    return new LiveCameraSplit(in.readUTF(), in.readUTF(), in.readDouble(), in.readLong());
  }

  private static void check(int version) throws IOException {
    if (version != VERSION) {
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
          out.add(read(in));
        }
        return out;
      }
    }
  }
}
