package dev.tracklight.connectors.source;

import dev.tracklight.operators.stream.CameraFrame;
import java.util.List;
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
 * Unbounded FLIP-27 source of live cameras (RTSP, Kinesis Video Streams): one split per camera, placed on the subtask
 * {@code keyBy(cameraId)} would choose ({@link KeyAlignedSplitEnumerator}) so pixels stay in the
 * task that decoded them. Event time is the capture wall time of each RTSP frame and the producer
 * time of each KVS frame.
 */
public final class LiveCameraSource implements Source<CameraFrame, LiveCameraSplit, List<LiveCameraSplit>>,
    ResultTypeQueryable<CameraFrame> {

  private static final long serialVersionUID = 1L;

  private final List<LiveCameraSplit> cameras;
  private final int maxParallelism;

  public LiveCameraSource(List<LiveCameraSplit> cameras, int maxParallelism) {
    if (cameras.isEmpty()) {
      throw new IllegalArgumentException("expected at least one camera");
    }
    this.cameras = List.copyOf(cameras);
    this.maxParallelism = maxParallelism;
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SourceReader<CameraFrame, LiveCameraSplit> createReader(SourceReaderContext context) {
    return new LiveCameraSourceReader(context, new RestoredSplitOwnership<>(context, maxParallelism));
  }

  @Override
  public SplitEnumerator<LiveCameraSplit, List<LiveCameraSplit>> createEnumerator(
      SplitEnumeratorContext<LiveCameraSplit> context) {
    return new KeyAlignedSplitEnumerator<>(context, maxParallelism, cameras);
  }

  @Override
  public SplitEnumerator<LiveCameraSplit, List<LiveCameraSplit>> restoreEnumerator(
      SplitEnumeratorContext<LiveCameraSplit> context, List<LiveCameraSplit> pending) {
    return new KeyAlignedSplitEnumerator<>(context, maxParallelism, pending);
  }

  @Override
  public SimpleVersionedSerializer<LiveCameraSplit> getSplitSerializer() {
    return new LiveCameraSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<List<LiveCameraSplit>> getEnumeratorCheckpointSerializer() {
    return new LiveCameraSplitSerializer.Pending();
  }

  @Override
  public TypeInformation<CameraFrame> getProducedType() {
    return CameraFrame.typeInfo();
  }
}
