package dev.tracklight.connectors.live;

import dev.tracklight.connectors.kvs.KvsPosition;
import dev.tracklight.connectors.video.VideoFrame;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A running live camera as the Flink source sees it, whatever it reads (RTSP:
 * {@link LiveCameraReader}; Kinesis Video Streams: {@code KvsCameraReader}): frames to take without
 * blocking, a future to wait on, health and counters. The consumer methods ({@link #tryPoll},
 * {@link #available}, {@link #position}) are called from one thread.
 */
public interface CameraFeed extends AutoCloseable {

  /** The oldest waiting frame, or empty if none is waiting; never blocks. */
  Optional<VideoFrame> tryPoll();

  /** Completes when a frame is waiting or the feed is closed. */
  CompletableFuture<Void> available();

  /** The latest health event. */
  CameraHealth health();

  long connections();

  long framesSkipped();

  long framesDecoded();

  /**
   * Where a restored job resumes this camera: after the last frame {@link #tryPoll} handed out.
   * Empty for a camera that cannot be rewound (RTSP) or before anything was read.
   */
  default Optional<KvsPosition> position() {
    return Optional.empty();
  }

  /** How far behind the live edge the camera's last fragment was, ms; -1 when not known. */
  default long millisBehindNow() {
    return -1;
  }

  @Override
  void close();
}
