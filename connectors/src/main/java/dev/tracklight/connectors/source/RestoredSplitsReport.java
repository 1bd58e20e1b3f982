package dev.tracklight.connectors.source;

import java.util.List;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * A reader's first word to the {@link KeyAlignedSplitEnumerator}, sent once from
 * {@code SourceReader.start()}: the restored splits it may not read, because after a rescale their
 * key group belongs to another subtask (empty when it owns all of them, or restored none). The
 * enumerator hands them to their owners and assigns nothing until every reader has reported.
 *
 * @param returned splits restored here that belong elsewhere
 * @param <S> split type (Java-serializable, as source events are)
 */
public record RestoredSplitsReport<S>(List<S> returned) implements SourceEvent {

  private static final long serialVersionUID = 1L;

  public RestoredSplitsReport {
    returned = List.copyOf(returned);
  }
}
