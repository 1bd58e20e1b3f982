package dev.tracklight.connectors.clips;

import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.highlights.NormalizedBox;
import dev.tracklight.operators.highlights.Severity;
import dev.tracklight.operators.stream.ExplicitTypeInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Exact binary serializer of {@link Alert} records between Flink operators (the JSON wire form
 * rounds scores and boxes, so it is not used here), so the alert side output never falls back to
 * Kryo. A format version byte leads each record. Alerts are immutable: copies are the record itself.
 */
public final class AlertSerializer extends TypeSerializerSingleton<Alert> {

  private static final long serialVersionUID = 1L;

  static final int FORMAT_VERSION = 1;
  /** More tracks or classes than any frame holds; a larger count means a corrupt stream. */
  private static final int MAX_LIST = 100_000;

  public static final AlertSerializer INSTANCE = new AlertSerializer();

  /** Flink type information of alerts, backed by this serializer. */
  public static TypeInformation<Alert> typeInfo() {
    return new ExplicitTypeInfo<>(Alert.class, INSTANCE);
  }

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public Alert createInstance() {
    return null;
  }

  @Override
  public Alert copy(Alert from) {
    return from;
  }

  @Override
  public Alert copy(Alert from, Alert reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(Alert a, DataOutputView out) throws IOException {
    out.writeByte(FORMAT_VERSION);
    out.writeUTF(a.id());
    out.writeUTF(a.camera());
    out.writeUTF(a.rule());
    out.writeUTF(a.ruleType());
    out.writeUTF(a.type());
    out.writeByte(a.severity().ordinal());
    out.writeLong(a.eventTimeMs());
    out.writeLong(a.emitTimeMs());
    out.writeLong(a.frame());
    out.writeLong(a.startMs());
    out.writeInt(a.trackIds().size());
    for (int id : a.trackIds()) {
      out.writeInt(id);
    }
    out.writeInt(a.classes().size());
    for (String c : a.classes()) {
      out.writeUTF(c);
    }
    writeOptional(a.zone(), out);
    writeOptional(a.line(), out);
    writeOptional(a.direction(), out);
    out.writeInt(a.count());
    out.writeDouble(a.score());
    out.writeBoolean(a.box() != null);
    if (a.box() != null) {
      out.writeFloat(a.box().x1());
      out.writeFloat(a.box().y1());
      out.writeFloat(a.box().x2());
      out.writeFloat(a.box().y2());
    }
    writeOptional(a.clipUri(), out);
    writeOptional(a.thumbnailUri(), out);
  }

  @Override
  public Alert deserialize(DataInputView in) throws IOException {
    int version = in.readUnsignedByte();
    if (version != FORMAT_VERSION) {
      throw new IOException("unsupported alert record version " + version + "; this build reads "
          + FORMAT_VERSION);
    }
    String id = in.readUTF();
    String camera = in.readUTF();
    String rule = in.readUTF();
    String ruleType = in.readUTF();
    String type = in.readUTF();
    int severity = in.readUnsignedByte();
    if (severity >= Severity.values().length) {
      throw new IOException("corrupt alert record: severity " + severity);
    }
    long eventTime = in.readLong();
    long emitTime = in.readLong();
    long frame = in.readLong();
    long start = in.readLong();
    int tracks = checkedSize(in.readInt());
    List<Integer> trackIds = new ArrayList<>(tracks);
    for (int i = 0; i < tracks; i++) {
      trackIds.add(in.readInt());
    }
    int n = checkedSize(in.readInt());
    List<String> classes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      classes.add(in.readUTF());
    }
    String zone = readOptional(in);
    String line = readOptional(in);
    String direction = readOptional(in);
    int count = in.readInt();
    double score = in.readDouble();
    NormalizedBox box = in.readBoolean()
        ? new NormalizedBox(in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat()) : null;
    String clip = readOptional(in);
    String thumbnail = readOptional(in);
    return new Alert(id, camera, rule, ruleType, type, Severity.values()[severity], eventTime,
        emitTime, frame, start, trackIds, classes, zone, line, direction, count, score, box, clip,
        thumbnail);
  }

  @Override
  public Alert deserialize(Alert reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<Alert> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Stateless serializer: the snapshot only records that it was this one. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Alert> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }

  private static void writeOptional(String value, DataOutputView out) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeUTF(value);
    }
  }

  private static String readOptional(DataInputView in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static int checkedSize(int n) throws IOException {
    if (n < 0 || n > MAX_LIST) {
      throw new IOException("corrupt alert record: list of " + n);
    }
    return n;
  }
}
