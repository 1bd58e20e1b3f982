package dev.tracklight.pipeline.config;

import dev.tracklight.connectors.live.CameraUrl;
import dev.tracklight.connectors.alerts.KinesisAlertSinkOptions;
import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InputShape;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ModelFamily;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.EngineThreads;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.TrackerAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads and validates {@code cameras.yaml}. Everything is checked before a job starts; the first
 * problem is reported as one line naming the file, the key and what was expected. Unknown keys are
 * errors. Example:
 *
 * <pre>
 * cameras:
 *   - id: lobby
 *     url: rtsp://viewer:secret@10.0.0.7:554/stream1
 *     fps: 5
 *     blur: [person]                     # privacy: persons blurred in clips and thumbnails
 *   - id: gate
 *     url: kvs://gate-camera            # or arn:aws:kinesisvideo:REGION:ACCOUNT:stream/NAME/TIME
 *     kvs: {region: us-east-1, start: now}   # start: now | earliest | ISO-8601 producer time;
 *                                            # endpoint: optional GetMedia endpoint
 * model: {name: yolox-nano, device: cpu, conf: 0.25, iou: 0.45, classes: [person],
 *         replicas: 0, intra_op_threads: 0, spinning: false}
 * batching: {max_batch: 8, max_delay_ms: 10, queue_capacity: 64}
 * tracking: {algorithm: oc-bytetrack, track_thresh: 0.5, track_buffer_seconds: 2.0, match_thresh: 0.8}
 * checkpointing: {interval_ms: 10000, dir: file:///var/lib/tracklight/checkpoints}
 * sinks:
 *   jsonl: tracks.jsonl
 *   alerts: {jsonl: alerts.jsonl, kafka: {bootstrap_servers: "localhost:9092", topic: alerts},
 *            kinesis: {stream: alerts, region: eu-west-1}}
 * highlights: {max_out_of_order_ms: 0, clips_dir: /var/lib/tracklight/clips, buffer_seconds: 30,
 *              draw_rules: true}
 * </pre>
 *
 * Each camera may have {@code rules:} (see {@code RuleParser} for the rule keys); they are
 * validated against the model's classes by {@link JobConfig#rules} before the job starts.
 */
public final class JobConfigLoader {

  /** Camera ids become state keys, metric labels and directory names: keep them plain. */
  private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /** One per camera is plenty: a larger YAML file is a mistake, not a fleet. */
  private static final long MAX_FILE_BYTES = 4L << 20;

  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.\\[\\]:_-]+:[0-9]{1,5}");
  /** Kafka's own rule for topic names. */
  private static final Pattern KAFKA_TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  /** A URI scheme such as {@code file:} or {@code s3:} (two letters at least: not a Windows drive). */
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");
  /** Where alerts go when no alert sink is configured (see {@code LiveJob#alertSinks}). */
  public static final String DEFAULT_ALERTS_FILE = "alerts.jsonl";

  private JobConfigLoader() {}

  private static String resolve(Path baseDir, String path) {
    return baseDir.resolve(path).normalize().toString();
  }

  public static JobConfig load(Path file) {
    return load(file, file.toString(), file.toAbsolutePath().getParent());
  }

  /**
   * Reads {@code file}, named {@code name} in errors, with relative paths resolved against
   * {@code baseDir}: an S3 configuration is read from its downloaded copy, named by its URI, and
   * its relative outputs resolve against the working directory (see README, "S3 paths").
   */
  public static JobConfig load(Path file, String name, Path baseDir) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new InvalidInputException(name + ": larger than " + (MAX_FILE_BYTES >> 20)
            + " MiB; expected a camera configuration file");
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("config file not found: " + name + " (expected a cameras.yaml)");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read config file " + name + ": " + e.getMessage());
    }
    return parse(name, text, baseDir);
  }

  /** Parses YAML text; {@code name} is used in error messages; relative paths stay as written. */
  public static JobConfig parse(String name, String yaml) {
    return parse(name, yaml, null);
  }

  /**
   * Parses YAML text; {@code name} is used in error messages. Relative file paths (sinks, clips,
   * a checkpoint directory without a scheme) resolve against {@code baseDir}, the config file's
   * folder, so a job writes where its config says wherever it is started from; the default alerts
   * file goes next to the track lines, else into {@code baseDir}. A null {@code baseDir} leaves
   * paths as written.
   */
  public static JobConfig parse(String name, String yaml, Path baseDir) {
    Object document;
    try {
      document = new Load(LoadSettings.builder().setLabel(name).setAllowDuplicateKeys(false).build())
          .loadFromString(yaml);
    } catch (YamlEngineException e) {
      throw new InvalidInputException(name + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    YamlSection root = YamlSection.root(name, document);
    List<JobConfig.Camera> cameras = cameras(root);
    DetectorOptions detector = detector(root.section("model"));
    JobConfig.Batching batching = batching(root.section("batching"), detector);
    ByteTrackConfig tracking = tracking(root.section("tracking"));
    JobConfig.Checkpointing checkpointing = checkpointing(root.section("checkpointing"));
    JobConfig.Sinks sinks = sinks(root.section("sinks"));
    JobConfig.Highlights highlights = highlights(root.section("highlights"));
    root.finish();
    if (baseDir != null) {
      checkpointing = new JobConfig.Checkpointing(checkpointing.interval(),
          checkpointing.directory().map(d -> SCHEME.matcher(d).lookingAt() ? d
              : baseDir.resolve(d).normalize().toUri().toString()));
      Optional<String> tracks = sinks.jsonl().map(f -> resolve(baseDir, f));
      JobConfig.Alerts a = sinks.alerts();
      if (a.none()) {
        // The default alerts file, made explicit here where the config's folder is known.
        Path dir = tracks.map(t -> Path.of(t).getParent()).orElse(baseDir);
        a = new JobConfig.Alerts(Optional.of(dir.resolve(DEFAULT_ALERTS_FILE).toString()), false, Optional.empty());
      } else {
        a = new JobConfig.Alerts(a.jsonl().map(f -> resolve(baseDir, f)), a.stdout(), a.kafka(), a.kinesis());
      }
      sinks = new JobConfig.Sinks(tracks, sinks.stdout(), a);
      highlights = new JobConfig.Highlights(highlights.maxOutOfOrderMs(),
          highlights.clipsDir().map(d -> resolve(baseDir, d)), highlights.bufferSeconds());
    }
    return new JobConfig(cameras, detector, batching, tracking, checkpointing, sinks, highlights);
  }

  private static List<JobConfig.Camera> cameras(YamlSection root) {
    if (!root.has("cameras")) {
      throw root.error("cameras", "is required; expected a list of cameras with id and url");
    }
    List<YamlSection> list = root.sections("cameras");
    if (list.isEmpty()) {
      throw root.error("cameras", "is empty; expected at least one camera");
    }
    Set<String> ids = new HashSet<>();
    List<JobConfig.Camera> cameras = new ArrayList<>();
    for (YamlSection c : list) {
      String id = c.requireString("id");
      if (!CAMERA_ID.matcher(id).matches()) {
        throw c.error("id", "'" + id + "' is not a valid camera id; expected letters, digits, '_', '-' or '.'"
            + " (1-64 characters, starting with a letter or digit)");
      }
      if (!ids.add(id)) {
        throw c.error("id", "duplicate camera id '" + id + "'; expected unique ids");
      }
      String url = c.requireString("url");
      if (!url.startsWith("rtsp://") && !url.startsWith("rtsps://") && !url.startsWith("file:")
          && url.contains("://") && !KvsCamera.isKvs(url)) {
        throw c.error("url", "unsupported scheme in '" + CameraUrl.scrub(url)
            + "'; expected rtsp://, rtsps://, kvs://, a Kinesis Video stream ARN, file: or a file path");
      }
      Optional<KvsCamera> kvs = kvs(c, url);
      Optional<Double> fps = c.has("fps")
          ? Optional.of(c.number("fps", 0, 0.01, 1000)) : Optional.empty();
      RuleConfig rules = new RuleConfig(c.context() + " (" + id + ")", c.list("rules"));
      JobConfig.Blur blur = blur(c);
      c.finish();
      cameras.add(new JobConfig.Camera(id, url, fps, rules, kvs, blur));
    }
    return List.copyOf(cameras);
  }

  /** A camera's {@code blur: [CLASS, ...]} and {@code blur_kernel: PX} (classes checked later, against the model). */
  private static JobConfig.Blur blur(YamlSection c) {
    List<String> classes = c.stringList("blur");
    if (c.has("blur_kernel") && classes.isEmpty()) {
      throw c.error("blur_kernel", "is set but nothing is blurred; expected blur: [person] with it");
    }
    int kernel = c.integer("blur_kernel", JobConfig.Blur.NONE.kernel(), 3, 255);
    if (kernel % 2 == 0) {
      throw c.error("blur_kernel", kernel + " is even; expected an odd window of 3..255 px");
    }
    return new JobConfig.Blur(classes, kernel);
  }

  /** A Kinesis Video camera's {@code kvs: {region, start, endpoint}}, checked against its URL. */
  private static Optional<KvsCamera> kvs(YamlSection c, String url) {
    if (!KvsCamera.isKvs(url)) {
      if (c.has("kvs")) {
        throw c.error("kvs", "is only for kvs:// cameras; this camera's url is not one");
      }
      return Optional.empty();
    }
    if (!c.has("kvs")) {
      throw c.error("kvs", "is required for a Kinesis Video camera; expected kvs: {region: us-east-1, start: now}"
          + " (start: now, earliest or an ISO-8601 producer time)");
    }
    YamlSection k = c.section("kvs");
    Optional<String> region = k.optionalString("region");
    if (!k.has("start")) {
      throw k.error("start", "is required; expected now, earliest or an ISO-8601 producer time"
          + " such as 2017-11-28T06:55:08.513Z");
    }
    String start = k.requireString("start");
    Optional<String> endpoint = k.optionalString("endpoint");
    k.finish();
    try {
      return Optional.of(KvsCamera.of(url, region.orElse(null), start, endpoint.orElse(null)));
    } catch (InvalidInputException e) {
      throw k.sectionError(e);
    }
  }

  private static DetectorOptions detector(YamlSection m) {
    try {
      DetectorOptions o = DetectorOptions.forModel(m.optionalString("name").orElse(DetectorOptions.DEFAULT_MODEL))
          .withDevice(DeviceSpec.parse(m.optionalString("device").orElse("cpu")))
          .withConfidenceThreshold((float) m.number("conf", DetectorOptions.DEFAULT_CONFIDENCE, 0, 1))
          .withIouThreshold((float) m.number("iou", DetectorOptions.DEFAULT_IOU, 0, 1))
          .withClasses(m.stringList("classes"))
          .withMaxBatch(m.integer("max_batch", DetectorOptions.DEFAULT_MAX_BATCH, 1, 1024))
          .withInputShape(InputShape.parse(m.optionalString("input_shape").orElse("square")))
          // The live job detects while its task threads decode: shared-core settings by default.
          .withThreads(new EngineThreads(
              m.integer("replicas", EngineThreads.SHARED.replicas(), 0, EngineThreads.MAX_THREADS),
              m.integer("intra_op_threads", EngineThreads.SHARED.intraOpThreads(), 0, EngineThreads.MAX_THREADS),
              m.bool("spinning", EngineThreads.SHARED.spinning())));
      Optional<String> engine = m.optionalString("engine");
      if (engine.isPresent()) {
        o = o.withEngine(EngineKind.parse(engine.get()));
      }
      Optional<String> family = m.optionalString("family");
      if (family.isPresent()) {
        o = o.withFamily(ModelFamily.parse(family.get()));
      }
      m.finish();
      return o;
    } catch (InvalidInputException e) {
      // Errors from YamlSection already name file and key; those from the option types do not.
      throw e.getMessage().contains(m.key("")) ? e : m.sectionError(e);
    }
  }

  private static JobConfig.Batching batching(YamlSection b, DetectorOptions detector) {
    int maxBatch = b.integer("max_batch", detector.maxBatch(), 1, 1024);
    if (maxBatch > detector.maxBatch()) {
      throw b.error("max_batch", "is " + maxBatch + " but model.max_batch is " + detector.maxBatch()
          + "; expected at most the detector's max batch");
    }
    int delayMs = b.integer("max_delay_ms", 10, 0, 10_000);
    int capacity = b.integer("queue_capacity", 64, 1, 100_000);
    b.finish();
    return new JobConfig.Batching(maxBatch, Duration.ofMillis(delayMs), capacity);
  }

  private static ByteTrackConfig tracking(YamlSection t) {
    TrackerAlgorithm algorithm;
    try {
      algorithm = TrackerAlgorithm.parse(t.optionalString("algorithm")
          .orElse(ByteTrackConfig.recommended().algorithm().key()));
    } catch (InvalidInputException e) {
      throw t.error("algorithm", e.getMessage().replace("unknown tracking algorithm", "is"));
    }
    ByteTrackConfig d = algorithm == TrackerAlgorithm.BYTETRACK ? ByteTrackConfig.defaults()
        : ByteTrackConfig.recommended();
    double trackThresh = t.number("track_thresh", d.trackThresh(), 0, 1);
    if (t.has("track_buffer") && t.has("track_buffer_seconds")) {
      throw t.error("track_buffer_seconds", "is given with track_buffer; expected one of them"
          + " (track_buffer counts frames at 30 fps)");
    }
    int buffer = t.integer("track_buffer", d.trackBuffer(), 1, 100_000);
    double bufferSeconds = t.number("track_buffer_seconds", buffer / ByteTrackConfig.DEFAULT_FRAME_RATE,
        1 / ByteTrackConfig.DEFAULT_FRAME_RATE, 3600);
    double match = t.number("match_thresh", d.matchThresh(), 0, 1);
    boolean perClass = t.bool("per_class", d.perClass());
    t.finish();
    try {
      return ByteTrackConfig.of(trackThresh, buffer, match, d.frameRate()).withPerClass(perClass)
          .withAlgorithm(algorithm).withTrackBufferSeconds(bufferSeconds);
    } catch (InvalidInputException e) {
      throw t.sectionError(e);
    }
  }

  private static JobConfig.Checkpointing checkpointing(YamlSection c) {
    int intervalMs = c.integer("interval_ms", 10_000, 0, 86_400_000);
    if (intervalMs > 0 && intervalMs < 100) {
      throw c.error("interval_ms", "is " + intervalMs + "; expected 0 (off) or at least 100 ms");
    }
    Optional<String> dir = c.optionalString("dir");
    c.finish();
    return new JobConfig.Checkpointing(Duration.ofMillis(intervalMs), dir);
  }

  /**
   * The live job appends to its files while it runs (track lines, alerts, clips as highlights
   * close); an S3 object can only be written whole, so an {@code s3://} location is refused here
   * rather than becoming a local folder named {@code s3:}.
   */
  private static Optional<String> local(YamlSection s, String key, Optional<String> value, String expected) {
    if (value.isPresent() && value.get().regionMatches(true, 0, "s3://", 0, 5)) {
      throw s.error(key, "'" + value.get() + "' is an S3 object; the live job appends to it while it runs,"
          + " which S3 cannot do; expected " + expected);
    }
    return value;
  }

  private static JobConfig.Sinks sinks(YamlSection s) {
    Optional<String> jsonl = local(s, "jsonl", s.optionalString("jsonl"), "a local file");
    boolean stdout = s.bool("stdout", false);
    JobConfig.Alerts alerts = alerts(s.section("alerts"));
    s.finish();
    return new JobConfig.Sinks(jsonl, stdout, alerts);
  }

  private static JobConfig.Alerts alerts(YamlSection a) {
    Optional<String> jsonl = local(a, "jsonl", a.optionalString("jsonl"),
        "a local file, or sinks.alerts.kafka to stream alerts off the machine");
    boolean stdout = a.bool("stdout", false);
    Optional<JobConfig.Kafka> kafka = Optional.empty();
    if (a.has("kafka")) {
      YamlSection k = a.section("kafka");
      String servers = k.requireString("bootstrap_servers");
      for (String hostPort : servers.split(",")) {
        if (!HOST_PORT.matcher(hostPort.trim()).matches()) {
          throw k.error("bootstrap_servers", "'" + hostPort.trim() + "' is not host:port; expected"
              + " host:port[,host:port...]");
        }
      }
      String topic = k.requireString("topic");
      if (!KAFKA_TOPIC.matcher(topic).matches()) {
        throw k.error("topic", "'" + topic + "' is not a legal Kafka topic; expected 1-249 of"
            + " letters, digits, '.', '_' or '-'");
      }
      String delivery = k.optionalString("delivery").orElse("exactly_once");
      if (!delivery.equals("exactly_once") && !delivery.equals("at_least_once")) {
        throw k.error("delivery", "'" + delivery + "'; expected exactly_once or at_least_once");
      }
      String prefix = k.optionalString("transactional_id_prefix").orElse("tracklight-alerts");
      k.finish();
      kafka = Optional.of(new JobConfig.Kafka(servers, topic, delivery.equals("exactly_once"), prefix));
    }
    Optional<KinesisAlertSinkOptions> kinesis = a.has("kinesis") ? Optional.of(kinesis(a.section("kinesis")))
        : Optional.empty();
    a.finish();
    return new JobConfig.Alerts(jsonl, stdout, kafka, kinesis);
  }

  /**
   * {@code sinks.alerts.kinesis: {stream, region?, endpoint?, max_batch_size?, max_in_flight_requests?,
   * max_buffered_requests?, max_time_in_buffer_ms?}}; the options' own checks give the messages.
   */
  private static KinesisAlertSinkOptions kinesis(YamlSection k) {
    String stream = k.requireString("stream");
    Optional<String> region = k.optionalString("region");
    Optional<String> endpoint = k.optionalString("endpoint");
    int batch = k.integer("max_batch_size", KinesisAlertSinkOptions.DEFAULT_MAX_BATCH_SIZE, 1,
        KinesisAlertSinkOptions.API_MAX_BATCH_SIZE);
    int inFlight = k.integer("max_in_flight_requests", KinesisAlertSinkOptions.DEFAULT_MAX_IN_FLIGHT, 1, 64);
    int buffered = k.integer("max_buffered_requests", KinesisAlertSinkOptions.DEFAULT_MAX_BUFFERED, 1, 1_000_000);
    int bufferMs = k.integer("max_time_in_buffer_ms", (int) KinesisAlertSinkOptions.DEFAULT_MAX_TIME_IN_BUFFER_MS,
        1, 60_000);
    KinesisAlertSinkOptions options;
    try {
      options = new KinesisAlertSinkOptions(stream, region.orElse(null),
          endpoint.map(KinesisAlertSinkOptions::endpointUri).orElse(null), batch, inFlight, buffered, bufferMs);
    } catch (InvalidInputException e) {
      throw k.sectionError(e); // "FILE: sinks.alerts.kinesis: region 'x' is not an AWS region; ..."
    }
    k.finish();
    return options;
  }

  private static JobConfig.Highlights highlights(YamlSection h) {
    int late = h.integer("max_out_of_order_ms", 0, 0, 60_000);
    Optional<String> clips = local(h, "clips_dir", h.optionalString("clips_dir"), "a local directory");
    double buffer = h.number("buffer_seconds", JobConfig.Highlights.DEFAULTS.bufferSeconds(), 1, 600);
    boolean drawRules = h.bool("draw_rules", JobConfig.Highlights.DEFAULTS.drawRules());
    h.finish();
    return new JobConfig.Highlights(late, clips, buffer, drawRules);
  }
}
