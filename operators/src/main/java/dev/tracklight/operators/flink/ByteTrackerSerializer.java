package dev.tracklight.operators.flink;

import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import dev.tracklight.operators.tracking.TrackerAlgorithm;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Keyed-state serializer of a camera's {@link ByteTracker}: explicit and versioned, never Kryo.
 *
 * <p>Layout: a format version byte, the tracker's {@link ByteTrackConfig} (so a value restores on
 * its own, whatever the job's current defaults), then the length-prefixed compact snapshot of
 * {@link ByteTracker#snapshot()} (which carries its own version). About 200 bytes per live track
 * under bytetrack, 500 under oc-bytetrack. Format 2 adds the algorithm (a byte after the config);
 * format 1 values, written before algorithms existed, restore as {@code bytetrack}.
 * A job restarted with different tracking parameters keeps each camera's restored parameters until
 * that camera's tracker is reset; parameters are part of the state, like the tracks they shaped.
 */
public final class ByteTrackerSerializer extends TypeSerializerSingleton<ByteTracker> {

  private static final long serialVersionUID = 1L;

  /** Format written by this build; bump and branch in {@link #deserialize} on change. */
  static final int FORMAT_VERSION = 2;
  /** Before the algorithm byte: restores as {@link TrackerAlgorithm#BYTETRACK}. */
  static final int FORMAT_VERSION_1 = 1;
  /** Far above any real tracker (10k tracks); a larger length is corruption. */
  private static final int MAX_STATE_BYTES = 16 << 20;

  public static final ByteTrackerSerializer INSTANCE = new ByteTrackerSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public ByteTracker createInstance() {
    return new ByteTracker(ByteTrackConfig.defaults());
  }

  @Override
  public ByteTracker copy(ByteTracker from) {
    return ByteTracker.restore(from.config(), from.snapshot());
  }

  @Override
  public ByteTracker copy(ByteTracker from, ByteTracker reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(ByteTracker tracker, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    ByteTrackConfig c = tracker.config();
    out.writeDouble(c.trackThresh());
    out.writeDouble(c.lowThresh());
    out.writeDouble(c.newTrackThresh());
    out.writeInt(c.trackBuffer());
    out.writeDouble(c.matchThresh());
    out.writeDouble(c.frameRate());
    out.writeBoolean(c.mot20());
    out.writeBoolean(c.perClass());
    out.writeByte(c.algorithm().ordinal());
    byte[] state = tracker.snapshot();
    out.writeInt(state.length);
    out.write(state);
  }

  @Override
  public ByteTracker deserialize(DataInputView in) throws IOException {
    int version = in.readUnsignedByte();
    if (version != FORMAT_VERSION && version != FORMAT_VERSION_1) {
      throw new IOException("unsupported tracker state version " + version + "; this build reads "
          + FORMAT_VERSION_1 + " and " + FORMAT_VERSION);
    }
    ByteTrackConfig config = new ByteTrackConfig(in.readDouble(), in.readDouble(), in.readDouble(),
        in.readInt(), in.readDouble(), in.readDouble(), in.readBoolean(), in.readBoolean());
    if (version == FORMAT_VERSION) {
      int algorithm = in.readUnsignedByte();
      TrackerAlgorithm[] all = TrackerAlgorithm.values();
      if (algorithm >= all.length) {
        throw new IOException("corrupt tracker state: algorithm " + algorithm);
      }
      config = config.withAlgorithm(all[algorithm]);
    }
    int length = in.readInt();
    if (length < 0 || length > MAX_STATE_BYTES) {
      throw new IOException("corrupt tracker state: length " + length);
    }
    byte[] state = new byte[length];
    in.readFully(state);
    return ByteTracker.restore(config, state);
  }

  @Override
  public ByteTracker deserialize(ByteTracker reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<ByteTracker> snapshotConfiguration() {
    return new Snapshot();
  }

  /** The serializer is stateless; the format version travels in every value. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<ByteTracker> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
