package dev.tracklight.connectors.source;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Checkpoint encoding of splits and of the enumerator's pending splits; versioned. */
public final class VideoFileSplitSerializer implements SimpleVersionedSerializer<VideoFileSplit> {

  static final int VERSION = 1;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(VideoFileSplit split) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(split, out);
    }
    return bytes.toByteArray();
  }

  @Override
  public VideoFileSplit deserialize(int version, byte[] serialized) throws IOException {
    checkVersion(version);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      return read(in);
    }
  }

  static void write(VideoFileSplit split, DataOutputStream out) throws IOException {
    out.writeUTF(split.cameraId());
    out.writeUTF(split.path());
    out.writeLong(split.nextFrame());
  }

  static VideoFileSplit read(DataInputStream in) throws IOException {
    return new VideoFileSplit(in.readUTF(), in.readUTF(), in.readLong());
  }

  static void checkVersion(int version) throws IOException {
    if (version != VERSION) {
      throw new IOException("unsupported video split version " + version + "; this build reads " + VERSION);
    }
  }

  /** The enumerator's checkpoint: splits not yet assigned. */
  public static final class Pending implements SimpleVersionedSerializer<List<VideoFileSplit>> {

    @Override
    public int getVersion() {
      return VERSION;
    }

    @Override
    public byte[] serialize(List<VideoFileSplit> splits) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(splits.size());
        for (VideoFileSplit s : splits) {
          write(s, out);
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public List<VideoFileSplit> deserialize(int version, byte[] serialized) throws IOException {
      checkVersion(version);
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        int n = in.readInt();
        List<VideoFileSplit> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          splits.add(read(in));
        }
        return splits;
      }
    }
  }
}
