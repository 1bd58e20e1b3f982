package dev.tracklight.connectors.kvs;

import dev.tracklight.connectors.live.ReconnectBackoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link KvsCameraReader} reads one camera.
 *
 * @param cameraId the camera's id (state key, metric label)
 * @param camera the stream and where to start
 * @param targetFps frames per second of event time to keep, 0 for every frame
 * @param backoff delays between reconnection attempts (as RTSP cameras)
 * @param readTimeout a GetMedia read waiting longer than this counts as a hung connection
 * @param queueFrames decoded frames waiting for the job at most; when full the reader waits (KVS
 *     keeps the media, so a slow job falls behind the live edge instead of losing frames, and
 *     {@code millisBehindNow} shows by how much)
 */
public record KvsReaderOptions(String cameraId, KvsCamera camera, double targetFps, ReconnectBackoff backoff,
    Duration readTimeout, int queueFrames) {

  public KvsReaderOptions {
    Objects.requireNonNull(cameraId, "cameraId");
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(backoff, "backoff");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (queueFrames < 1) {
      throw new IllegalArgumentException("queueFrames must be >= 1, got " + queueFrames);
    }
  }

  /** Every frame, default back-off, 20 s read timeout (fragments come every 2-10 s), 4 frames queued. */
  public static KvsReaderOptions of(String cameraId, KvsCamera camera) {
    return new KvsReaderOptions(cameraId, camera, 0, ReconnectBackoff.defaults(), Duration.ofSeconds(20), 4);
  }

  public KvsReaderOptions withTargetFps(double value) {
    return new KvsReaderOptions(cameraId, camera, value, backoff, readTimeout, queueFrames);
  }

  public KvsReaderOptions withBackoff(ReconnectBackoff value) {
    return new KvsReaderOptions(cameraId, camera, targetFps, value, readTimeout, queueFrames);
  }
}
