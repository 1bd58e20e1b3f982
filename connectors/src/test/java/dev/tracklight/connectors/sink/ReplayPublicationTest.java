package dev.tracklight.connectors.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.FrameRules;
import dev.tracklight.operators.stream.StreamEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Committer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished video is published only by the committer (after the checkpoint that follows its last
 * frame), so a restore to an earlier checkpoint still finds the staging it recorded. Before, the
 * last frame published at once and renamed the staging away: a TaskManager lost between a video's
 * end and the next completed checkpoint left a job that could never restore ("has 0 bytes but the
 * checkpoint recorded ...", TaskManagerLossIT).
 */
class ReplayPublicationTest {

  private static final String CAMERA = "cam";
  private static final int FRAMES = 60;

  @TempDir Path tmp;

  @Test
  void aRestoreBeforeTheEndOfAPreparedVideoResumesItsStagingAndPublishesEveryFrameOnce() throws Exception {
    Path out = tmp.resolve(CAMERA);
    ReplayOutputSink sink = sink(out);
    ReplayOutputSink.ReplayWriter first = sink.createWriter(null);
    feed(first, 0, 30);
    List<ReplayProgressState> checkpoint = first.snapshotState(1);
    feed(first, 30, FRAMES); // the last frame: prepared, not published
    assertEquals(1, first.prepareCommit().size(), "one video to publish after the next checkpoint");
    assertEquals(List.of(), visible(out), "nothing published before the checkpoint completes");
    first.close(); // the TaskManager is lost before checkpoint 2 completes

    ReplayOutputSink.ReplayWriter restored = sink.restoreWriter(null, checkpoint);
    feed(restored, checkpoint.get(0).frames(), FRAMES);
    commit(restored);

    ReplayOutputs o = new ReplayOutputs(out);
    assertEquals(FRAMES, new ObjectMapper().readTree(o.summary().toFile()).get("frames").asInt());
    List<String> lines = Files.readAllLines(o.tracksJsonl());
    assertEquals(FRAMES, lines.size());
    for (int i = 0; i < FRAMES; i++) {
      assertTrue(lines.get(i).contains("\"frame\":" + i + ","), "frame " + i + " once, in order: " + lines.get(i));
    }
    try (VideoReader reader = VideoReader.open(o.annotatedVideo(), VideoReadOptions.defaults())) {
      int decoded = 0;
      while (reader.next().isPresent()) {
        decoded++;
      }
      assertEquals(FRAMES, decoded, "every frame once in the annotated video");
    }
    assertEquals(List.of(), hidden(out), "no staging, segment or progress file left");
  }

  @Test
  void aPublicationCutShortIsCompletedAndASecondOneChangesNothing() throws Exception {
    Path out = tmp.resolve(CAMERA);
    ReplayOutputSink.ReplayWriter writer = sink(out).createWriter(null);
    feed(writer, 0, 20);
    writer.snapshotState(1); // two segments: the joined video is a real concatenation
    feed(writer, 20, FRAMES);
    List<ReplayPublication> ready = new ArrayList<>(writer.prepareCommit());
    assertEquals(1, ready.size());
    ReplayPublication publication = roundTrip(ready.get(0));
    assertEquals(ready.get(0), publication, "the committable survives Flink's state");

    // The first attempt died after moving the video into place.
    ReplayOutputs o = new ReplayOutputs(out);
    Files.move(out.resolve(ReplayPublication.JOINED), o.annotatedVideo());
    assertEquals(ReplayPublication.Outcome.PUBLISHED, publication.publish());
    assertTrue(Files.exists(o.summary()) && Files.exists(o.tracksJsonl()) && Files.exists(o.tracksMot())
        && Files.exists(o.highlightsJson()), visible(out).toString());
    byte[] video = Files.readAllBytes(o.annotatedVideo());
    byte[] tracks = Files.readAllBytes(o.tracksJsonl());
    List<Path> published = visible(out);

    assertEquals(ReplayPublication.Outcome.ALREADY_PUBLISHED, publication.publish());
    assertEquals(published, visible(out));
    assertArrayEquals(video, Files.readAllBytes(o.annotatedVideo()));
    assertArrayEquals(tracks, Files.readAllBytes(o.tracksJsonl()));
    assertEquals(List.of(), hidden(out));
  }

  @Test
  void aRunWithoutCheckpointsPublishesItsSingleSegment() throws Exception {
    Path out = tmp.resolve(CAMERA);
    ReplayOutputSink.ReplayWriter writer = sink(out).createWriter(null);
    feed(writer, 0, FRAMES);
    commit(writer);
    ReplayOutputs o = new ReplayOutputs(out);
    assertEquals(1, new ObjectMapper().readTree(o.summary().toFile()).get("video_segments").asInt());
    assertTrue(Files.size(o.annotatedVideo()) > 0);
    assertFalse(Files.exists(ReplayPublication.segmentPath(out, 0)), "the segment's second name is gone");
    assertEquals(List.of(), hidden(out));
  }

  /** Publishes what {@code writer} finished, through the committer, as Flink does after a checkpoint. */
  static void commit(ReplayOutputSink.ReplayWriter writer) {
    List<Committer.CommitRequest<ReplayPublication>> requests = new ArrayList<>();
    for (ReplayPublication p : writer.prepareCommit()) {
      requests.add(new Request(p));
    }
    new ReplayOutputCommitter().commit(requests);
  }

  private static ReplayPublication roundTrip(ReplayPublication p) throws Exception {
    ReplayOutputCommitter.Serializer s = new ReplayOutputCommitter.Serializer();
    return s.deserialize(s.getVersion(), s.serialize(p));
  }

  private static ReplayOutputSink sink(Path out) {
    return new ReplayOutputSink(Map.of(CAMERA, new ReplayOutputSink.Video("cam.mp4", out.toString(), 64, 48,
        FrameRate.of(10))), ClassNames.COCO.names(), AnnotationStyle.defaults(), Map.of());
  }

  /** Frames {@code from .. to-1} (grey, one moving person box); {@link #FRAMES}-1 ends the video. */
  private static void feed(ReplayOutputSink.ReplayWriter writer, long from, long to) throws Exception {
    for (long i = from; i < to; i++) {
      BgrImage image = BgrImage.allocate(64, 48);
      java.util.Arrays.fill(image.pixels(), (byte) (40 + i));
      float x = 2 + i % 30;
      Detections tracks = Detections.of(new float[] {x, 10, x + 20, 40}, new float[] {0.9f},
          new int[] {0}, new int[] {1});
      boolean end = i == FRAMES - 1;
      writer.write(new FrameDetections(CAMERA, i, i * 100, image, tracks,
          end ? StreamEnd.COMPLETE : StreamEnd.NONE, end ? new FrameRules(List.of(), List.of()) : FrameRules.NONE),
          null);
    }
  }

  private static List<Path> visible(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
  }

  private static List<Path> hidden(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    }
  }

  /** A commit request as Flink's committer operator hands one over. */
  private record Request(ReplayPublication getCommittable) implements Committer.CommitRequest<ReplayPublication> {

    @Override
    public int getNumberOfRetries() {
      return 0;
    }

    @Override
    public void signalFailedWithKnownReason(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void signalFailedWithUnknownReason(Throwable t) {
      throw new AssertionError(t);
    }

    @Override
    public void retryLater() {}

    @Override
    public void updateAndRetryLater(ReplayPublication committable) {}

    @Override
    public void signalAlreadyCommitted() {}
  }
}
