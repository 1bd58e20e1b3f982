package dev.tracklight.connectors.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.media.ImageReader;
import dev.tracklight.connectors.media.Thumbnails;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.FrameRules;
import dev.tracklight.operators.stream.StreamEnd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay sink's highlight media on the real persons clip (768x432, 10 fps, 1394 frames), fed
 * the frames a replay would send: every frame with a moving track box to annotate, the last one
 * carrying the video's highlights (here the MANIFEST's six person segments, ranked by hand).
 */
class ReplayHighlightMediaTest {

  private static final String CAMERA = "persons";
  private static final int FRAMES = 1394;
  private static final long FRAME_MS = 100;
  /** The MANIFEST's person segments (s) in time order. */
  private static final double[][] SEGMENTS = {{6.3, 19.5}, {22.8, 44.5}, {50.4, 69.7},
      {74.6, 86.5}, {92.7, 119.6}, {123.7, 135.8}};
  /** Ranking (segment numbers, best first) and the score each gets. */
  private static final int[] RANKING = {4, 1, 2, 0, 5, 3};

  @TempDir Path tmp;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void writesClipsThumbnailsReelAndIndexNextToTheAnnotatedVideo() throws Exception {
    Path out = tmp.resolve("persons");
    List<Highlight> ranked = ranked();
    var writer = sink(out).createWriter(null);
    feed(writer, 0, FRAMES, FRAMES, ranked);
    ReplayOutputs o = new ReplayOutputs(out);

    JsonNode summary = json.readTree(o.summary().toFile());
    assertEquals(FRAMES, summary.get("frames").asInt());
    assertEquals(1, summary.get("video_segments").asInt());
    assertEquals(6, summary.get("highlights").asInt());
    assertTrue(summary.get("highlight_media_ms").asLong() > 0, summary.toString());
    JsonNode list = json.readTree(o.highlightsJson().toFile()).get("highlights");
    assertEquals(6, list.size());
    Path annotated = o.annotatedVideo();

    for (int rank = 0; rank < 6; rank++) {
      JsonNode h = list.get(rank);
      double[] segment = SEGMENTS[RANKING[rank]];
      assertEquals(ranked.get(rank).id(), h.get("id").asText(), "best first");
      double clipStart = h.get("clip").get("start_s").asDouble();
      double clipEnd = h.get("clip").get("end_s").asDouble();
      assertTrue(clipStart <= segment[0] && clipStart >= segment[0] - 1.0,
          "clip starts at most one keyframe interval (1 s) early: " + h);
      assertTrue(clipEnd >= segment[1] && clipEnd <= segment[1] + FRAME_MS / 1000.0 + 1e-9,
          "clip ends within a frame of the highlight end: " + h);
      Path clip = out.resolve(h.get("clip").get("file").asText());
      assertEquals(o.clipsDir().resolve(CAMERA + "-" + Math.round(segment[0] * 1000) + "-"
          + Math.round(segment[1] * 1000) + ".mp4"), clip);
      int first = (int) Math.round(clipStart * 10);
      int count = (int) Math.round((clipEnd - clipStart) * 10);
      Decoded frames = decode(clip, 0, count / 2, count - 1);
      assertEquals(count, frames.count(), "frames of " + clip);
      try (VideoReader reader = VideoReader.open(clip, VideoReadOptions.defaults())) {
        assertEquals(FrameRate.of(10), reader.info().frameRate(), "frame rate kept");
      }
      for (int i : new int[] {0, count / 2, count - 1}) {
        assertEquals(i * FRAME_MS, frames.get(i).timestampMs(), "rebased timestamps");
        assertArrayEquals(frame(annotated, first + i).pixels(), frames.get(i).image().pixels(),
            "clip frame " + i + " is annotated frame " + (first + i) + " (stream copy)");
      }

      long peak = ranked.get(rank).peakFrame();
      BgrImage thumb = ImageReader.read(out.resolve(h.get("thumbnail").asText()));
      double exact = meanAbsoluteError(thumb, Thumbnails.fit(frame(annotated, peak)));
      assertTrue(exact < 3.0, "thumbnail = annotated frame " + peak + " within JPEG error: " + exact);
      assertTrue(exact < meanAbsoluteError(thumb, Thumbnails.fit(frame(annotated, peak - 1)))
          && exact < meanAbsoluteError(thumb, Thumbnails.fit(frame(annotated, peak + 1))), "exactly that frame");
    }

    // Reel (60 s): best first while they fit = segments 5 (27.7 s) and 2 (22.7 s); 3, 1, 6, 4 would
    // each overflow it. Played in time order.
    assertEquals(2, summary.get("reel_clips").asInt());
    JsonNode second = list.get(1).get("clip");
    JsonNode best = list.get(0).get("clip");
    double secondS = second.get("end_s").asDouble() - second.get("start_s").asDouble();
    double bestS = best.get("end_s").asDouble() - best.get("start_s").asDouble();
    assertEquals(secondS + bestS, summary.get("reel_s").asDouble(), 1e-9);
    int join = (int) Math.round(secondS * 10);
    Decoded reel = decode(o.reel(), 0, join);
    assertEquals(Math.round((secondS + bestS) * 10), reel.count(), "reel = sum of the chosen clips");
    try (VideoReader reader = VideoReader.open(o.reel(), VideoReadOptions.defaults())) {
      assertEquals((secondS + bestS) * 1000, reader.info().durationMs(), 1.0);
    }
    assertArrayEquals(frame(annotated, Math.round(second.get("start_s").asDouble() * 10)).pixels(),
        reel.get(0).image().pixels(), "reel starts with the earlier clip");
    assertArrayEquals(frame(annotated, Math.round(best.get("start_s").asDouble() * 10)).pixels(),
        reel.get(join).image().pixels(), "then the later one");
    assertEquals(join * FRAME_MS, reel.get(join).timestampMs(), 1.0, "timestamps continue");

    String vtt = Files.readString(o.highlightsVtt());
    assertEquals(6, vtt.split("-->").length - 1, vtt);
    assertEquals(List.of(), hidden(out), "no staging left");
  }

  @Test
  void failedCommitLeavesNoHighlightFilesAndARestoreCommitsFromTheCheckpoint() throws Exception {
    Path out = tmp.resolve("persons");
    int frames = 400;
    ReplayOutputSink sink = sink(out);
    var first = sink.createWriter(null);
    feed(first, 0, 200, frames, List.of());
    List<ReplayProgressState> checkpoint = first.snapshotState(1);
    // A peak frame past the video cannot become a thumbnail: the commit fails at the last frame.
    Highlight broken = highlight(0, 0.5, 6.3, 19.5, 5000);
    assertThrows(RuntimeException.class, () -> feed(first, 200, frames, frames, List.of(broken)));
    first.close();
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(List.of(), files.filter(p -> !p.getFileName().toString().startsWith(".")).toList(),
          "a failure before the end publishes nothing: no highlight files, no video, no summary");
    }

    var restored = sink.restoreWriter(null, checkpoint);
    List<Highlight> ranked = List.of(highlight(1, 0.8, 22.8, 39.9, 300), highlight(0, 0.6, 6.3, 19.5, 120));
    feed(restored, checkpoint.get(0).frames(), frames, frames, ranked);
    ReplayOutputs o = new ReplayOutputs(out);
    JsonNode summary = json.readTree(o.summary().toFile());
    assertEquals(frames, summary.get("frames").asInt());
    assertEquals(2, summary.get("video_segments").asInt(), "joined from the checkpoint's segments");
    assertEquals(2, summary.get("highlights").asInt());
    assertEquals(frames, decode(o.annotatedVideo()).count(), "every frame exactly once");
    Decoded clip = decode(o.clipsDir().resolve(CAMERA + "-22800-39900.mp4"), 0);
    assertEquals(179, clip.count(), "frames 220..398");
    assertArrayEquals(frame(o.annotatedVideo(), 220).pixels(), clip.get(0).image().pixels());
    assertEquals(List.of(), hidden(out), "no staging or segments left");
  }

  @Test
  void aRerunReplacesThePreviousRunsHighlightFiles() throws Exception {
    Path out = tmp.resolve("persons");
    feed(sink(out).createWriter(null), 0, 100, 100, List.of(highlight(0, 0.6, 2.3, 4.5, 30)));
    ReplayOutputs o = new ReplayOutputs(out);
    assertTrue(Files.exists(o.clipsDir().resolve(CAMERA + "-2300-4500.mp4")));
    assertTrue(Files.exists(o.reel()));

    // A failed rerun: the previous run's files stay as they were, complete.
    var failing = sink(out).createWriter(null);
    feed(failing, 0, 50, 100, List.of());
    failing.close();
    assertTrue(Files.exists(o.summary()) && Files.exists(o.clipsDir().resolve(CAMERA + "-2300-4500.mp4")));

    feed(sink(out).createWriter(null), 0, 100, 100, List.of());
    assertEquals("{\"highlights\":[]}", json.readTree(o.highlightsJson().toFile()).toString());
    assertFalse(Files.exists(o.clipsDir()), "stale clips removed");
    assertFalse(Files.exists(o.thumbsDir()));
    assertFalse(Files.exists(o.reel()));
    assertEquals(0, json.readTree(o.summary().toFile()).get("highlights").asInt());
    assertEquals(List.of(), hidden(out));
  }

  private static ReplayOutputSink sink(Path out) {
    return new ReplayOutputSink(Map.of(CAMERA, new ReplayOutputSink.Video("persons_one_by_one_432p.mp4",
        out.toString(), 768, 432, FrameRate.of(10))), ClassNames.COCO.names(),
        AnnotationStyle.defaults(), Map.of());
  }

  /**
   * Sends frames {@code from .. to-1} of the persons clip, each with one track box that moves 7 px a
   * frame; frame {@code last-1} is the end of the stream and carries {@code highlights}.
   */
  private static void feed(ReplayOutputSink.ReplayWriter writer, long from,
      long to, long last, List<Highlight> highlights) throws IOException {
    try (VideoReader reader = VideoReader.open(TestAssets.file("videos/persons_one_by_one_432p.mp4"),
        VideoReadOptions.defaults().withDecoderThreads(1))) {
      if (from > 0) {
        reader.seekToFrame(from);
      }
      for (long i = from; i < to; i++) {
        VideoFrame f = reader.next().orElseThrow();
        float x = 20 + (i * 7) % 600;
        Detections tracks = Detections.of(new float[] {x, 120, x + 90, 380}, new float[] {0.9f},
            new int[] {0}, new int[] {1});
        boolean end = i == last - 1;
        writer.write(new FrameDetections(CAMERA, i, f.timestampMs(), f.image(), tracks,
            end ? StreamEnd.COMPLETE : StreamEnd.NONE,
            end ? new FrameRules(List.of(), highlights) : FrameRules.NONE), null);
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    if (to == last) {
      ReplayPublicationTest.commit(writer); // as Flink does once the next checkpoint completes
    }
  }

  private static List<Highlight> ranked() {
    List<Highlight> list = new ArrayList<>();
    for (int rank = 0; rank < RANKING.length; rank++) {
      double[] s = SEGMENTS[RANKING[rank]];
      list.add(highlight(RANKING[rank], 0.9 - 0.1 * rank, s[0], s[1], Math.round((s[0] + s[1]) * 5)));
    }
    return list;
  }

  private static Highlight highlight(int track, double score, double start, double end, long peak) {
    return new Highlight(CAMERA + "-" + Math.round(start * 1000) + "-" + Math.round(end * 1000), CAMERA,
        start, end, score, List.of("people"), List.of(track), List.of("person"), peak);
  }

  /** A video decoded to the end, keeping only some frames (a whole 432p video is 1.4 GB). */
  private record Decoded(int count, Map<Integer, VideoFrame> kept) {
    VideoFrame get(int index) {
      return java.util.Objects.requireNonNull(kept.get(index), "frame " + index + " not kept");
    }
  }

  private static Decoded decode(Path video, Integer... keep) {
    java.util.Set<Integer> wanted = java.util.Set.of(keep);
    Map<Integer, VideoFrame> kept = new java.util.HashMap<>();
    int n = 0;
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      for (var f = reader.next(); f.isPresent(); f = reader.next(), n++) {
        if (wanted.contains(n)) {
          kept.put(n, f.get());
        }
      }
    }
    return new Decoded(n, kept);
  }

  /** Frame {@code index} of {@code video}, decoded exactly (seek to the keyframe before it). */
  private static BgrImage frame(Path video, long index) {
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      reader.seekToFrame(index);
      return reader.next().orElseThrow().image();
    }
  }

  private static List<Path> hidden(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }

  private static double meanAbsoluteError(BgrImage a, BgrImage b) {
    long sum = 0;
    for (int i = 0; i < a.pixels().length; i++) {
      sum += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
    }
    return (double) sum / a.pixels().length;
  }
}
