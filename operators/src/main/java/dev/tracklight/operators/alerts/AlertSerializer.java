package dev.tracklight.operators.alerts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link Alert}s between operators (alerts are shuffled to the alert sinks):
 * the versioned wire form itself ({@link AlertJson}, length-prefixed UTF-8), so there is one
 * format to evolve. Lossless for everything but rounding that {@link AlertJson} applies anyway
 * (score to 3 decimals, box to 4), which makes a round trip idempotent.
 */
public final class AlertSerializer extends TypeSerializerSingleton<Alert> {

  private static final long serialVersionUID = 1L;

  /** Alerts are a few hundred bytes; anything larger than this is a corrupt stream. */
  private static final int MAX_BYTES = 1 << 20;

  public static final AlertSerializer INSTANCE = new AlertSerializer();

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
  public void serialize(Alert record, DataOutputView out) throws IOException {
    byte[] json = AlertJson.toJson(record).getBytes(StandardCharsets.UTF_8);
    out.writeInt(json.length);
    out.write(json);
  }

  @Override
  public Alert deserialize(DataInputView in) throws IOException {
    return AlertJson.parse(new String(readBytes(in), StandardCharsets.UTF_8));
  }

  @Override
  public Alert deserialize(Alert reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    byte[] json = readBytes(in);
    out.writeInt(json.length);
    out.write(json);
  }

  private static byte[] readBytes(DataInputView in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_BYTES) {
      throw new IOException("corrupt alert record of " + n + " bytes");
    }
    byte[] json = new byte[n];
    in.readFully(json);
    return json;
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
}
