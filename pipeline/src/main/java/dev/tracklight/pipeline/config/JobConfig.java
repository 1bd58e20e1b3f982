package dev.tracklight.pipeline.config;

import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A live job as {@code tracklight run --config cameras.yaml} describes it. Built only by
 * {@link JobConfigLoader}, which validates everything before a job starts.
 *
 * @param cameras the cameras, ids unique
 * @param detector model, engine, device and thresholds
 * @param batching cross-camera batching of the inference service
 * @param tracking ByteTrack parameters (frame rate is taken per camera)
 * @param checkpointing checkpoint interval and directory
 * @param sinks where tracks and events go
 */
public record JobConfig(List<Camera> cameras, DetectorOptions detector, Batching batching,
    ByteTrackConfig tracking, Checkpointing checkpointing, Sinks sinks) {

  /**
   * One camera.
   *
   * @param id stable id: key of the per-camera state, label of metrics, name of outputs
   * @param url {@code rtsp://...} or a file path; credentials in it never reach logs
   * @param sampleFps frames per second to process, or empty for every frame
   */
  public record Camera(String id, String url, Optional<Double> sampleFps) {
    /** Redacted: a camera's URL may carry its password. */
    @Override
    public String toString() {
      return "Camera[" + id + ", " + CredentialRedaction.redact(url) + ", fps " + sampleFps.map(String::valueOf).orElse("all") + "]";
    }
  }

  /**
   * @param maxBatch frames per forward call at most
   * @param maxDelay how long the first frame of a batch may wait for more
   * @param queueCapacity frames waiting for inference at most, per TaskManager
   */
  public record Batching(int maxBatch, Duration maxDelay, int queueCapacity) {}

  /**
   * @param interval time between checkpoints; zero disables checkpointing
   * @param directory checkpoint storage URI, e.g. {@code file:///var/lib/tracklight/checkpoints}
   */
  public record Checkpointing(Duration interval, Optional<String> directory) {}

  /**
   * @param jsonl JSON-lines file of tracks per frame, if any
   * @param stdout print tracks to standard output
   */
  public record Sinks(Optional<String> jsonl, boolean stdout) {}
}
