package dev.tracklight.connectors.source;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceEvent;
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
 * value given here. Runs in the JobManager's enumerator thread only.
 *
 * <p><b>Rescaling.</b> A job restored at another parallelism (the adaptive scheduler, reactive
 * mode, a savepoint) gives each reader back checkpointed splits spread round-robin, not by key
 * group. So every reader first reports ({@link RestoredSplitsReport}, see
 * {@link RestoredSplitOwnership}) the restored splits that are not its own, and nothing is assigned
 * until all current subtasks have reported: then each gets its pending splits and "no more
 * splits". A camera therefore moves with its key group, and its tracks and rule state with it. A
 * reader restarted alone (regional failover) reports again and gets its splits back at once.
 *
 * @param <S> split type; its id is the key
 */
public final class KeyAlignedSplitEnumerator<S extends SourceSplit> implements SplitEnumerator<S, List<S>> {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeyAlignedSplitEnumerator.class);

  private final SplitEnumeratorContext<S> context;
  private final int maxParallelism;
  private final List<S> pending;
  /** Subtasks whose current reader has reported its restored splits. */
  private final Set<Integer> reported = new HashSet<>();
  /** Subtasks whose current reader got its splits and "no more splits". */
  private final Set<Integer> served = new HashSet<>();

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
    serveWhenAllReported();
  }

  @Override
  public void addSplitsBack(List<S> splits, int subtaskId) {
    // The subtask failed: its next reader reports anew and gets these back then.
    pending.addAll(splits);
    reported.remove(subtaskId);
    served.remove(subtaskId);
  }

  @Override
  public void addReader(int subtaskId) {
    // Wait for the reader's report: it may hold restored splits that belong elsewhere.
  }

  @Override
  @SuppressWarnings("unchecked")
  public void handleSourceEvent(int subtaskId, SourceEvent event) {
    if (event instanceof RestoredSplitsReport<?> report) {
      LOG.info("subtask {} of {} returned {} restored split(s)", subtaskId, context.currentParallelism(),
          report.returned().size());
      pending.addAll((List<S>) report.returned());
      reported.add(subtaskId);
      served.remove(subtaskId); // a new reader instance: it needs its splits and the signal
      serveWhenAllReported();
    }
  }

  private void serveWhenAllReported() {
    int parallelism = context.currentParallelism();
    for (int i = 0; i < parallelism; i++) {
      if (!reported.contains(i)) {
        return;
      }
    }
    for (int i = 0; i < parallelism; i++) {
      if (!served.contains(i) && context.registeredReaders().containsKey(i)) {
        assignTo(i, parallelism);
        served.add(i);
      }
    }
  }

  private void assignTo(int subtaskId, int parallelism) {
    for (Iterator<S> it = pending.iterator(); it.hasNext(); ) {
      S split = it.next();
      if (subtaskOf(split.splitId(), maxParallelism, parallelism) == subtaskId) {
        LOG.info("split {} to subtask {} of {}", split.splitId(), subtaskId, parallelism);
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
