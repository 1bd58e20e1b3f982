package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.pipeline.batch.MotoServer;
import dev.tracklight.pipeline.config.JobConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code s3://} wherever the CLI takes a path, against a real {@code moto_server}: {@code run
 * --config} (and the model file it names), {@code detect} inputs and {@code --model},
 * {@code replay --alerts}; and the places where S3 cannot work (a live job's JSON-lines sinks, a
 * followed alerts file) refused in one line that names the alternative.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3PathsMotoTest {

  static final String BUCKET = "paths";
  static final ObjectMapper JSON = new ObjectMapper();

  MotoServer moto;
  S3Client s3;
  Path tmp;

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("s3-paths-");
    moto = MotoServer.start();
    moto.setSystemProperties(MotoServer.REGION);
    s3 = AwsSettings.fromEnvironment().configure(S3Client.builder(), "S3").forcePathStyle(true).build();
    s3.createBucket(b -> b.bucket(BUCKET));
    put("models/yolox_nano.onnx", TestAssets.file("models/yolox_nano.onnx"));
    put("images/dog.jpg", TestAssets.file("images/dog.jpg"));
    put("images/bus.jpg", TestAssets.file("images/bus.jpg"));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      s3.close();
      moto.close();
      try (var walk = Files.walk(tmp)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    } finally {
      for (String p : List.of("aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey",
          "aws.sessionToken", "aws.disableEc2Metadata")) {
        System.clearProperty(p);
      }
    }
  }

  @Test
  void anS3ConfigIsDownloadedWithItsModelAndItsRelativeOutputsResolveInTheWorkingDirectory() throws Exception {
    putText("cfg/cameras.yaml", """
        cameras: [{id: lobby, url: 'rtsp://127.0.0.1:1/x'}]
        model: {name: 's3://paths/models/yolox_nano.onnx'}
        sinks: {jsonl: out/tracks.jsonl}
        highlights: {clips_dir: clips}
        """);
    try (Locations locations = Locations.fromEnvironment()) {
      JobConfig job = RunCommand.loadWithModel(locations, "s3://paths/cfg/cameras.yaml");
      Path cwd = Path.of("").toAbsolutePath();
      assertEquals(cwd.resolve("out/tracks.jsonl").toString(), job.sinks().jsonl().orElseThrow());
      assertEquals(cwd.resolve("out/alerts.jsonl").toString(), job.sinks().alerts().jsonl().orElseThrow(),
          "the default alerts file goes next to the track lines, as for a local config");
      assertEquals(cwd.resolve("clips").toString(), job.highlights().clipsDir().orElseThrow());
      Path model = Path.of(job.detector().model());
      assertEquals("yolox_nano.onnx", model.getFileName().toString());
      assertEquals(Files.size(TestAssets.file("models/yolox_nano.onnx")), Files.size(model), "the model, downloaded");
    }
    // Through the command: the configuration is read from S3 and named by its URI in errors.
    putText("cfg/kafka.yaml", """
        cameras: [{id: lobby, url: 'rtsp://127.0.0.1:1/x'}]
        sinks: {alerts: {kafka: {bootstrap_servers: "broker.invalid:9092", topic: alerts}}}
        """);
    CliRun run = CliRun.of("run", "--config", "s3://paths/cfg/kafka.yaml");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine() && run.err().startsWith("error: s3://paths/cfg/kafka.yaml: sinks.alerts.kafka:"
        + " cannot resolve Kafka host broker.invalid"), run.err());
    CliRun missing = CliRun.of("run", "--config", "s3://paths/cfg/none.yaml");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, missing.exitCode(), missing.err());
    assertTrue(missing.errIsOneLine() && missing.err().contains("S3 object not found: s3://paths/cfg/none.yaml"),
        missing.err());
  }

  @Test
  void aLiveJobsJsonLinesSinksCannotBeS3ObjectsAndSayWhatCan() throws Exception {
    putText("cfg/s3-alerts.yaml", """
        cameras: [{id: lobby, url: 'rtsp://127.0.0.1:1/x'}]
        sinks: {alerts: {jsonl: 's3://paths/alerts/live.jsonl'}}
        """);
    CliRun run = CliRun.of("run", "--config", "s3://paths/cfg/s3-alerts.yaml");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertEquals("error: s3://paths/cfg/s3-alerts.yaml: sinks.alerts.jsonl: 's3://paths/alerts/live.jsonl' is an"
        + " S3 object; the live job appends to it while it runs, which S3 cannot do; expected a local file,"
        + " or sinks.alerts.kafka to stream alerts off the machine", run.err().strip());
    // The same in a local configuration: never a local folder named "s3:".
    Path local = Files.writeString(tmp.resolve("tracks-s3.yaml"), """
        cameras: [{id: lobby, url: 'rtsp://127.0.0.1:1/x'}]
        sinks: {jsonl: 's3://paths/tracks.jsonl'}
        """);
    CliRun tracks = CliRun.of("run", "--config", local.toString());
    assertEquals(TracklightMain.EXIT_BAD_INPUT, tracks.exitCode(), tracks.err());
    assertTrue(tracks.errIsOneLine() && tracks.err().contains("sinks.jsonl: 's3://paths/tracks.jsonl' is an S3 object"),
        tracks.err());
    CliRun follow = CliRun.of("alerts", "tail", "--file", "s3://paths/alerts/replay.jsonl");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, follow.exitCode(), follow.err());
    assertTrue(follow.errIsOneLine() && follow.err().contains("is an S3 object, which cannot be followed"), follow.err());
  }

  @Test
  void detectReadsImagesAndTheModelFromS3AndNamesThemByTheirUris() throws Exception {
    Path model = TestAssets.file("models/yolox_nano.onnx");
    CliRun local = CliRun.of("detect", TestAssets.file("images/bus.jpg").toString(),
        TestAssets.file("images/dog.jpg").toString(), "--model", model.toString(), "--json");
    assertEquals(0, local.exitCode(), local.err());
    CliRun remote = CliRun.of("detect", "s3://paths/images/*.jpg", "--model", "s3://paths/models/yolox_nano.onnx", "--json");
    assertEquals(0, remote.exitCode(), remote.err());
    List<JsonNode> a = lines(local.out());
    List<JsonNode> b = lines(remote.out());
    assertEquals(2, b.size(), remote.out());
    assertEquals(List.of("s3://paths/images/bus.jpg", "s3://paths/images/dog.jpg"),
        b.stream().map(n -> n.path("source").asText()).toList());
    for (int i = 0; i < 2; i++) {
      assertTrue(a.get(i).path("detections").size() > 0, a.get(i).toString());
      assertEquals(a.get(i).path("detections"), b.get(i).path("detections"), "same detections from S3 as from the file");
    }
    CliRun missing = CliRun.of("detect", "s3://paths/images/none.jpg");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, missing.exitCode(), missing.err());
    assertTrue(missing.errIsOneLine() && missing.err().contains("S3 object not found: s3://paths/images/none.jpg"),
        missing.err());
  }

  @Test
  void replayWritesItsAlertsFileToS3WithTheOtherOutputs() throws Exception {
    Path video = TestAssets.file(BatchMotoTest.DOG);
    Path localAlerts = tmp.resolve("local-alerts.jsonl");
    // A rule that fires on this video: the dog appears.
    Path rules = Files.writeString(tmp.resolve("rules.yaml"),
        "rules:\n  - {type: appearance, name: dog-arrives, classes: [dog], min_absence_seconds: 1.0}\n");
    CliRun local = CliRun.of("replay", video.toString(), "--out", tmp.resolve("local").toString(),
        "--alerts", localAlerts.toString(), "--rules", rules.toString(), "--fps", "1");
    assertEquals(0, local.exitCode(), local.err());
    CliRun bad = CliRun.of("replay", video.toString(), "--out", tmp.resolve("x").toString(),
        "--alerts", "s3://no-such-bucket-tl/alerts.jsonl", "--fps", "1");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, bad.exitCode(), bad.err());
    assertTrue(bad.errIsOneLine() && bad.err().contains("S3 bucket 'no-such-bucket-tl' does not exist"), bad.err());

    CliRun remote = CliRun.of("replay", video.toString(), "--out", "s3://paths/replays/r1",
        "--alerts", "s3://paths/replays/r1-alerts.jsonl", "--rules", rules.toString(), "--fps", "1");
    assertEquals(0, remote.exitCode(), remote.err());
    assertTrue(remote.out().contains("uploaded s3://paths/replays/r1-alerts.jsonl"), remote.out());
    String uploaded = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("replays/r1-alerts.jsonl")).asUtf8String();
    // Alerts carry wall-clock emit times and local media paths; everything else is the same replay's.
    assertTrue(Files.exists(localAlerts) && !comparable(Files.readString(localAlerts)).isEmpty(),
        "the rule fires: " + local.out());
    assertEquals(comparable(Files.readString(localAlerts)), comparable(uploaded));
  }

  @Test
  void demoReplaysAnS3VideoToAnS3PrefixAndItsSerialExecutorSaysItCannot() throws Exception {
    put("videos/tiny.mp4", writeTiny());
    CliRun demo = CliRun.of("demo", "--video", "s3://paths/videos/tiny.mp4", "--out", "s3://paths/demo");
    assertEquals(0, demo.exitCode(), demo.err());
    JsonNode result = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("demo/tiny/result.json")).asUtf8String());
    assertEquals("done", result.path("status").asText(), result.toString());
    assertEquals("s3://paths/videos/tiny.mp4", result.path("video").asText());
    CliRun serial = CliRun.of("demo", "--video", "s3://paths/videos/tiny.mp4", "--executor", "serial");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, serial.exitCode(), serial.err());
    assertTrue(serial.errIsOneLine() && serial.err().contains("the default flink executor for s3:// locations"),
        serial.err());
  }

  private Path writeTiny() throws Exception {
    Path f = tmp.resolve("tiny.mp4");
    BatchSubmitScaleTest.tinyVideo(f);
    return f;
  }

  private static List<JsonNode> comparable(String jsonl) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : lines(jsonl)) {
      ((ObjectNode) n).remove(List.of("emit_time_ms", "clip_uri", "thumbnail_uri"));
      out.add(n);
    }
    return out;
  }

  private static List<JsonNode> lines(String text) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      if (!l.isBlank()) {
        out.add(JSON.readTree(l));
      }
    }
    return out;
  }

  private void put(String key, Path file) {
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromFile(file));
  }

  private void putText(String key, String text) {
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(text, StandardCharsets.UTF_8));
  }
}
