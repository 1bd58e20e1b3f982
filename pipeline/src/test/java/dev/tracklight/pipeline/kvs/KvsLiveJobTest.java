package dev.tracklight.pipeline.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.live.CameraState;
import dev.tracklight.connectors.live.LiveStatusBoard;
import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.config.JobConfigLoader;
import dev.tracklight.pipeline.job.LiveJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job ({@code tracklight run}'s graph) with Kinesis Video cameras: control plane on
 * moto_server, media from the local GetMedia server serving the real captures. The city capture's
 * 300 frames are each tracked once, in order, at their producer times, with tracks on the cars,
 * although the server ends the first response after fragment 2; the sparse capture's gaps stay
 * gaps; a camera whose media turns to garbage reports it, reconnects and catches up while the
 * others go on.
 */
class KvsLiveJobTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long FIRST_PRODUCER_MS = 1511852108513L;
  /** A bound against hangs, not a speed goal: about 70 s on a quiet 2-core machine, more when shared. */
  private static final Duration WAIT = Duration.ofSeconds(180);

  private static KvsStreams kvs;

  @TempDir
  Path tmp;

  @BeforeAll
  static void streams() throws Exception {
    kvs = KvsStreams.start();
    kvs.stream("city", kvs.cars).stream("city-sparse", kvs.sparse).stream("city-broken", kvs.cars);
  }

  @AfterAll
  static void stop() {
    if (kvs != null) {
      kvs.close();
    }
  }

  @Test
  void kvsCamerasAreTrackedAtProducerTimeThroughCutsAndCorruption() throws Exception {
    kvs.media.cutAfter("city", 2);
    kvs.media.corruptNext("city-broken", 1);
    LiveStatusBoard.clear();
    Path tracks = tmp.resolve("tracks.jsonl");
    Path yaml = Files.writeString(tmp.resolve("cameras.yaml"), """
        cameras:
          - {id: city, url: 'kvs://city', kvs: {region: us-east-1, start: earliest, endpoint: '%1$s'}}
          - {id: sparse, url: 'kvs://city-sparse', fps: 5, kvs: {region: us-east-1, start: earliest, endpoint: '%1$s'}}
          - id: sparse-all
            url: 'kvs://city-sparse'
            kvs: {region: us-east-1, start: earliest, endpoint: '%1$s'}
            # The producer paused 2 s between fragments: that is absence (> 1 s + 0.5 s of tolerance),
            # so the cars are back at each fragment. Every frame: at 5 fps the small cars form no tracks.
            rules: [{type: appearance, name: car-back, classes: [car], min_absence_seconds: 1.0}]
          - id: broken
            url: 'kvs://city-broken'
            fps: 2
            kvs: {region: us-east-1, start: earliest, endpoint: '%1$s'}
        model: {max_batch: 4}
        tracking: {track_thresh: 0.2}
        batching: {max_batch: 4, max_delay_ms: 5}
        checkpointing: {interval_ms: 1000, dir: '%2$s'}
        sinks: {jsonl: '%3$s'}
        """.formatted(kvs.media.endpoint(), tmp.resolve("chk").toUri(), tracks));
    JobConfig config = JobConfigLoader.load(yaml);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(1000);
    // The city's cars are small from up there: the nano model scores them 0.1-0.4 (measured), so the
    // thresholds are lowered for them (the tracker starts tracks above track_thresh).
    DetectorOptions detector = DetectorOptions.forModel(TestAssets.root().resolve("models/yolox_nano_dynamic.onnx")
        .toString()).withDevice(DeviceSpec.CPU).withMaxBatch(4).withConfidenceThreshold(0.1f)
        .withClasses(List.of("car", "bus", "truck", "person"));
    LiveJob.build(env, config, detector, ClassNames.COCO.names());
    JobClient job = env.executeAsync("kvs-live-test");
    try {
      await("all frames of the three cameras", tracks,
          l -> count(l, "city") >= 300 && count(l, "sparse") >= slots(kvs.sparse, 5)
              && count(l, "broken") >= slots(kvs.cars, 2) && count(l, "sparse-all") >= 180);
      List<Long> carsBack = backAfterPauses(read(tracks)); // every frame is in by now
      await("the sparse camera's appearance alerts after the pauses " + carsBack, tmp.resolve("alerts.jsonl"),
          l -> carsBack.stream().allMatch(t -> appearedAt(of(l, "sparse-all"), t)));
      Thread.sleep(1500); // nothing more may come: a duplicate would show now
    } finally {
      job.cancel().get();
    }
    List<JsonNode> lines = read(tracks);

    List<JsonNode> city = of(lines, "city");
    assertEquals(300, city.size(), "each frame once");
    for (int n = 0; n < 300; n++) {
      assertEquals(n, city.get(n).get("frame").asLong());
      long expected = FIRST_PRODUCER_MS + (n / 60) * 2000L + Math.round((n % 60) * 1000 / 30.0);
      assertTrue(Math.abs(city.get(n).get("timestamp_ms").asLong() - expected) <= 1,
          "frame " + n + ": event time is producer time, got " + city.get(n));
    }
    java.util.Map<Integer, Long> carTrackFrames = city.stream()
        .flatMap(l -> java.util.stream.StreamSupport.stream(l.get("tracks").spliterator(), false))
        .filter(t -> t.get("class").asText().equals("car"))
        .collect(java.util.stream.Collectors.groupingBy(t -> t.get("id").asInt(), java.util.stream.Collectors.counting()));
    long withCars = city.stream().filter(l -> l.get("tracks").toString().contains("\"class\":\"car\"")).count();
    assertTrue(withCars >= 150 && carTrackFrames.values().stream().anyMatch(n -> n >= 60),
        "cars tracked (frames with a car track, frames per car track): " + withCars + ", " + carTrackFrames);
    assertTrue(kvs.media.requests().stream().anyMatch(r -> r.path("StreamName").asText().equals("city")
        && r.path("StartSelector").path("ContinuationToken").asText().equals(kvs.cars.get(1).number())),
        "the cut response was continued after fragment 2 by its token:\n" + kvs.media.requestLog());

    List<JsonNode> sparse = of(lines, "sparse");
    assertEquals(slots(kvs.sparse, 5), sparse.size(), "one frame per 200 ms slot of producer time, none invented");
    for (int f = 0; f < 3; f++) {
      long start = kvs.sparse.get(f).producerMs();
      assertTrue(sparse.stream().anyMatch(l -> l.get("timestamp_ms").asLong() == start),
          "fragment " + f + "'s first frame at its producer time");
    }
    for (int i = 1; i < sparse.size(); i++) {
      long gap = sparse.get(i).get("timestamp_ms").asLong() - sparse.get(i - 1).get("timestamp_ms").asLong();
      long after = sparse.get(i - 1).get("timestamp_ms").asLong();
      boolean acrossPause = kvs.sparse.stream().anyMatch(f -> f.producerMs() > after && f.producerMs() - after > 1000);
      assertTrue(gap <= 300 || acrossPause, "a gap only where the producer paused: " + gap + " ms after " + after);
    }

    // Event time, not arrival: a car seen on both sides of a producer pause (2 s with no frame, more
    // than the 1 s absence + 0.5 s) is back after it: its span ends at the last sighting before the
    // pause and an appearance opens at the first after it, though no frame without a car came between.
    List<JsonNode> appearances = of(read(tmp.resolve("alerts.jsonl")), "sparse-all");
    List<Long> back = backAfterPauses(lines);
    assertFalse(back.isEmpty(), "cars on both sides of at least one pause (else this checks nothing)");
    for (long t : back) {
      assertTrue(appearedAt(appearances, t), "an appearance at " + t + ", the first car after a pause: " + appearances);
    }
    assertTrue(of(read(tmp.resolve("alerts.jsonl")), "city").isEmpty(), "no rules on the city camera");
    assertEquals(180, count(lines, "sparse-all"), "every frame of the sparse capture, once");

    List<JsonNode> broken = of(lines, "broken");
    assertEquals(slots(kvs.cars, 2), broken.size(), "2 fps of producer time, each frame once after the reconnection");
    for (int i = 1; i < broken.size(); i++) {
      assertTrue(broken.get(i).get("timestamp_ms").asLong() > broken.get(i - 1).get("timestamp_ms").asLong());
    }
    long brokenConnections = kvs.media.requests().stream()
        .filter(r -> r.path("StreamName").asText().equals("city-broken")).count();
    assertTrue(brokenConnections >= 2, "the broken camera reconnected: " + kvs.media.requestLog());
    assertTrue(LiveStatusBoard.snapshot().containsKey("broken"));
    assertTrue(LiveStatusBoard.snapshot().get("broken").state() != CameraState.CONNECTING);
  }

  static void await(String what, Path file, Predicate<List<JsonNode>> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.test(read(file))) {
        return;
      }
      Thread.sleep(200);
    }
    List<JsonNode> lines = read(file);
    fail("timed out waiting for: " + what + " (" + lines.size() + " lines" + (lines.size() <= 20 ? ": " + lines : "")
        + ")\n" + kvs.media.requestLog());
  }

  /**
   * Event times of the first car track after each producer pause of the sparse capture whose last
   * frames before it had a car too (a span that was open across the pause).
   */
  static List<Long> backAfterPauses(List<JsonNode> lines) {
    List<JsonNode> all = of(lines, "sparse-all");
    List<Long> out = new ArrayList<>();
    for (int k = 1; k < kvs.sparse.size(); k++) {
      long pauseStart = kvs.sparse.get(k - 1).producerMs() + KvsCapture.FRAGMENT_MS;
      long resumed = kvs.sparse.get(k).producerMs();
      java.util.OptionalLong lastBefore = all.stream().filter(l -> hasCar(l)
          && l.get("timestamp_ms").asLong() < pauseStart).mapToLong(l -> l.get("timestamp_ms").asLong()).max();
      java.util.OptionalLong firstAfter = all.stream().filter(l -> hasCar(l)
          && l.get("timestamp_ms").asLong() >= resumed).mapToLong(l -> l.get("timestamp_ms").asLong()).min();
      // Open across the pause: the car was there within the absence before it and came back after.
      if (lastBefore.isPresent() && firstAfter.isPresent() && pauseStart - lastBefore.getAsLong() < 1000
          && firstAfter.getAsLong() - resumed < 1000) {
        out.add(firstAfter.getAsLong());
      }
    }
    return out;
  }

  private static boolean hasCar(JsonNode line) {
    return line.get("tracks").toString().contains("\"class\":\"car\"");
  }

  /** An appearance alert opened at event time {@code t}. */
  static boolean appearedAt(List<JsonNode> alerts, long t) {
    return alerts.stream().anyMatch(a -> a.path("type").asText().equals("appearance")
        && a.path("event_time_ms").asLong() == t);
  }

  static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file)) {
      if (line.endsWith("}")) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /** Frames a camera sampled at {@code fps} keeps: one per 1/fps slot of producer time. */
  static long slots(List<KvsCapture.Fragment> fragments, double fps) {
    return fragments.stream().flatMap(f -> java.util.stream.IntStream.range(0, 60)
        .mapToObj(i -> (long) Math.floor((f.producerMs() + Math.round(i * 1000 / 30.0)) * fps / 1000)))
        .distinct().count();
  }

  static long count(List<JsonNode> lines, String camera) {
    return of(lines, camera).size();
  }

  static List<JsonNode> of(List<JsonNode> lines, String camera) {
    return lines.stream().filter(l -> camera.equals(l.path("camera").asText())).toList();
  }
}
