package dev.tracklight.connectors.source;

import dev.tracklight.connectors.kvs.KvsCameraReader;
import dev.tracklight.connectors.kvs.KvsMediaApi;
import dev.tracklight.connectors.kvs.KvsReaderOptions;
import dev.tracklight.connectors.live.CameraFeed;
import dev.tracklight.connectors.live.CameraHealth;
import dev.tracklight.connectors.live.CameraUrl;
import dev.tracklight.connectors.live.LiveCameraOptions;
import dev.tracklight.connectors.live.LiveCameraReader;
import dev.tracklight.connectors.live.LiveStatusBoard;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.operators.stream.CameraFrame;
import dev.tracklight.operators.stream.StreamEnd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the cameras assigned to this subtask. Each camera has its own {@link CameraFeed}: an RTSP
 * camera a {@link LiveCameraReader} (decoder thread, reconnect with back-off, bounded newest-frames
 * slot that skips frames when inference falls behind), a Kinesis Video camera a
 * {@link KvsCameraReader} (GetMedia, resume by continuation token, no skipping: KVS keeps the
 * media). This reader only takes what is waiting, round-robin so one busy camera cannot starve the
 * others, and waits on the cameras' availability futures instead of a thread. A KVS camera's
 * checkpoint is the stream position after the last frame emitted.
 *
 * <p>A camera that drops keeps reconnecting on its own thread; the others are unaffected. Health
 * changes are logged (URLs redacted) and exposed per camera as metrics ({@code camera.<id>.state},
 * {@code .connections}, {@code .framesSkipped}, {@code .framesDecoded}; KVS cameras also
 * {@code .millisBehindNow}).
 *
 * <p>Flink calls this from the task thread only; the camera readers' threads touch only their own
 * slots and the health log.
 */
final class LiveCameraSourceReader implements SourceReader<CameraFrame, LiveCameraSplit> {

  private static final Logger LOG = LoggerFactory.getLogger(LiveCameraSourceReader.class);

  private final SourceReaderContext context;
  private final RestoredSplitOwnership<LiveCameraSplit> ownership;
  private final Map<String, Camera> cameras = new LinkedHashMap<>();
  private final List<String> order = new ArrayList<>();
  private int next;
  /** Completed (and replaced) when cameras are added, to wake a task waiting on no cameras. */
  private CompletableFuture<Void> camerasAdded = new CompletableFuture<>();

  /** One running camera and its split progress. */
  private static final class Camera {
    final LiveCameraSplit split;
    final CameraFeed reader;
    final long sequenceOffset;
    long nextSequence;
    SourceOutput<CameraFrame> output;

    Camera(LiveCameraSplit split, CameraFeed reader) {
      this.split = split;
      this.reader = reader;
      this.sequenceOffset = split.nextSequence();
      this.nextSequence = split.nextSequence();
    }
  }

  LiveCameraSourceReader(SourceReaderContext context, RestoredSplitOwnership<LiveCameraSplit> ownership) {
    this.context = context;
    this.ownership = ownership;
  }

  @Override
  public void start() {
    ownership.start();
  }

  @Override
  public InputStatus pollNext(ReaderOutput<CameraFrame> out) {
    for (int tried = 0; tried < order.size(); tried++) {
      Camera cam = cameras.get(order.get(next));
      next = (next + 1) % order.size();
      Optional<VideoFrame> frame = cam.reader.tryPoll();
      if (frame.isPresent()) {
        if (cam.output == null) {
          cam.output = out.createOutputForSplit(cam.split.splitId());
        }
        VideoFrame f = frame.get();
        long sequence = cam.sequenceOffset + f.index();
        cam.output.collect(new CameraFrame(cam.split.cameraId(), sequence, f.timestampMs(), f.image(),
            StreamEnd.NONE), f.timestampMs());
        cam.nextSequence = sequence + 1;
        return InputStatus.MORE_AVAILABLE;
      }
    }
    return InputStatus.NOTHING_AVAILABLE;
  }

  @Override
  public CompletableFuture<Void> isAvailable() {
    List<CompletableFuture<?>> any = new ArrayList<>(cameras.size() + 1);
    any.add(camerasAdded);
    cameras.values().forEach(c -> any.add(c.reader.available()));
    return CompletableFuture.anyOf(any.toArray(CompletableFuture[]::new)).thenApply(x -> null);
  }

  @Override
  public void addSplits(List<LiveCameraSplit> splits) {
    for (LiveCameraSplit split : ownership.keep(splits)) {
      CameraFeed reader = open(split);
      Camera cam = new Camera(split, reader);
      cameras.put(split.cameraId(), cam);
      order.add(split.cameraId());
      MetricGroup g = context.metricGroup().addGroup("camera", split.cameraId());
      g.gauge("state", () -> reader.health().state().ordinal());
      g.gauge("connections", reader::connections);
      g.gauge("framesSkipped", reader::framesSkipped);
      g.gauge("framesDecoded", reader::framesDecoded);
      if (split.kvs() != null) {
        g.gauge("millisBehindNow", reader::millisBehindNow);
      }
      LOG.info("camera {} assigned to subtask {}: {}", split.cameraId(),
          context.getIndexOfSubtask(), split);
    }
    CompletableFuture<Void> added = camerasAdded;
    camerasAdded = new CompletableFuture<>();
    added.complete(null);
  }

  private CameraFeed open(LiveCameraSplit split) {
    if (split.kvs() != null) {
      KvsReaderOptions options = KvsReaderOptions.of(split.cameraId(), split.kvs()).withTargetFps(split.targetFps());
      return KvsCameraReader.start(options, new KvsMediaApi(split.kvs(), AwsSettings.fromEnvironment(),
          options.readTimeout()), split.position(), this::logHealth);
    }
    LiveCameraOptions options = LiveCameraOptions.of(split.cameraId(), CameraUrl.parse(split.url()))
        .withTargetFps(split.targetFps());
    return LiveCameraReader.start(options, this::logHealth);
  }

  private void logHealth(CameraHealth health) {
    LOG.info("camera health: {}", health);
    LiveStatusBoard.health(health);
  }

  @Override
  public List<LiveCameraSplit> snapshotState(long checkpointId) {
    List<LiveCameraSplit> state = new ArrayList<>(cameras.size());
    cameras.values().forEach(c -> state.add(c.split.at(c.nextSequence, c.reader.position().orElse(c.split.position()))));
    return state;
  }

  @Override
  public void notifyNoMoreSplits() {
    // Cameras run until the job is cancelled; a subtask without cameras stays idle.
  }

  @Override
  public void close() {
    cameras.values().forEach(c -> c.reader.close());
    cameras.clear();
  }
}
