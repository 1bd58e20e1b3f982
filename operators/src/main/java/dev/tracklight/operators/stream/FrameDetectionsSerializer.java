package dev.tracklight.operators.stream;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of {@link FrameDetections}: a format version byte, the frame fields, the raw pixels
 * and the detection columns. {@link #copy} deep-copies the pixels; detections are immutable.
 */
public final class FrameDetectionsSerializer extends TypeSerializerSingleton<FrameDetections> {

  private static final long serialVersionUID = 1L;

  /** Record format written by this build; bump and branch in {@link #deserialize} on change. */
  static final int FORMAT_VERSION = 3;
  /** Version 1 had no rule output (read as {@link FrameRules#NONE}). */
  static final int FORMAT_VERSION_WITHOUT_RULES = 1;
  /** Version 2 had rule events and highlights but no rule states. */
  static final int FORMAT_VERSION_WITHOUT_STATES = 2;

  public static final FrameDetectionsSerializer INSTANCE = new FrameDetectionsSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public FrameDetections createInstance() {
    return null;
  }

  @Override
  public FrameDetections copy(FrameDetections from) {
    return new FrameDetections(from.cameraId(), from.frameIndex(), from.timestampMs(),
        from.image().copy(), from.detections(), from.end(), from.rules());
  }

  @Override
  public FrameDetections copy(FrameDetections from, FrameDetections reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(FrameDetections record, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    out.writeUTF(record.cameraId());
    out.writeLong(record.frameIndex());
    out.writeLong(record.timestampMs());
    out.writeByte(record.end().ordinal());
    StreamCodec.writeImage(record.image(), out);
    StreamCodec.writeDetections(record.detections(), out);
    RuleOutputCodec.write(record.rules(), out);
  }

  @Override
  public FrameDetections deserialize(DataInputView in) throws IOException {
    int version = in.readUnsignedByte();
    if (version != FORMAT_VERSION_WITHOUT_RULES && version != FORMAT_VERSION_WITHOUT_STATES) {
      StreamCodec.checkVersion(version, FORMAT_VERSION, "frame detections");
    }
    String camera = in.readUTF();
    long index = in.readLong();
    long timestamp = in.readLong();
    StreamEnd end = StreamCodec.readEnd(in);
    var image = StreamCodec.readImage(in);
    var detections = StreamCodec.readDetections(in);
    FrameRules rules = readRules(version, in);
    return new FrameDetections(camera, index, timestamp, image, detections, end, rules);
  }

  @Override
  public FrameDetections deserialize(FrameDetections reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    int version = in.readUnsignedByte();
    if (version != FORMAT_VERSION_WITHOUT_RULES && version != FORMAT_VERSION_WITHOUT_STATES) {
      StreamCodec.checkVersion(version, FORMAT_VERSION, "frame detections");
    }
    out.writeByte(FORMAT_VERSION);
    out.writeUTF(in.readUTF());
    out.writeLong(in.readLong());
    out.writeLong(in.readLong());
    out.writeByte(in.readUnsignedByte());
    StreamCodec.copyImage(in, out);
    StreamCodec.copyDetections(in, out);
    RuleOutputCodec.write(readRules(version, in), out);
  }

  private static FrameRules readRules(int version, DataInputView in) throws IOException {
    return version == FORMAT_VERSION_WITHOUT_RULES ? FrameRules.NONE
        : RuleOutputCodec.read(in, version != FORMAT_VERSION_WITHOUT_STATES);
  }

  @Override
  public TypeSerializerSnapshot<FrameDetections> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Stateless serializer: the snapshot only records that it was this one. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<FrameDetections> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
