package dev.tracklight.connectors.alerts;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's {@link KafkaSink} whose writer's {@code close()} does not fail when the broker is gone.
 *
 * <p>Why: when a job fails over because its Kafka broker went away, the failing task closes its
 * exactly-once writer, which aborts the open transaction and waits {@code max.block.ms} for a
 * broker that is not there. The resulting {@code TimeoutException} is thrown from the task's
 * failure handler, which Flink treats as fatal: it kills the TaskManager (measured: "FATAL -
 * exception in exception handler of task ... Timeout expired after 60000ms while awaiting
 * EndTxn(false)"; the embedded cluster then had no slots and the job died with
 * NoResourceAvailableException instead of restarting from its checkpoint). An abort that cannot
 * reach the broker loses nothing: the broker aborts the transaction after its timeout, and the
 * restored writer aborts lingering transactions of its prefix before writing. So this writer logs
 * such a close failure as one warning and lets the task fail normally.
 *
 * <p>Everything else (writing, committing, state, lineage) is the delegate's, unchanged.
 */
final class TolerantCloseKafkaSink<IN>
    implements TwoPhaseCommittingStatefulSink<IN, KafkaWriterState, KafkaCommittable>,
    SupportsPostCommitTopology<KafkaCommittable>, LineageVertexProvider {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TolerantCloseKafkaSink.class);

  private final KafkaSink<IN> delegate;

  TolerantCloseKafkaSink(KafkaSink<IN> delegate) {
    this.delegate = delegate;
  }

  @Override
  public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> createWriter(
      WriterInitContext context) throws IOException {
    return new Writer<>(delegate.createWriter(context));
  }

  @Override
  public PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> restoreWriter(
      WriterInitContext context, Collection<KafkaWriterState> recoveredState) throws IOException {
    return new Writer<>(delegate.restoreWriter(context, recoveredState));
  }

  @Override
  public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) throws IOException {
    return delegate.createCommitter(context);
  }

  @Override
  public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
    return delegate.getCommittableSerializer();
  }

  @Override
  public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
    return delegate.getWriterStateSerializer();
  }

  @Override
  public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committables) {
    delegate.addPostCommitTopology(committables);
  }

  @Override
  public LineageVertex getLineageVertex() {
    return delegate.getLineageVertex();
  }

  /** The delegate writer, with a close that reports a broker it cannot reach instead of throwing. */
  static final class Writer<IN>
      implements PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> {

    private final PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> delegate;

    Writer(PrecommittingStatefulSinkWriter<IN, KafkaWriterState, KafkaCommittable> delegate) {
      this.delegate = delegate;
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
      delegate.write(element, context);
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      delegate.flush(endOfInput);
    }

    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
      delegate.writeWatermark(watermark);
    }

    @Override
    public Collection<KafkaCommittable> prepareCommit() throws IOException, InterruptedException {
      return delegate.prepareCommit();
    }

    @Override
    public List<KafkaWriterState> snapshotState(long checkpointId) throws IOException {
      return delegate.snapshotState(checkpointId);
    }

    @Override
    public void close() throws Exception {
      try {
        delegate.close();
      } catch (KafkaException e) {
        // TimeoutException and the other client errors of an unreachable broker.
        LOG.warn("Kafka alert writer closed without reaching the broker; its open transaction is"
            + " aborted by the broker's timeout or on restore: {}", e.getMessage());
      }
    }
  }
}
