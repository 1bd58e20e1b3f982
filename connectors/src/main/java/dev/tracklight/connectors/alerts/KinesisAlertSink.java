package dev.tracklight.connectors.alerts;

import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * Alerts to a Kinesis data stream, at least once: one record per alert, partition key = camera id,
 * data = the {@link AlertJson} line.
 *
 * <p>Built on Flink's async sink base ({@link AsyncSinkBase}), the base of the AWS connectors'
 * Kinesis sink, because that connector has no release for Flink 2.x on Maven Central: the same
 * batching and backpressure limits ({@link KinesisAlertSinkOptions}), with PutRecords made by
 * {@link KinesisAlertWriter}. Buffered alerts are part of the checkpoint and every checkpoint waits
 * for the calls under way, so a restored job loses none; alerts sent after the last checkpoint are
 * sent again. Consumers de-duplicate by the alert's deterministic {@code id}, which a re-sent alert
 * keeps (docs/alerts-kinesis.md).
 */
public final class KinesisAlertSink extends AsyncSinkBase<Alert, KinesisAlertRecord> {

  /** Operator uid of the sink: its state (buffered alerts) is restored by this id. */
  public static final String UID = "alerts-kinesis";

  /**
   * How long one PutRecords call may take before it is retried: a healthy stream answers in tens of
   * milliseconds, a throttled one still within seconds.
   */
  static final long REQUEST_TIMEOUT_MS = 60_000;

  private static final long serialVersionUID = 1L;

  private final KinesisAlertSinkOptions options;

  public KinesisAlertSink(KinesisAlertSinkOptions options) {
    super(new ToRecord(), options.maxBatchSize(), options.maxInFlightRequests(), options.maxBufferedRequests(),
        KinesisAlertSinkOptions.API_MAX_BATCH_BYTES, options.maxTimeInBufferMs(),
        KinesisAlertSinkOptions.API_MAX_RECORD_BYTES, REQUEST_TIMEOUT_MS, false);
    this.options = options;
  }

  /** Attaches the sink to {@code alerts} (parallelism as the caller sets it). */
  public static DataStreamSink<Alert> sinkTo(DataStream<Alert> alerts, KinesisAlertSinkOptions options) {
    return alerts.sinkTo(new KinesisAlertSink(options)).name("alerts-kinesis").uid(UID);
  }

  @Override
  public StatefulSinkWriter<Alert, BufferedRequestState<KinesisAlertRecord>> createWriter(WriterInitContext context) {
    return restoreWriter(context, List.of());
  }

  @Override
  public StatefulSinkWriter<Alert, BufferedRequestState<KinesisAlertRecord>> restoreWriter(
      WriterInitContext context, Collection<BufferedRequestState<KinesisAlertRecord>> state) {
    return new KinesisAlertWriter(getElementConverter(), context, options, getMaxBatchSize(),
        getMaxInFlightRequests(), getMaxBufferedRequests(), getMaxBatchSizeInBytes(), getMaxTimeInBufferMS(),
        getMaxRecordSizeInBytes(), getRequestTimeoutMS(), state);
  }

  @Override
  public SimpleVersionedSerializer<BufferedRequestState<KinesisAlertRecord>> getWriterStateSerializer() {
    return new StateSerializer();
  }

  /** Alert → record: camera id as the partition key, the JSON line as data. */
  static final class ToRecord implements ElementConverter<Alert, KinesisAlertRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public KinesisAlertRecord apply(Alert alert, org.apache.flink.api.connector.sink2.SinkWriter.Context context) {
      return new KinesisAlertRecord(alert.camera(), AlertJson.toJson(alert));
    }
  }

  /** Buffered records in a checkpoint: both strings as modified UTF-8 (the id tests round-trip). */
  static final class StateSerializer extends AsyncSinkWriterStateSerializer<KinesisAlertRecord> {
    @Override
    protected void serializeRequestToStream(KinesisAlertRecord r, DataOutputStream out) throws IOException {
      out.writeUTF(r.partitionKey());
      // An alert line can pass writeUTF's 64 KiB limit (many tracks): length-prefixed bytes instead.
      byte[] json = r.json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(json.length);
      out.write(json);
    }

    @Override
    protected KinesisAlertRecord deserializeRequestFromStream(long size, DataInputStream in) throws IOException {
      String key = in.readUTF();
      byte[] json = new byte[in.readInt()];
      in.readFully(json);
      return new KinesisAlertRecord(key, new String(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int getVersion() {
      return 1;
    }
  }
}
