package dev.tracklight.connectors.source;

import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.FrameReader;
import dev.tracklight.operators.stream.CameraFrame;
import dev.tracklight.operators.stream.ReplayStageTimes;
import dev.tracklight.operators.stream.StreamEnd;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the video splits assigned to this subtask, one video after another, in the task thread:
 * decoding is the first stage of the chain, and FFmpeg's own decoder threads already use the cores.
 *
 * <p>Frames are emitted through a per-split output, so each video has its own watermark
 * (monotonous event time from presentation timestamps). The reader looks one frame ahead so it can
 * mark a video's last frame ({@link StreamEnd#COMPLETE} or {@link StreamEnd#TRUNCATED}) for the
 * sinks. The checkpointed position of a split is the index of the next frame to emit; a restored
 * split seeks there exactly, so replay never skips or repeats a frame.
 *
 * <p>Not thread-safe; Flink calls it from the task thread only.
 */
final class VideoFileSourceReader implements SourceReader<CameraFrame, VideoFileSplit> {

  private static final Logger LOG = LoggerFactory.getLogger(VideoFileSourceReader.class);

  private final SourceReaderContext context;
  private final VideoReadOptions options;
  private final RestoredSplitOwnership<VideoFileSplit> ownership;
  private final ArrayDeque<VideoFileSplit> queued = new ArrayDeque<>();
  private final Counter framesRead;
  private CompletableFuture<Void> available = new CompletableFuture<>();
  private boolean noMoreSplits;

  private VideoFileSplit current;
  private FrameReader reader;
  private SourceOutput<CameraFrame> output;
  /** The decoded frame not yet emitted (one-frame look-ahead to mark the last frame). */
  private VideoFrame ahead;

  VideoFileSourceReader(SourceReaderContext context, VideoReadOptions options,
      RestoredSplitOwnership<VideoFileSplit> ownership) {
    this.context = context;
    this.options = options;
    this.ownership = ownership;
    this.framesRead = context.metricGroup().counter("framesDecoded");
  }

  @Override
  public void start() {
    ownership.start();
  }

  @Override
  public InputStatus pollNext(ReaderOutput<CameraFrame> out) {
    if (current == null && !openNext(out)) {
      if (noMoreSplits) {
        return InputStatus.END_OF_INPUT;
      }
      available = new CompletableFuture<>();
      return InputStatus.NOTHING_AVAILABLE;
    }
    VideoFrame frame = ahead;
    long decodeStart = System.nanoTime(); // measurement only (ReplayStageTimes)
    Optional<VideoFrame> next = reader.next();
    ReplayStageTimes.add(current.cameraId(), ReplayStageTimes.Stage.DECODE, System.nanoTime() - decodeStart);
    framesRead.inc();
    if (next.isPresent()) {
      emit(frame, StreamEnd.NONE);
      ahead = next.get();
      current = current.at(ahead.index()); // the checkpointed position: first frame not yet emitted
    } else {
      StreamEnd end = reader.truncated() ? StreamEnd.TRUNCATED : StreamEnd.COMPLETE;
      if (end == StreamEnd.TRUNCATED) {
        LOG.warn("{} ({}) is truncated after frame {}; its outputs will be marked incomplete",
            current.path(), current.cameraId(), frame.index());
      }
      emit(frame, end);
      finishCurrent(out);
    }
    return InputStatus.MORE_AVAILABLE;
  }

  private void emit(VideoFrame frame, StreamEnd end) {
    output.collect(new CameraFrame(current.cameraId(), frame.index(), frame.timestampMs(), frame.image(), end),
        frame.timestampMs());
  }

  /** Opens the next queued split; false if there is none. */
  private boolean openNext(ReaderOutput<CameraFrame> out) {
    while (!queued.isEmpty()) {
      VideoFileSplit split = queued.poll();
      long openStart = System.nanoTime(); // measurement only: opening decodes the first frame
      if (split.nextFrame() == 0) {
        ReplayStageTimes.reset(split.cameraId());
      }
      FrameReader r = VideoFileSource.openReader(Path.of(split.path()), options);
      try {
        if (split.nextFrame() > 0) {
          r.seekToFrame(split.nextFrame());
        }
        Optional<VideoFrame> first = r.next();
        if (first.isEmpty()) {
          // A restored split whose last frame was already emitted before the checkpoint.
          r.close();
          continue;
        }
        ahead = first.get();
        ReplayStageTimes.add(split.cameraId(), ReplayStageTimes.Stage.DECODE, System.nanoTime() - openStart);
        current = split.at(ahead.index());
        reader = r;
        output = out.createOutputForSplit(split.splitId());
        return true;
      } catch (RuntimeException e) {
        r.close();
        throw e;
      }
    }
    return false;
  }

  private void finishCurrent(ReaderOutput<CameraFrame> out) {
    reader.close();
    out.releaseOutputForSplit(current.splitId());
    reader = null;
    output = null;
    ahead = null;
    current = null;
  }

  @Override
  public List<VideoFileSplit> snapshotState(long checkpointId) {
    List<VideoFileSplit> state = new ArrayList<>(queued.size() + 1);
    if (current != null) {
      state.add(current); // positioned at the look-ahead frame, which is not emitted yet
    }
    state.addAll(queued);
    return state;
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    return available;
  }

  @Override
  public void addSplits(List<VideoFileSplit> splits) {
    queued.addAll(ownership.keep(splits));
    available.complete(null);
  }

  @Override
  public void notifyNoMoreSplits() {
    noMoreSplits = true;
    available.complete(null);
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }
}
