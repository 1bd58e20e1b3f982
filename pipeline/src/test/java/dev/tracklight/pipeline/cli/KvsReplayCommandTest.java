package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.pipeline.kvs.KvsStreams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklight replay kvs://STREAM --from --to} end to end through the CLI: control plane on
 * moto_server, ListFragments and GetMediaForFragmentList from {@link
 * dev.tracklight.connectors.testing.KvsTestServer} serving the two real captures byte for byte,
 * then the file replay's job graph and outputs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvsReplayCommandTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String FROM = "2017-11-28T06:55:00Z";
  static final String TO = "2017-11-28T07:00:00Z";

  KvsStreams kvs;

  @TempDir
  Path tmp;

  @BeforeAll
  void start() throws Exception {
    kvs = KvsStreams.start();
    kvs.stream("cars", kvs.cars).stream("sparse", kvs.sparse);
  }

  @AfterAll
  void stop() {
    kvs.close();
  }

  /**
   * Both captures in one replay: every frame of every fragment decoded once, in order, its event
   * time the fragment's producer time plus its offset (gaps between the sparse capture's fragments
   * stay gaps), cars tracked, and the file replay's outputs complete.
   */
  @Test
  void replaysEveryFrameOnceAtItsProducerTime() throws Exception {
    Path out = tmp.resolve("out");
    // A car appearing after 1 s without one is a highlight: the gaps between the sparse capture's
    // fragments are such absences.
    Path rules = tmp.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - {type: appearance, name: car, classes: [car], min_absence_seconds: 1.0}\n");
    // The cars are small from up there: the nano model scores them 0.1-0.4 (KvsLiveJobTest), so
    // the thresholds are lowered for them.
    CliRun run = CliRun.of("replay", "kvs://cars", "kvs://sparse", "--from", FROM, "--to", TO,
        "--kvs-endpoint", kvs.media.endpoint(), "--out", out.toString(), "--conf", "0.1",
        "--track-thresh", "0.2", "--classes", "car,bus,truck,person", "--rules", rules.toString());
    assertEquals(0, run.exitCode(), run.err());

    List<JsonNode> cars = lines(out.resolve("cars"));
    assertEquals(300, cars.size());
    assertEquals(1511852108513L, cars.get(0).get("timestamp_ms").asLong());
    assertEventTimes(cars, kvs.cars);
    long withCars = cars.stream().filter(l -> hasClass(l, "car")).count();
    assertTrue(withCars >= 150, "frames with a car track: " + withCars + "; "
        + Files.readString(out.resolve("cars/summary.json")));
    assertComplete(out.resolve("cars"), 300);
    // Highlights are in event (producer) time; their clips are cut where that time is in the video.
    JsonNode highlights = JSON.readTree(out.resolve("cars/highlights.json").toFile()).get("highlights");
    assertTrue(highlights.size() > 0, "a car appears");
    double firstS = 1511852108.513;
    for (JsonNode h : highlights) {
      assertTrue(h.get("start_s").asDouble() >= firstS - 10, h.toString());
      JsonNode clip = h.get("clip");
      assertTrue(clip.get("start_s").asDouble() <= h.get("start_s").asDouble() - firstS + 0.05
          && clip.get("end_s").asDouble() >= Math.min(9.9, h.get("end_s").asDouble() - firstS) - 0.05, h.toString());
      assertTrue(Files.size(out.resolve("cars").resolve(clip.get("file").asText())) > 0);
    }

    List<JsonNode> sparse = lines(out.resolve("sparse"));
    assertEquals(180, sparse.size(), "no invented frames in the gaps");
    assertEventTimes(sparse, kvs.sparse);
    for (int f = 1; f < kvs.sparse.size(); f++) {
      long gap = sparse.get(60 * f).get("timestamp_ms").asLong() - sparse.get(60 * f - 1).get("timestamp_ms").asLong();
      long expected = kvs.sparse.get(f).producerMs() - kvs.sparse.get(f - 1).producerMs() - 1967;
      assertEquals(expected, gap, 1, "the gap before fragment " + f + " is a gap in event time");
      assertTrue(gap > 1000, "fragments " + (f - 1) + " and " + f + " are not contiguous: " + gap + " ms");
    }
    assertComplete(out.resolve("sparse"), 180);
    // Each appearance's clip starts where its event time is in the annotated video (at the keyframe
    // at or before it: 1 s interval), which the gaps are not in: one after a gap proves the mapping.
    JsonNode appearances = JSON.readTree(out.resolve("sparse/highlights.json").toFile()).get("highlights");
    boolean afterGap = false;
    for (JsonNode h : appearances) {
      long startMs = Math.round(h.get("start_s").asDouble() * 1000);
      int position = 0;
      while (position < sparse.size() && sparse.get(position).get("timestamp_ms").asLong() < startMs) {
        position++;
      }
      double videoS = position / 30.0;
      double clipStart = h.get("clip").get("start_s").asDouble();
      assertTrue(clipStart >= videoS - 1.05 && clipStart <= videoS + 0.05, videoS + " s in the video: " + h);
      afterGap |= position >= 60;
    }
    assertTrue(afterGap, "a car appears after a gap: " + appearances);
  }

  @Test
  void badRangesAndUnknownStreamsAreOneLineErrorsWithoutOutputs() throws Exception {
    Path out = tmp.resolve("bad");
    String endpoint = kvs.media.endpoint();
    assertBadInput(out, "--to 2017-11-28T06:55:00Z is not after --from", "replay", "kvs://cars",
        "--from", TO, "--to", FROM, "--kvs-endpoint", endpoint, "--out", out.toString());
    assertFalse(Files.exists(out), "a rejected range creates no output folder");
    assertBadInput(out, "--from is required", "replay", "kvs://cars", "--to", TO, "--out", out.toString());
    assertBadInput(out, "--to 'yesterday' is not an ISO-8601 producer time", "replay", "kvs://cars",
        "--from", FROM, "--to", "yesterday", "--out", out.toString());
    assertBadInput(out, "not a valid Kinesis Video stream", "replay", "kvs://bad name",
        "--from", FROM, "--to", TO, "--out", out.toString());
    assertBadInput(out, "--kvs-endpoint 'ftp://x' is not an http(s) URL", "replay", "kvs://cars",
        "--from", FROM, "--to", TO, "--kvs-endpoint", "ftp://x", "--out", out.toString());
    assertBadInput(out, "unknown AWS region 'mars-north-1'", "replay", "kvs://cars",
        "--from", FROM, "--to", TO, "--kvs-region", "mars-north-1", "--out", out.toString());
    assertBadInput(out, "--from, --to, --kvs-region and --kvs-endpoint are for kvs:// inputs", "replay",
        dev.tracklight.inference.TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4").toString(),
        "--from", FROM, "--out", out.toString());
    assertFalse(Files.exists(out));
    assertBadInput(out, "kvs://nothing-here is not a Kinesis Video stream in us-east-1", "replay",
        "kvs://nothing-here", "--from", FROM, "--to", TO, "--kvs-endpoint", endpoint, "--out", out.toString());
    assertBadInput(out, "has no fragments with a producer time from", "replay", "kvs://cars",
        "--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z", "--kvs-endpoint", endpoint,
        "--out", out.toString());
    try (var files = Files.walk(out)) {
      assertEquals(List.of(out), files.toList(), "nothing written for a stream that was not replayed");
    }
  }

  private static void assertBadInput(Path out, String expected, String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine() && run.err().contains(expected), run.err());
  }

  /** Frame k is frame k % 60 of fragment k / 60: producer time + its offset at 30 fps (ms timecodes). */
  private static void assertEventTimes(List<JsonNode> lines, List<KvsCapture.Fragment> fragments) {
    for (int k = 0; k < lines.size(); k++) {
      JsonNode l = lines.get(k);
      assertEquals(k, l.get("frame").asLong(), "in order, each once");
      long expected = fragments.get(k / 60).producerMs() + Math.round((k % 60) * 1000 / 30.0);
      assertEquals(expected, l.get("timestamp_ms").asLong(), 1, "event time of frame " + k);
    }
  }

  private static void assertComplete(Path dir, int frames) throws Exception {
    JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
    assertTrue(summary.get("complete").asBoolean(), summary.toString());
    assertEquals(frames, summary.get("frames").asInt());
    assertEquals(30.0, summary.get("fps").asDouble(), 1e-9);
    assertTrue(Files.exists(dir.resolve("highlights.json")));
    try (VideoReader annotated = VideoReader.open(dir.resolve("annotated.mp4"), VideoReadOptions.defaults())) {
      assertEquals(frames, annotated.info().frameCount());
      assertEquals(640, annotated.info().width());
    }
  }

  private static List<JsonNode> lines(Path dir) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("tracks.jsonl"))) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private static boolean hasClass(JsonNode line, String name) {
    for (JsonNode t : line.get("tracks")) {
      if (name.equals(t.get("class").asText())) {
        return true;
      }
    }
    return false;
  }
}
