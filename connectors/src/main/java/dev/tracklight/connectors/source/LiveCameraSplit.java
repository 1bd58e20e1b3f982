package dev.tracklight.connectors.source;

import dev.tracklight.connectors.live.CameraUrl;
import java.io.Serializable;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One live camera, read by one source reader; the split id is the camera id (the key of all
 * downstream state). The checkpointed position is the next frame sequence number, so frame indices
 * continue across a restore (a live stream itself cannot be rewound).
 *
 * <p>The URL may hold credentials: {@link #toString()} redacts them, because Flink logs split
 * assignments. They are in checkpoints, like any job configuration, so protect checkpoint storage.
 *
 * @param targetFps frames per second to process, 0 for every frame
 */
public record LiveCameraSplit(String cameraId, String url, double targetFps, long nextSequence)
    implements SourceSplit, Serializable {

  @Override
  public String splitId() {
    return cameraId;
  }

  public LiveCameraSplit at(long sequence) {
    return new LiveCameraSplit(cameraId, url, targetFps, sequence);
  }

  @Override
  public String toString() {
    return "LiveCameraSplit[" + cameraId + ", " + CameraUrl.parse(url).redacted() + ", fps "
        + targetFps + ", next " + nextSequence + "]";
  }
}
