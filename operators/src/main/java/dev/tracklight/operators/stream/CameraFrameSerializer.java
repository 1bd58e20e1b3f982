package dev.tracklight.operators.stream;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link CameraFrame}: a format version byte, the camera id, index, timestamp and the
 * raw BGR pixels. Records are immutable apart from the pixel array, so {@link #copy} deep-copies
 * the pixels (Flink calls it only when object reuse is off or state is copied).
 */
public final class CameraFrameSerializer extends TypeSerializerSingleton<CameraFrame> {

  private static final long serialVersionUID = 1L;

  /** Record format written by this build; bump and branch in {@link #deserialize} on change. */
  static final int FORMAT_VERSION = 1;

  public static final CameraFrameSerializer INSTANCE = new CameraFrameSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public CameraFrame createInstance() {
    return null;
  }

  @Override
  public CameraFrame copy(CameraFrame from) {
    return new CameraFrame(from.cameraId(), from.frameIndex(), from.timestampMs(), from.image().copy(), from.end());
  }

  @Override
  public CameraFrame copy(CameraFrame from, CameraFrame reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(CameraFrame record, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    out.writeUTF(record.cameraId());
    out.writeLong(record.frameIndex());
    out.writeLong(record.timestampMs());
    out.writeByte(record.end().ordinal());
    StreamCodec.writeImage(record.image(), out);
  }

  @Override
  public CameraFrame deserialize(DataInputView in) throws IOException {
    StreamCodec.checkVersion(in.readUnsignedByte(), FORMAT_VERSION, "camera frame");
    String camera = in.readUTF();
    long index = in.readLong();
    long timestamp = in.readLong();
    StreamEnd end = StreamCodec.readEnd(in);
    return new CameraFrame(camera, index, timestamp, StreamCodec.readImage(in), end);
  }

  @Override
  public CameraFrame deserialize(CameraFrame reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    int version = in.readUnsignedByte();
    StreamCodec.checkVersion(version, FORMAT_VERSION, "camera frame");
    out.writeByte(version);
    out.writeUTF(in.readUTF());
    out.writeLong(in.readLong());
    out.writeLong(in.readLong());
    out.writeByte(in.readUnsignedByte());
    StreamCodec.copyImage(in, out);
  }

  @Override
  public TypeSerializerSnapshot<CameraFrame> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Stateless serializer: the snapshot only records that it was this one. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<CameraFrame> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
