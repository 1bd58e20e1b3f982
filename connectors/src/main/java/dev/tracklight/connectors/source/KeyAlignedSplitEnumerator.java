package dev.tracklight.connectors.source;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Assigns each split to the reader subtask that {@code keyBy(split id)} would route its records
 * to, so the job can declare the source's output already keyed by camera
 * ({@code DataStreamUtils.reinterpretAsKeyedStream}) and keep frames in the task that decoded them:
 * raw pixels never cross the network, only the small records after tracking do.
 *
 * <p>That routing is Flink's: key group = murmur(hash(key)) mod max parallelism, operator index =
 * key group × parallelism / max parallelism. The job must therefore pin its max parallelism to the
 * value given here. Splits wait until their subtask's reader registers; splits returned by a failed
 * reader go back to the same subtask. Runs in the JobManager's enumerator thread only.
 *
 * @param <S> split type; its id is the key
 */
public final class KeyAlignedSplitEnumerator<S extends SourceSplit> implements SplitEnumerator<S, List<S>> {

  private final SplitEnumeratorContext<S> context;
  private final int maxParallelism;
  private final List<S> pending;

  public KeyAlignedSplitEnumerator(SplitEnumeratorContext<S> context, int maxParallelism, List<S> pending) {
    this.context = context;
    this.maxParallelism = maxParallelism;
    this.pending = new ArrayList<>(pending);
  }

  /** The subtask a key's records go to under {@code keyBy} with these parallelisms. */
  public static int subtaskOf(String key, int maxParallelism, int parallelism) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism);
  }

  @Override
  public void start() {}

  @Override
  public void handleSplitRequest(int subtaskId, String requesterHostname) {
    assignTo(subtaskId);
  }

  @Override
  public void addSplitsBack(List<S> splits, int subtaskId) {
    pending.addAll(splits);
    if (context.registeredReaders().containsKey(subtaskId)) {
      assignTo(subtaskId);
    }
  }

  @Override
  public void addReader(int subtaskId) {
    assignTo(subtaskId);
  }

  private void assignTo(int subtaskId) {
    int parallelism = context.currentParallelism();
    for (Iterator<S> it = pending.iterator(); it.hasNext(); ) {
      S split = it.next();
      if (subtaskOf(split.splitId(), maxParallelism, parallelism) == subtaskId) {
        context.assignSplit(split, subtaskId);
        it.remove();
      }
    }
    // Every split is known from the start: once this subtask's are out, it gets no more.
    context.signalNoMoreSplits(subtaskId);
  }

  @Override
  public List<S> snapshotState(long checkpointId) {
    return List.copyOf(pending);
  }

  @Override
  public void close() {}
}
