package dev.tracklight.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.EngineThreads;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.TrackerAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobConfigLoaderTest {

  private static final String FULL = """
      cameras:
        - id: lobby
          url: rtsp://viewer:s3cret@127.0.0.1:8554/cam1
          fps: 5
        - id: ward-2
          url: /videos/ward2.mp4
      model: {name: yolox-nano, engine: onnxruntime, device: cpu, conf: 0.3, iou: 0.5, classes: [person],
              replicas: 1, intra_op_threads: 2, spinning: true, input_shape: fit}
      batching: {max_batch: 4, max_delay_ms: 20, queue_capacity: 32}
      tracking: {track_thresh: 0.6, track_buffer: 60, match_thresh: 0.7, per_class: true}
      checkpointing: {interval_ms: 5000, dir: file:///tmp/chk}
      sinks: {jsonl: tracks.jsonl, stdout: true}
      """;

  @Test
  void readsEverySection() {
    JobConfig c = JobConfigLoader.parse("cameras.yaml", FULL);
    assertEquals(2, c.cameras().size());
    JobConfig.Camera lobby = c.cameras().get(0);
    assertEquals("lobby", lobby.id());
    assertEquals("rtsp://viewer:s3cret@127.0.0.1:8554/cam1", lobby.url());
    assertEquals(Optional.of(5.0), lobby.sampleFps());
    assertEquals(List.of(), lobby.rules().items(), "no rules: the defaults apply");
    assertEquals(Optional.empty(), c.cameras().get(1).sampleFps());
    assertEquals("yolox-nano", c.detector().model());
    assertEquals(EngineKind.ONNXRUNTIME, c.detector().engine());
    assertEquals(DeviceSpec.CPU, c.detector().device());
    assertEquals(0.3f, c.detector().confidenceThreshold());
    assertEquals(List.of("person"), c.detector().classes());
    assertEquals(new EngineThreads(1, 2, true), c.detector().threads());
    assertEquals(dev.tracklight.inference.InputShape.FIT, c.detector().inputShape());
    assertEquals(new JobConfig.Batching(4, Duration.ofMillis(20), 32), c.batching());
    assertEquals(0.6, c.tracking().trackThresh(), 1e-9);
    assertEquals(60, c.tracking().trackBuffer());
    assertTrue(c.tracking().perClass());
    assertEquals(Duration.ofSeconds(5), c.checkpointing().interval());
    assertEquals(Optional.of("file:///tmp/chk"), c.checkpointing().directory());
    assertEquals(new JobConfig.Sinks(Optional.of("tracks.jsonl"), true), c.sinks());
  }

  @Test
  void defaultsForEverythingButCameras() {
    JobConfig c = JobConfigLoader.parse("c.yaml", "cameras: [{id: a, url: rtsp://h/x}]");
    assertEquals("yolox-nano", c.detector().model());
    assertEquals(8, c.batching().maxBatch());
    assertEquals(EngineThreads.SHARED, c.detector().threads(), "the live job shares its cores");
    assertEquals(dev.tracklight.inference.InputShape.SQUARE, c.detector().inputShape());
    assertEquals(0.5, c.tracking().trackThresh(), 1e-9);
    assertEquals(TrackerAlgorithm.OC_BYTETRACK, c.tracking().algorithm());
    assertEquals(ByteTrackConfig.RECOMMENDED_BUFFER_SECONDS, c.tracking().trackBufferSeconds(),
        1e-9);
    assertEquals(Duration.ofSeconds(10), c.checkpointing().interval());
    assertFalse(c.sinks().stdout());
  }

  @Test
  void trackingAlgorithmAndBufferInSeconds() {
    JobConfig bt = JobConfigLoader.parse("c.yaml",
        "cameras: [{id: a, url: rtsp://h/x}]\ntracking: {algorithm: bytetrack}");
    assertEquals(ByteTrackConfig.defaults(), bt.tracking(), "bytetrack = the original's defaults");
    JobConfig oc = JobConfigLoader.parse("c.yaml",
        "cameras: [{id: a, url: rtsp://h/x}]\ntracking: {algorithm: oc-bytetrack, "
            + "track_buffer_seconds: 2.5}");
    assertEquals(TrackerAlgorithm.OC_BYTETRACK, oc.tracking().algorithm());
    assertEquals(75, oc.tracking().trackBuffer(), "frames at 30 fps");
    String cam = "cameras: [{id: a, url: rtsp://h/x}]\n";
    assertBadTracking(cam + "tracking: {algorithm: sort}",
        "c.yaml: tracking.algorithm: is 'sort': expected one of bytetrack, oc-bytetrack");
    assertBadTracking(cam + "tracking: {track_buffer: 30, track_buffer_seconds: 1}",
        "c.yaml: tracking.track_buffer_seconds: is given with track_buffer");
    assertBadTracking(cam + "tracking: {track_buffer_seconds: 0}",
        "c.yaml: tracking.track_buffer_seconds: expected a number");
  }

  private static void assertBadTracking(String yaml, String expectedStart) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> JobConfigLoader.parse("c.yaml", yaml));
    assertTrue(e.getMessage().startsWith(expectedStart), "got: " + e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cameras: [{id: a, url: rtsp://h/x}]\\nmodle: {}                       | c.yaml: modle: unknown key",
      "cameras: [{id: a, url: rtsp://h/x, fsp: 5}]                         | c.yaml: cameras[0].fsp: unknown key",
      "model: {name: yolox-nano}                                           | c.yaml: cameras: is required",
      "cameras: []                                                         | c.yaml: cameras: is empty",
      "cameras: [{id: a, url: rtsp://h/x}, {id: a, url: rtsp://h/y}]      | c.yaml: cameras[1].id: duplicate camera id 'a'",
      "cameras: [{id: 'a b', url: rtsp://h/x}]                             | c.yaml: cameras[0].id: 'a b' is not a valid camera id",
      "cameras: [{id: a}]                                                  | c.yaml: cameras[0].url: is required",
      "cameras: [{id: a, url: rtsp://h/x, fps: -2}]                        | c.yaml: cameras[0].fps: expected a number in [0.01, 1000.0], got -2.0",
      "cameras: [{id: a, url: rtsp://h/x, fps: fast}]                      | c.yaml: cameras[0].fps: expected a number",
      "cameras: [{id: a, url: rtsp://h/x}]\\nmodel: {conf: 1.5}             | c.yaml: model.conf: expected a number in [0.0, 1.0], got 1.5",
      "cameras: [{id: a, url: rtsp://h/x}]\\nmodel: {device: tpu}           | c.yaml: model: ",
      "cameras: [{id: a, url: rtsp://h/x}]\\nmodel: {intra_op_threads: -1} | c.yaml: model.intra_op_threads: expected an integer",
      "cameras: [{id: a, url: rtsp://h/x}]\\nmodel: {spinning: 1}          | c.yaml: model.spinning: expected true or false",
      "cameras: [{id: a, url: rtsp://h/x}]\\nmodel: {input_shape: wide}   | c.yaml: model: unknown input shape 'wide'; expected square or fit",
      "cameras: [{id: a, url: rtsp://h/x}]\\nbatching: {max_batch: 16}      | c.yaml: batching.max_batch: is 16 but model.max_batch is 8",
      "cameras: [{id: a, url: rtsp://h/x}]\\ncheckpointing: {interval_ms: 5} | c.yaml: checkpointing.interval_ms: is 5",
      "cameras: [{id: a, url: rtsp://h/x}]\\ntracking: {track_buffer: 0}    | c.yaml: tracking.track_buffer: expected an integer",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {stdout: maybe}         | c.yaml: sinks.stdout: expected true or false",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kinesis: {}}} | c.yaml: sinks.alerts.kinesis.stream: is required",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kinesis: {stream: 'a b'}}} | c.yaml: sinks.alerts.kinesis: stream 'a b' is neither a Kinesis stream name",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kinesis: {stream: s, region: mars}}} | c.yaml: sinks.alerts.kinesis: region 'mars' is not an AWS region",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kinesis: {stream: 'arn:aws:kinesis:us-east-1:123456789012:stream/s', region: eu-west-1}}} | c.yaml: sinks.alerts.kinesis: region 'eu-west-1' differs from the stream ARN's region 'us-east-1'",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kinesis: {stream: s, endpoint: 'ftp://h'}}} | c.yaml: sinks.alerts.kinesis: endpoint 'ftp://h' is not an http(s) URL",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kinesis: {stream: s, max_batch_size: 501}}} | c.yaml: sinks.alerts.kinesis.max_batch_size: expected an integer in [1, 500], got integer 501",
      "cameras: [{id: a, url: rtsp://h/x, blur: person}]                  | c.yaml: cameras[0].blur: expected a list of strings, got",
      "cameras: [{id: a, url: rtsp://h/x, blur: [person], blur_kernel: 30}] | c.yaml: cameras[0].blur_kernel: 30 is even; expected an odd window",
      "cameras: [{id: a, url: rtsp://h/x, blur: [person], blur_kernel: 1}] | c.yaml: cameras[0].blur_kernel: expected an integer in [3, 255]",
      "cameras: [{id: a, url: rtsp://h/x, blur_kernel: 31}]                | c.yaml: cameras[0].blur_kernel: is set but nothing is blurred",
      "- just\\n- a list                                                    | c.yaml: expected a YAML mapping at the top level",
      "cameras: [{id: a, url: rtsp://h/x}\\n                                | c.yaml: not valid YAML",
  })
  void rejectsBadConfigWithFileKeyAndExpectation(String yaml, String expected) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> JobConfigLoader.parse("c.yaml", yaml.replace("\\n", "\n")));
    assertTrue(e.getMessage().startsWith(expected.strip()), "got: " + e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
  }

  /** Every section's unknown-key message lists every key it accepts (also those read only if present). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "cameras: [{id: a, url: rtsp://h/x, fsp: 5}]"
          + "| c.yaml: cameras[0].fsp: unknown key; did you mean `fps`? expected one of id, url, kvs, fps, rules, blur,"
          + " blur_kernel",
      "cameras: [{id: a, url: rtsp://h/x}]\\nmodel: {clases: [dog]}"
          + "| c.yaml: model.clases: unknown key; did you mean `classes`? expected one of name, device, conf,"
          + " iou, classes, max_batch, input_shape, replicas, intra_op_threads, spinning, engine, family",
      "cameras: [{id: a, url: rtsp://h/x}]\\nmodle: {}"
          + "| c.yaml: modle: unknown key; did you mean `model`? expected one of cameras, model, batching,"
          + " tracking, checkpointing, sinks, highlights",
      "cameras: [{id: a, url: rtsp://h/x}]\\nbatching: {queue: 3}"
          + "| c.yaml: batching.queue: unknown key; expected one of max_batch, max_delay_ms, queue_capacity",
      "cameras: [{id: a, url: rtsp://h/x}]\\ntracking: {per_clas: true}"
          + "| c.yaml: tracking.per_clas: unknown key; did you mean `per_class`? expected one of"
          + " algorithm, track_thresh, track_buffer, track_buffer_seconds, match_thresh, per_class",
      "cameras: [{id: a, url: rtsp://h/x}]\\ncheckpointing: {dri: /x}"
          + "| c.yaml: checkpointing.dri: unknown key; did you mean `dir`? expected one of interval_ms, dir",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alert: {}}"
          + "| c.yaml: sinks.alert: unknown key; did you mean `alerts`? expected one of jsonl, stdout, alerts",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kafak: {}}}"
          + "| c.yaml: sinks.alerts.kafak: unknown key; did you mean `kafka`? expected one of jsonl, stdout,"
          + " kafka, kinesis",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kinesis: {stream: s, regoin: eu-west-1}}}"
          + "| c.yaml: sinks.alerts.kinesis.regoin: unknown key; did you mean `region`? expected one of"
          + " stream, region, endpoint, max_batch_size, max_in_flight_requests, max_buffered_requests,"
          + " max_time_in_buffer_ms",
      "cameras: [{id: a, url: rtsp://h/x}]\\nsinks: {alerts: {kafka: {bootstrap_servers: h:1, topic: t,"
          + " deliver: at_least_once}}}"
          + "| c.yaml: sinks.alerts.kafka.deliver: unknown key; did you mean `delivery`? expected one of"
          + " bootstrap_servers, topic, delivery, transactional_id_prefix",
      "cameras: [{id: a, url: rtsp://h/x}]\\nhighlights: {clip_dir: /x}"
          + "| c.yaml: highlights.clip_dir: unknown key; did you mean `clips_dir`? expected one of"
          + " max_out_of_order_ms, clips_dir, buffer_seconds, draw_rules",
  })
  void unknownKeysListEveryAcceptedKeyAndSuggestTheClosest(String yaml, String expected) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> JobConfigLoader.parse("c.yaml", yaml.replace("\\n", "\n")));
    assertEquals(expected.strip(), e.getMessage());
  }

  @Test
  void relativePathsResolveFromTheConfigFolder(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("site"));
    Path file = Files.writeString(dir.resolve("cameras.yaml"), """
        cameras: [{id: a, url: rtsp://h/x}]
        checkpointing: {dir: chk}
        sinks: {jsonl: out/tracks.jsonl, alerts: {jsonl: ../alerts.jsonl}}
        highlights: {clips_dir: clips}
        """);
    JobConfig c = JobConfigLoader.load(file);
    assertEquals(Optional.of(dir.resolve("out/tracks.jsonl").toString()), c.sinks().jsonl());
    assertEquals(Optional.of(tmp.resolve("alerts.jsonl").toString()), c.sinks().alerts().jsonl());
    assertEquals(Optional.of(dir.resolve("clips").toString()), c.highlights().clipsDir());
    assertEquals(Optional.of(dir.resolve("chk").toUri().toString()), c.checkpointing().directory());

    Files.writeString(file, "cameras: [{id: a, url: rtsp://h/x}]\ncheckpointing: {dir: 'file:///var/chk'}\n");
    c = JobConfigLoader.load(file);
    assertEquals(Optional.of(dir.resolve("alerts.jsonl").toString()), c.sinks().alerts().jsonl(),
        "the default alerts file is in the config's folder, not the working directory");
    assertEquals(Optional.of("file:///var/chk"), c.checkpointing().directory(), "URIs stay as written");
  }

  @Test
  void kinesisAlertSinkTakesANameOrAnArnAndItsLimits() {
    JobConfig c = JobConfigLoader.parse("c.yaml", """
        cameras: [{id: a, url: rtsp://h/x}]
        sinks: {alerts: {kinesis: {stream: 'arn:aws:kinesis:eu-west-1:123456789012:stream/alerts',
                endpoint: 'http://localhost:4566', max_batch_size: 50, max_time_in_buffer_ms: 20}}}
        """);
    var k = c.sinks().alerts().kinesis().orElseThrow();
    assertTrue(k.isArn());
    assertEquals("alerts", k.streamName());
    assertEquals(java.net.URI.create("http://localhost:4566"), k.endpoint());
    assertEquals(50, k.maxBatchSize());
    assertEquals(20, k.maxTimeInBufferMs());
    assertEquals(1, k.maxInFlightRequests(), "the default keeps each camera's alerts in order");
    assertEquals(Optional.empty(), c.sinks().alerts().jsonl(), "a configured sink replaces the default file");
  }

  @Test
  void camerasBlurTheirOwnClassesCheckedAgainstTheModel() {
    JobConfig c = JobConfigLoader.parse("c.yaml", """
        cameras:
          - {id: ward, url: rtsp://h/ward, blur: [person, dog], blur_kernel: 15}
          - {id: lobby, url: rtsp://h/lobby}
        """);
    assertEquals(new JobConfig.Blur(List.of("person", "dog"), 15), c.cameras().get(0).blur());
    assertEquals(JobConfig.Blur.NONE, c.cameras().get(1).blur());
    var base = dev.tracklight.operators.annotation.AnnotationStyle.defaults();
    var styles = c.cameraStyles(dev.tracklight.inference.ClassNames.COCO, base);
    assertEquals(java.util.Set.of("ward"), styles.keySet(), "a camera that blurs nothing keeps the base style");
    assertEquals(java.util.Set.of(0, 16), styles.get("ward").blurClasses());
    assertEquals(15, styles.get("ward").blurKernel());
    JobConfig typo = JobConfigLoader.parse("c.yaml", "cameras: [{id: ward, url: rtsp://h/w, blur: [persn]}]");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> typo.cameraStyles(dev.tracklight.inference.ClassNames.COCO, base));
    assertTrue(e.getMessage().startsWith("camera ward: blur: "), e.getMessage());
    assertTrue(e.getMessage().contains("persn"), e.getMessage());
  }

  @Test
  void passwordsNeverInErrors() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> JobConfigLoader.parse("c.yaml",
        "cameras: [{id: a, url: 'http://admin:hunter2@cam/x?token=abc'}]"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertFalse(e.getMessage().contains("abc"), e.getMessage());
    assertTrue(e.getMessage().contains("admin:***@"), e.getMessage());
  }

  @Test
  void fileErrors(@TempDir Path tmp) throws Exception {
    InvalidInputException missing = assertThrows(InvalidInputException.class,
        () -> JobConfigLoader.load(tmp.resolve("nope.yaml")));
    assertTrue(missing.getMessage().startsWith("config file not found"), missing.getMessage());
    Path ok = Files.writeString(tmp.resolve("cameras.yaml"), FULL);
    assertEquals(2, JobConfigLoader.load(ok).cameras().size());
  }
}
