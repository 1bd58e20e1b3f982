package dev.tracklight.pipeline.config;

import dev.tracklight.connectors.live.CameraUrl;
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
 * @param sinks where tracks and alerts go
 * @param highlights event-time bound and live clips
 */
public record JobConfig(List<Camera> cameras, DetectorOptions detector, Batching batching,
    ByteTrackConfig tracking, Checkpointing checkpointing, Sinks sinks, Highlights highlights) {

  public JobConfig(List<Camera> cameras, DetectorOptions detector, Batching batching,
      ByteTrackConfig tracking, Checkpointing checkpointing, Sinks sinks) {
    this(cameras, detector, batching, tracking, checkpointing, sinks, Highlights.DEFAULTS);
  }

  /** Each camera's rules, validated against the model's class names (first problem thrown). */
  public java.util.Map<String, List<dev.tracklight.operators.highlights.Rule>> rules(
      dev.tracklight.inference.ClassNames names) {
    java.util.Map<String, List<dev.tracklight.operators.highlights.Rule>> out = new java.util.LinkedHashMap<>();
    for (Camera c : cameras) {
      out.put(c.id(), c.rules().parse(names));
    }
    return out;
  }

  /**
   * A camera's privacy setting ({@code blur: [person]}, {@code blur_kernel: 31}): boxes of these
   * classes are box-blurred in every image the job writes for the camera (clips, thumbnails).
   *
   * @param classes class names as the user wrote them (resolved against the model's classes by
   *     {@link JobConfig#cameraStyles})
   * @param kernel the box blur's window, odd, 3..255 px
   */
  public record Blur(List<String> classes, int kernel) implements java.io.Serializable {
    /** Nothing blurred. */
    public static final Blur NONE = new Blur(List.of(), 31);

    public Blur {
      classes = List.copyOf(classes);
    }
  }

  /**
   * The annotation style of every camera that blurs something ({@code style} with its blur);
   * cameras that blur nothing are absent (they use {@code style}).
   *
   * @throws dev.tracklight.inference.InvalidInputException naming the camera and the class when a
   *     blurred class is not one of the model's
   */
  public java.util.Map<String, dev.tracklight.operators.annotation.AnnotationStyle> cameraStyles(
      dev.tracklight.inference.ClassNames names, dev.tracklight.operators.annotation.AnnotationStyle style) {
    java.util.Map<String, dev.tracklight.operators.annotation.AnnotationStyle> out = new java.util.LinkedHashMap<>();
    for (Camera c : cameras) {
      if (c.blur().classes().isEmpty()) {
        continue;
      }
      java.util.Set<Integer> ids = new java.util.LinkedHashSet<>();
      for (String n : c.blur().classes()) {
        try {
          ids.add(names.idOf(n));
        } catch (IllegalArgumentException e) {
          throw new dev.tracklight.inference.InvalidInputException("camera " + c.id() + ": blur: " + e.getMessage(), e);
        }
      }
      out.put(c.id(), style.withBlur(ids, c.blur().kernel()));
    }
    return out;
  }

  /**
   * One camera.
   *
   * @param id stable id: key of the per-camera state, label of metrics, name of outputs
   * @param url {@code rtsp://...}, {@code kvs://STREAM}, a stream ARN or a file path; credentials in
   *     it never reach logs
   * @param sampleFps frames per second to process, or empty for every frame
   * @param rules the camera's highlight rules as configured (parsed against the model's classes)
   * @param kvs the Kinesis Video stream of a {@code kvs://} or ARN camera ({@code kvs:} section)
   * @param blur the classes blurred in the camera's clips and thumbnails (privacy)
   */
  public record Camera(String id, String url, Optional<Double> sampleFps, RuleConfig rules,
      Optional<dev.tracklight.connectors.kvs.KvsCamera> kvs, Blur blur) {
    public Camera {
      java.util.Objects.requireNonNull(blur, "blur");
    }

    /** A camera that blurs nothing. */
    public Camera(String id, String url, Optional<Double> sampleFps, RuleConfig rules,
        Optional<dev.tracklight.connectors.kvs.KvsCamera> kvs) {
      this(id, url, sampleFps, rules, kvs, Blur.NONE);
    }

    /** A camera with the default rules. */
    public Camera(String id, String url, Optional<Double> sampleFps) {
      this(id, url, sampleFps, RuleConfig.DEFAULTS);
    }

    /** An RTSP camera or a file. */
    public Camera(String id, String url, Optional<Double> sampleFps, RuleConfig rules) {
      this(id, url, sampleFps, rules, Optional.empty());
    }

    /** Redacted: a camera's URL may carry its password. */
    @Override
    public String toString() {
      return "Camera[" + id + ", " + CameraUrl.scrub(url) + ", fps " + sampleFps.map(String::valueOf).orElse("all")
          + (blur.classes().isEmpty() ? "" : ", blur " + blur.classes()) + "]";
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
   * @param alerts where alerts go
   */
  public record Sinks(Optional<String> jsonl, boolean stdout, Alerts alerts) {
    public Sinks(Optional<String> jsonl, boolean stdout) {
      this(jsonl, stdout, Alerts.NONE);
    }
  }

  /**
   * Alert sinks ({@code sinks.alerts}).
   *
   * @param jsonl JSON-lines file of alerts (appended, exactly once across restores), if any
   * @param stdout print alerts to standard output
   * @param kafka a Kafka topic, if any
   * @param kinesis a Kinesis data stream, if any
   */
  public record Alerts(Optional<String> jsonl, boolean stdout, Optional<Kafka> kafka,
      Optional<dev.tracklight.connectors.alerts.KinesisAlertSinkOptions> kinesis) {
    public static final Alerts NONE = new Alerts(Optional.empty(), false, Optional.empty());

    /** No Kinesis stream. */
    public Alerts(Optional<String> jsonl, boolean stdout, Optional<Kafka> kafka) {
      this(jsonl, stdout, kafka, Optional.empty());
    }

    /** True when no sink is configured at all. */
    public boolean none() {
      return jsonl.isEmpty() && !stdout && kafka.isEmpty() && kinesis.isEmpty();
    }
  }

  /**
   * @param bootstrapServers {@code host:port[,host:port...]}
   * @param topic the alert topic (records keyed by camera id)
   * @param exactlyOnce transactions (read_committed consumers see each alert once) or at-least-once
   * @param transactionalIdPrefix prefix of the sink's transactional ids; unique per job on a cluster
   */
  public record Kafka(String bootstrapServers, String topic, boolean exactlyOnce,
      String transactionalIdPrefix) {}

  /**
   * Highlight settings ({@code highlights}).
   *
   * @param maxOutOfOrderMs how late a camera's frame may arrive and still be evaluated in order
   * @param clipsDir where live clips and thumbnails go, if anywhere
   * @param bufferSeconds seconds of recent frames kept per camera for live clips
   */
  /**
   * @param drawRules draw the rules' zones, lines and alert state into the clips' frames
   */
  public record Highlights(long maxOutOfOrderMs, Optional<String> clipsDir, double bufferSeconds,
      boolean drawRules) {
    public static final Highlights DEFAULTS = new Highlights(0, Optional.empty(), 30, true);

    /** Rules drawn. */
    public Highlights(long maxOutOfOrderMs, Optional<String> clipsDir, double bufferSeconds) {
      this(maxOutOfOrderMs, clipsDir, bufferSeconds, true);
    }
  }
}
