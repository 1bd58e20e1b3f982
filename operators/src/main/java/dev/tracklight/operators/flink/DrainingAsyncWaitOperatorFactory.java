package dev.tracklight.operators.flink;

import org.apache.flink.streaming.api.datastream.AsyncDataStream.OutputMode;
import org.apache.flink.streaming.api.functions.async.AsyncFunction;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperator;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;

/**
 * Flink's ordered async operator, except that every checkpoint waits for the frames under way to
 * come back before its barrier passes, so the operator's state is always empty.
 *
 * <p>Why: Flink's async operator checkpoints its in-flight elements as operator list state, which
 * a job restored at another parallelism (a rescale) spreads round-robin over the new subtasks. A
 * frame of camera A could then be re-sent from a subtask that no longer owns A's key group, and
 * the keyed tracker after it (the stream is reinterpreted as keyed by camera, to keep pixels in the
 * task) would refuse it. Draining costs each checkpoint at most one inference round trip (tens of
 * milliseconds: a batch's delay plus its forward pass) and makes checkpoints smaller, as frames are
 * megabytes each.
 *
 * @param <IN> input type
 * @param <OUT> output type
 */
public final class DrainingAsyncWaitOperatorFactory<IN, OUT> extends AsyncWaitOperatorFactory<IN, OUT> {

  private static final long serialVersionUID = 1L;

  private final AsyncFunction<IN, OUT> function;
  private final long timeoutMs;
  private final int capacity;

  public DrainingAsyncWaitOperatorFactory(AsyncFunction<IN, OUT> function, long timeoutMs, int capacity) {
    super(function, timeoutMs, capacity, OutputMode.ORDERED);
    this.function = function;
    this.timeoutMs = timeoutMs;
    this.capacity = capacity;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends StreamOperator<OUT>> T createStreamOperator(StreamOperatorParameters<OUT> parameters) {
    return (T) new Draining<>(parameters, function, timeoutMs, capacity, processingTimeService, getMailboxExecutor());
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
    return Draining.class;
  }

  /** The operator: drains in {@link #prepareSnapshotPreBarrier}, before the barrier goes on. */
  static final class Draining<IN, OUT> extends AsyncWaitOperator<IN, OUT> {
    private static final long serialVersionUID = 1L;

    Draining(StreamOperatorParameters<OUT> parameters, AsyncFunction<IN, OUT> function, long timeoutMs, int capacity,
        org.apache.flink.streaming.runtime.tasks.ProcessingTimeService time,
        org.apache.flink.api.common.operators.MailboxExecutor mailbox) {
      super(parameters, function, timeoutMs, capacity, OutputMode.ORDERED,
          (org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy<OUT>) AsyncRetryStrategies.NO_RETRY_STRATEGY,
          time, mailbox);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
      // endInput() waits (yielding to the mailbox, which delivers the results) until every
      // element in flight has been emitted; with retries off that is all it does. Timers keep
      // running, so a stuck inference still times out.
      endInput();
      super.prepareSnapshotPreBarrier(checkpointId);
    }
  }
}
