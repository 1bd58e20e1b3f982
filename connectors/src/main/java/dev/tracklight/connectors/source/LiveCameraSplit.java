package dev.tracklight.connectors.source;

import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.connectors.kvs.KvsPosition;
import dev.tracklight.connectors.live.CameraUrl;
import java.io.Serializable;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One live camera, read by one source reader; the split id is the camera id (the key of all
 * downstream state). The checkpointed position is the next frame sequence number, so frame indices
 * continue across a restore, and for a Kinesis Video camera also the stream position after the last
 * frame emitted ({@link KvsPosition}: fragment and frame offset), so a restored job resumes at
 * exactly the next frame. An RTSP stream itself cannot be rewound.
 *
 * <p>The URL may hold credentials: {@link #toString()} redacts them, because Flink logs split
 * assignments. They are in checkpoints, like any job configuration, so protect checkpoint storage.
 *
 * @param targetFps frames per second to process, 0 for every frame
 * @param kvs the Kinesis Video stream when {@code url} is {@code kvs://} or an ARN, else null
 * @param position where a KVS camera resumes, null to start at its configured start (or for RTSP)
 */
public record LiveCameraSplit(String cameraId, String url, double targetFps, long nextSequence, KvsCamera kvs,
    KvsPosition position) implements SourceSplit, Serializable {

  /** An RTSP camera. */
  public LiveCameraSplit(String cameraId, String url, double targetFps, long nextSequence) {
    this(cameraId, url, targetFps, nextSequence, null, null);
  }

  /** A Kinesis Video camera at its configured start. */
  public static LiveCameraSplit kvs(String cameraId, KvsCamera camera, double targetFps) {
    return new LiveCameraSplit(cameraId, camera.label(), targetFps, 0, camera, null);
  }

  @Override
  public String splitId() {
    return cameraId;
  }

  public LiveCameraSplit at(long sequence) {
    return new LiveCameraSplit(cameraId, url, targetFps, sequence, kvs, position);
  }

  public LiveCameraSplit at(long sequence, KvsPosition kvsPosition) {
    return new LiveCameraSplit(cameraId, url, targetFps, sequence, kvs, kvsPosition);
  }

  @Override
  public String toString() {
    String where = kvs != null ? kvs + (position != null ? " at " + position : "") : CameraUrl.parse(url).redacted();
    return "LiveCameraSplit[" + cameraId + ", " + where + ", fps " + targetFps + ", next " + nextSequence + "]";
  }
}
