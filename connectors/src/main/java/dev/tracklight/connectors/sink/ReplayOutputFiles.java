package dev.tracklight.connectors.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.files.StagedFile;
import dev.tracklight.connectors.media.HighlightMedia;
import dev.tracklight.connectors.media.HighlightMediaOptions;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.connectors.video.VideoConcat;
import dev.tracklight.connectors.video.VideoWriteOptions;
import dev.tracklight.connectors.video.VideoWriter;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.annotation.FrameAnnotator;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.mot.MotResultWriter;
import dev.tracklight.operators.stream.FrameRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;

/**
 * The outputs of one replayed video ({@link ReplayOutputs}), written frame by frame and published
 * together: {@code annotated.mp4} (annotated in place, H.264 with a keyframe every
 * {@value #KEYFRAME_INTERVAL_SECONDS} s), {@code tracks.jsonl} (one line per frame),
 * {@code tracks.mot.txt} (MOTChallenge rows), the highlight media ({@link HighlightMedia}: clips cut
 * from the annotated video, thumbnails, reel, {@code highlights.json}, {@code highlights.vtt}) and,
 * last, {@code summary.json}.
 *
 * <p><b>Publication.</b> Everything is staged under hidden names, the highlight media in a hidden
 * folder cut from the staged video ({@link HighlightStaging}); {@link #prepare} completes them
 * there and {@link ReplayPublication#publish()} (a checkpointed job's committer, or {@link #commit}
 * at once) publishes, so no exit path leaves a file under a final name that looks complete. Publication starts by deleting
 * the previous run's {@code summary.json} and ends by writing this run's, and replaces or removes
 * every other output of the previous run, so a {@code summary.json} always describes the files
 * next to it.
 *
 * <p><b>Checkpoints.</b> The annotated video is written as segments: {@link #checkpoint()} closes
 * the current one (an MP4 encoder cannot be resumed mid-file) and records, with the staged text
 * lengths, a {@link ReplayProgressState}. {@link #resume} cuts the staged files back to such a state
 * after a failure and continues; {@link #commit} joins the segments without re-encoding
 * ({@link VideoConcat}). A run without checkpoints writes a single segment, which is hard-linked.
 *
 * <p><b>Cleanup.</b> {@link #close()} without a commit deletes the staging, unless the outputs are
 * {@code resumable} (a checkpointed job being cancelled keeps it for its restore; leftovers are
 * hidden files that never look like results, and a new run starts by clearing them).
 *
 * <p>The annotator draws into the frame's own pixel array. Not thread-safe: one instance per video.
 */
public final class ReplayOutputFiles implements AutoCloseable {

  /**
   * Keyframe interval of the annotated video. Highlight clips are cut from it by stream copy and
   * so start at a keyframe: 1 s bounds how early a clip starts, for a few percent more bytes and
   * encode time than the writer's 2 s default (measured: docs/highlights.md, "Media of a replay").
   */
  static final double KEYFRAME_INTERVAL_SECONDS = 1.0;

  /**
   * Whether the annotated video runs H.264's deblocking filter: off. The encoder is the largest
   * per-frame cost of a replay after detection, and OpenH264 spends 9-12 % less CPU per frame
   * without the filter, for 0.1-0.3 dB less PSNR at the same size (measured side by side:
   * docs/platform-notes.md, "CPU per frame").
   */
  static final boolean DEBLOCKING = false;

  /** Hidden name of the joined video while the highlight media are cut from it. */
  private static final String JOINED = ReplayPublication.JOINED;

  private final ReplayOutputs outputs;
  private final int width;
  private final int height;
  private final FrameRate frameRate;
  private final ClassNames names;
  private final boolean resumable;
  private final StagedFile tracksJson;
  private final StagedFile tracksMot;
  private final FrameAnnotator annotator;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<Integer, Integer> classOfTrack;
  private final long startedEpochMs;
  private VideoWriter segment;
  private int segments;
  private long frames;
  /** Stream index of the last frame written (this attempt), to map peak frames to positions. */
  private long lastFrameIndex = -1;
  /** Prepared ({@link #prepare}): the staging is complete and belongs to the publication. */
  private boolean prepared;

  private ReplayOutputFiles(ReplayOutputs outputs, int width, int height, FrameRate frameRate,
      ClassNames names, AnnotationStyle style, boolean resumable, ReplayProgressState from) {
    this.outputs = outputs;
    this.width = width;
    this.height = height;
    this.frameRate = frameRate;
    this.names = names;
    this.resumable = resumable;
    this.frames = from.frames();
    this.segments = from.segments();
    this.classOfTrack = new TreeMap<>(from.classOfTrack());
    this.startedEpochMs = from.startedEpochMs();
    try {
      Files.createDirectories(outputs.dir());
      deleteSegmentsFrom(from.segments());
      // What a failed commit of an earlier attempt left: rebuilt from the segments at commit.
      Files.deleteIfExists(outputs.dir().resolve(JOINED));
      Files.deleteIfExists(outputs.dir().resolve(ReplayPublication.PREPARED_SUMMARY));
      new HighlightStaging(outputs).clear();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare output directory " + outputs.dir() + ": " + e.getMessage(), e);
    }
    StagedFile jsonFile = null;
    StagedFile motFile = null;
    try {
      jsonFile = StagedFile.resume(outputs.tracksJsonl(), from.tracksJsonBytes());
      motFile = StagedFile.resume(outputs.tracksMot(), from.tracksMotBytes());
      this.annotator = FrameAnnotator.create(style, names);
    } catch (RuntimeException e) {
      // A resumable staging holds the checkpoint's lines: a restore that fails half-way must leave
      // it for the next attempt. Deleting it (what close() does) turned one failed attempt into a
      // job that could never restore again ("has 0 bytes but the checkpoint recorded ...").
      for (StagedFile staged : new StagedFile[] {jsonFile, motFile}) {
        if (staged != null && resumable) {
          staged.release();
        } else {
          closeQuietly(staged);
        }
      }
      throw e;
    }
    this.tracksJson = jsonFile;
    this.tracksMot = motFile;
    if (from.frames() > 0) {
      replayTrails(style.trailLength());
    }
  }

  /**
   * Feeds the last {@code frames} frames of the staged {@code tracks.jsonl} (cut back to the
   * checkpoint) to the annotator's trails, so the frames after a restore are drawn as an
   * uninterrupted run draws them (trails are the annotator's only memory).
   */
  private void replayTrails(int frames) {
    if (frames == 0) {
      return;
    }
    tracksJson.flush();
    java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>(frames);
    Path staged = StagedFile.resumableName(outputs.tracksJsonl());
    try (BufferedReader lines = Files.newBufferedReader(staged, StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (last.size() == frames) {
          last.removeFirst();
        }
        last.addLast(line);
      }
      for (String line : last) {
        annotator.replayTrails(TrackJson.parseTracks(json.readTree(line)));
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(annotator);
      closeQuietly(tracksJson);
      closeQuietly(tracksMot);
      throw new IllegalStateException("cannot read the trails' last frames from " + staged + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Fresh outputs of a {@code width x height} video at {@code frameRate} (odd sizes are padded to
   * even: H.264 4:2:0 needs it), clearing any staging a previous run left.
   *
   * @param resumable keep the staging on {@link #close()} for a checkpoint restore
   * @param startedEpochMs wall time of the first frame, for the summary
   */
  public static ReplayOutputFiles create(ReplayOutputs outputs, int width, int height, FrameRate frameRate,
      ClassNames names, AnnotationStyle style, boolean resumable, long startedEpochMs) {
    return new ReplayOutputFiles(outputs, width, height, frameRate, names, style, resumable,
        new ReplayProgressState("", 0, 0, 0, 0, Map.of(), startedEpochMs));
  }

  /** Outputs continuing from a checkpoint's {@code state}. */
  public static ReplayOutputFiles resume(ReplayOutputs outputs, int width, int height, FrameRate frameRate,
      ClassNames names, AnnotationStyle style, ReplayProgressState state) {
    return new ReplayOutputFiles(outputs, width, height, frameRate, names, style, true, state);
  }

  public ReplayOutputs outputs() {
    return outputs;
  }

  /** Frames written so far. */
  public long frames() {
    return frames;
  }

  /** Wall time of the first frame, epoch milliseconds. */
  public long startedEpochMs() {
    return startedEpochMs;
  }

  /**
   * Annotates {@code image} in place with {@code tracks}, then writes it and its track rows. Boxes
   * are clipped to the frame in every output ({@link Detections#clippedTo}).
   */
  public void write(long frameIndex, long timestampMs, BgrImage image, Detections tracks) {
    write(frameIndex, timestampMs, image, tracks, FrameRules.NONE);
  }

  /** As {@link #write(long, long, BgrImage, Detections)}, drawing the rules' state as well. */
  public void write(long frameIndex, long timestampMs, BgrImage image, Detections tracks,
      FrameRules rules) {
    Detections clipped = clip(tracks);
    annotate(image, clipped, rules);
    encode(image);
    writeTracks(frameIndex, timestampMs, clipped);
  }

  /** Draws {@code tracks} into {@code image} (stage of {@link #write}, for callers timing stages). */
  public void annotate(BgrImage image, Detections tracks) {
    annotate(image, tracks, FrameRules.NONE);
  }

  /** Draws {@code tracks} and the rules' geometry and state into {@code image} (stage of {@link #write}). */
  public void annotate(BgrImage image, Detections tracks, FrameRules rules) {
    annotator.annotate(image, clip(tracks), rules.states());
  }

  private Detections clip(Detections tracks) {
    return tracks.clippedTo(width, height);
  }

  /** Appends {@code image} to the annotated video (stage of {@link #write}). */
  public void encode(BgrImage image) {
    if (segment == null) {
      segment = VideoWriter.create(segmentPath(segments), width, height,
          VideoWriteOptions.h264(frameRate).withPadToEven().withKeyframeInterval(KEYFRAME_INTERVAL_SECONDS)
              .withDeblocking(DEBLOCKING));
    }
    segment.write(image);
  }

  /** Appends the frame's track rows (stage of {@link #write}); counts the frame. */
  public void writeTracks(long frameIndex, long timestampMs, Detections unclipped) {
    Detections tracks = clip(unclipped);
    tracksJson.writeLine(TrackJson.line(null, frameIndex, timestampMs, tracks, names));
    for (int i = 0; i < tracks.size(); i++) {
      tracksMot.writeLine(MotResultWriter.row(frameIndex + 1, tracks, i));
      classOfTrack.put(tracks.trackId(i), tracks.classId(i)); // the track's class, as last decided
    }
    frames++;
    lastFrameIndex = frameIndex;
  }

  /** Closes the current video segment and returns what a restore needs. */
  public ReplayProgressState checkpoint(String cameraId) {
    finishSegment();
    return new ReplayProgressState(cameraId, frames, tracksJson.flush(), tracksMot.flush(), segments,
        classOfTrack, startedEpochMs);
  }

  /**
   * Publishes the video and track files, then {@code summary.json}: {@code summary} (the caller's
   * fields) plus {@code frames}, {@code tracks} and {@code tracks_per_class}. Writes no highlight
   * media (and removes a previous run's). For a caller without checkpoints: {@link #prepare} and
   * {@link ReplayPublication#publish()} at once.
   */
  public void commit(ObjectNode summary) {
    prepare(summary, null).publish();
  }

  /**
   * As {@link #commit(ObjectNode)}, with the media of {@code ranked} (the video's highlights, best
   * first) cut from the finished annotated video; the summary gains {@code highlights},
   * {@code highlight_media_ms}, {@code reel_clips} and {@code reel_s}. If the media fail, nothing
   * is published and the staged video and tracks stay as they were (a restore can redo the commit).
   *
   * @param nanoClock measures {@code highlight_media_ms}
   */
  public void commit(ObjectNode summary, List<Highlight> ranked, HighlightMediaOptions options,
      LongSupplier nanoClock) {
    prepare(summary, ranked, options, nanoClock).publish();
  }

  /**
   * Completes every output under its hidden staging name (the joined video, the highlight media,
   * the summary) without publishing anything, and without touching what a restore from an earlier
   * checkpoint needs (the segments, the staged tracks): a checkpointed job publishes only once the
   * checkpoint after the video's end is complete ({@link ReplayPublication}). Closes the writers; the
   * instance takes no more frames. Arguments as for {@link #commit(ObjectNode, List,
   * HighlightMediaOptions, LongSupplier)}.
   */
  public ReplayPublication prepare(ObjectNode summary, List<Highlight> ranked, HighlightMediaOptions options,
      LongSupplier nanoClock) {
    return prepare(summary, new HighlightRequest(ranked, options, nanoClock));
  }

  private record HighlightRequest(List<Highlight> ranked, HighlightMediaOptions options,
      LongSupplier nanoClock) {}

  private ReplayPublication prepare(ObjectNode summary, HighlightRequest highlights) {
    if (frames == 0) {
      throw new IllegalStateException("no frame was written for " + outputs.dir());
    }
    if (prepared) {
      throw new IllegalStateException(outputs.dir() + " was already prepared");
    }
    finishSegment();
    List<Path> parts = new ArrayList<>();
    for (int i = 0; i < segments; i++) {
      parts.add(segmentPath(i));
    }
    Path joined = outputs.dir().resolve(JOINED);
    HighlightStaging staging = new HighlightStaging(outputs);
    try {
      if (parts.size() > 1) {
        VideoConcat.concat(parts, joined);
      } else {
        linkOrCopy(parts.get(0), joined); // the segment itself stays for a restore
      }
      staging.clear();
      if (highlights != null) {
        long t0 = highlights.nanoClock().getAsLong();
        LongUnaryOperator positions = framePositions();
        HighlightMedia.Result media = staging.stage(joined, highlights.ranked(), positions, videoTimes(),
            highlights.options(), highlights.nanoClock());
        summary.put("highlights", media.highlights());
        summary.put("highlight_media_ms", (highlights.nanoClock().getAsLong() - t0) / 1_000_000);
        summary.put("reel_clips", media.reelIds().size());
        summary.put("reel_s", media.reelMs() / 1000.0);
      }
      summary.put("frames", frames);
      summary.put("tracks", classOfTrack.size());
      summary.put("video_segments", parts.size());
      ObjectNode perClass = summary.putObject("tracks_per_class");
      Map<String, Integer> counts = new TreeMap<>();
      classOfTrack.values().forEach(c -> counts.merge(names.name(c), 1, Integer::sum));
      counts.forEach(perClass::put);
      try (StagedFile file = StagedFile.create(outputs.dir().resolve(ReplayPublication.PREPARED_SUMMARY))) {
        file.writeLine(json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        file.commit();
      }
    } catch (IOException | RuntimeException e) {
      // The segments and the staged tracks stay: a restored attempt prepares again from them.
      ReplayPublication.deleteQuietly(joined);
      try {
        staging.clear();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e instanceof IOException io
          ? new UncheckedIOException("cannot prepare the outputs of " + outputs.dir() + ": " + io.getMessage(), io)
          : (RuntimeException) e;
    }
    tracksJson.release(); // flushed and closed under the staging name, which publication renames
    tracksMot.release();
    prepared = true;
    return new ReplayPublication(outputs.dir().toString(), parts.size(), staging.stagedEntries());
  }

  /** A second name for {@code part} (no copy where the file system has hard links). */
  private static void linkOrCopy(Path part, Path joined) throws IOException {
    Files.deleteIfExists(joined);
    try {
      Files.createLink(joined, part);
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(part, joined);
    }
  }

  /**
   * Maps a stream frame index to its position in the annotated video: the identity when every
   * frame from 0 was written (no sampling), else looked up in the staged {@code tracks.jsonl},
   * which has one line per written frame, in order.
   */
  private LongUnaryOperator framePositions() {
    if (lastFrameIndex == frames - 1) {
      return LongUnaryOperator.identity();
    }
    long[] indices = staged("frame", frames);
    return frame -> {
      int p = Arrays.binarySearch(indices, frame);
      return p >= 0 ? p : Math.max(0, -p - 2); // the written frame at or before it
    };
  }

  /**
   * Maps a highlight's stream time (ms) to the annotated video's time. A file's timestamps start at
   * 0 and run with the video: the identity. A Kinesis Video archive's are producer times (epoch
   * ms) with gaps the video does not have: the time of the first written frame at or after it.
   */
  private LongUnaryOperator videoTimes() {
    if (frames == 0 || staged("timestamp_ms", 1)[0] == 0) {
      return LongUnaryOperator.identity(); // a file: no need to read the whole track file
    }
    long[] times = staged("timestamp_ms", frames);
    return ms -> {
      int p = Arrays.binarySearch(times, ms);
      return Math.round((p >= 0 ? p : -p - 1) * 1000 / frameRate.fps());
    };
  }

  /** One field of the first {@code count} lines of the staged tracks file (a line per written frame). */
  private long[] staged(String field, long count) {
    tracksJson.flush();
    long[] values = new long[Math.toIntExact(count)];
    Path staged = StagedFile.resumableName(outputs.tracksJsonl());
    try (BufferedReader lines = Files.newBufferedReader(staged, StandardCharsets.UTF_8)) {
      for (int n = 0; n < values.length; n++) {
        values[n] = json.readTree(lines.readLine()).path(field).asLong();
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + field + " from " + staged + ": " + e.getMessage(), e);
    }
    return values;
  }

  /** A fresh JSON object for {@link #commit}'s summary. */
  public ObjectNode newSummary() {
    return json.createObjectNode();
  }

  /** Discards the unpublished outputs (keeping a resumable staging for its restore). */
  @Override
  public void close() {
    if (segment != null) {
      segment.abort(); // a half-written segment is never resumable
      segment = null;
    }
    if (prepared) {
      closeQuietly(annotator); // the staging belongs to the publication now
      return;
    }
    if (resumable) {
      tracksJson.release();
      tracksMot.release();
    } else {
      closeQuietly(tracksJson);
      closeQuietly(tracksMot);
      try {
        deleteSegmentsFrom(0);
      } catch (IOException ignored) {
        // Hidden leftovers never look like results; the next run clears them.
      }
    }
    closeQuietly(annotator);
  }

  private void finishSegment() {
    if (segment != null) {
      segment.close();
      segment = null;
      segments++;
    }
  }

  private Path segmentPath(int index) {
    return ReplayPublication.segmentPath(outputs.dir(), index);
  }

  /** Deletes segment files numbered {@code first} and above (written after the checkpoint). */
  private void deleteSegmentsFrom(int first) throws IOException {
    try (Stream<Path> files = Files.list(outputs.dir())) {
      for (Path p : files.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith(".annotated.mp4.seg-") && n.endsWith(".mp4")) {
          int index = Integer.parseInt(n.substring(".annotated.mp4.seg-".length(), n.length() - 4));
          if (index >= first) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Discarding outputs; nothing that is kept depends on this close.
      }
    }
  }
}
