package dev.tracklight.connectors.source;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One archived video, read by one source reader: the unit of parallelism and of checkpointed
 * progress. The split id is the camera id, which is also the key of all downstream per-camera state.
 *
 * @param cameraId id of the video's stream (unique in a job)
 * @param path local path of the video
 * @param nextFrame index of the next frame to emit (0 for a fresh split; checkpointed progress)
 */
public record VideoFileSplit(String cameraId, String path, long nextFrame)
    implements SourceSplit, java.io.Serializable {

  @Override
  public String splitId() {
    return cameraId;
  }

  public VideoFileSplit at(long frame) {
    return new VideoFileSplit(cameraId, path, frame);
  }
}
