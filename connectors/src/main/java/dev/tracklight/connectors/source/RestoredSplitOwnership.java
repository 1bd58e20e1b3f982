package dev.tracklight.connectors.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * The reader's side of {@link KeyAlignedSplitEnumerator}'s protocol. Flink hands a restored reader
 * the splits of its checkpointed state before {@code start()}; after a rescale those are spread
 * round-robin, not by key group, so a reader may get a camera whose keyed state (tracks, rules) now
 * lives in another subtask. {@link #keep} filters them: a split is read here only if
 * {@code keyBy(split id)} routes to this subtask at the current parallelism; the rest go back to
 * the enumerator in the {@link RestoredSplitsReport} that {@link #start} sends. Splits assigned
 * after {@code start()} come from the enumerator, which already placed them right.
 *
 * <p>Task thread only (as the reader's methods are called).
 *
 * @param <S> split type
 */
final class RestoredSplitOwnership<S extends SourceSplit> {

  private final SourceReaderContext context;
  private final int maxParallelism;
  private final List<S> foreign = new ArrayList<>();
  private boolean started;

  RestoredSplitOwnership(SourceReaderContext context, int maxParallelism) {
    this.context = context;
    this.maxParallelism = maxParallelism;
  }

  /** The splits this reader reads; before {@link #start}, foreign ones are held back to return. */
  List<S> keep(List<S> splits) {
    if (started) {
      return splits;
    }
    List<S> mine = new ArrayList<>(splits.size());
    for (S split : splits) {
      int owner = KeyAlignedSplitEnumerator.subtaskOf(split.splitId(), maxParallelism, context.currentParallelism());
      if (owner == context.getIndexOfSubtask()) {
        mine.add(split);
      } else {
        foreign.add(split);
      }
    }
    return mine;
  }

  /** Reports to the enumerator (always, even with nothing to return: it waits for every reader). */
  void start() {
    started = true;
    context.sendSourceEventToCoordinator(new RestoredSplitsReport<>(foreign));
    foreign.clear();
  }
}
