package dev.tracklight.connectors.source;

import dev.tracklight.connectors.kvs.KvsArchiveReader;
import dev.tracklight.connectors.video.FrameReader;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import java.nio.file.Path;
import dev.tracklight.operators.stream.CameraFrame;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Bounded FLIP-27 source of archived videos: one split per video, keyed by camera id and assigned
 * to the subtask {@code keyBy(cameraId)} would choose ({@link KeyAlignedSplitEnumerator}). Event
 * time is the presentation timestamp (for a Kinesis Video archive, {@code NAME.kvs}, the producer
 * time: {@link KvsArchiveReader}); no frame is ever dropped in replay.
 */
public final class VideoFileSource implements Source<CameraFrame, VideoFileSplit, List<VideoFileSplit>>,
    ResultTypeQueryable<CameraFrame> {

  private static final long serialVersionUID = 1L;

  private final List<VideoFileSplit> splits;
  private final VideoReadOptions options;
  private final int maxParallelism;

  /**
   * @param videos camera id → video path; ids must be unique (they are state keys)
   * @param options sampling and decoder threads
   * @param maxParallelism the job's max parallelism (pinned so split placement matches keyBy)
   */
  public VideoFileSource(Map<String, String> videos, VideoReadOptions options, int maxParallelism) {
    List<VideoFileSplit> s = new ArrayList<>();
    videos.forEach((id, path) -> s.add(new VideoFileSplit(id, path, 0)));
    if (new HashSet<>(videos.keySet()).size() != s.size() || s.isEmpty()) {
      throw new IllegalArgumentException("expected at least one video with unique ids, got " + videos.keySet());
    }
    this.splits = List.copyOf(s);
    this.options = options;
    this.maxParallelism = maxParallelism;
  }

  /**
   * Opens one input of a replay: a Kinesis Video archive saved by the CLI ({@code NAME.kvs}, which
   * FFmpeg's demuxer cannot read whole) with {@link KvsArchiveReader}, any other file with
   * {@link VideoReader}.
   */
  public static FrameReader openReader(Path path, VideoReadOptions options) {
    return KvsArchiveReader.isArchive(path) ? KvsArchiveReader.open(path, options) : VideoReader.open(path, options);
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.BOUNDED;
  }

  @Override
  public SourceReader<CameraFrame, VideoFileSplit> createReader(SourceReaderContext context) {
    return new VideoFileSourceReader(context, options, new RestoredSplitOwnership<>(context, maxParallelism));
  }

  @Override
  public SplitEnumerator<VideoFileSplit, List<VideoFileSplit>> createEnumerator(
      SplitEnumeratorContext<VideoFileSplit> context) {
    return new KeyAlignedSplitEnumerator<>(context, maxParallelism, splits);
  }

  @Override
  public SplitEnumerator<VideoFileSplit, List<VideoFileSplit>> restoreEnumerator(
      SplitEnumeratorContext<VideoFileSplit> context, List<VideoFileSplit> pending) {
    return new KeyAlignedSplitEnumerator<>(context, maxParallelism, pending);
  }

  @Override
  public SimpleVersionedSerializer<VideoFileSplit> getSplitSerializer() {
    return new VideoFileSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<List<VideoFileSplit>> getEnumeratorCheckpointSerializer() {
    return new VideoFileSplitSerializer.Pending();
  }

  @Override
  public TypeInformation<CameraFrame> getProducedType() {
    return CameraFrame.typeInfo();
  }
}
