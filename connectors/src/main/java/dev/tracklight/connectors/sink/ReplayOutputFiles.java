package dev.tracklight.connectors.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.files.StagedFile;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.connectors.video.VideoWriteOptions;
import dev.tracklight.connectors.video.VideoWriter;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.annotation.FrameAnnotator;
import dev.tracklight.operators.mot.MotResultWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outputs of one replayed video ({@link ReplayOutputs}), written frame by frame and published
 * together: {@code annotated.mp4} (annotated in place, H.264), {@code tracks.jsonl} (one line per
 * frame), {@code tracks.mot.txt} (MOTChallenge rows) and, last, {@code summary.json}.
 *
 * <p>Everything is staged under hidden names; {@link #commit} publishes, and {@link #close()}
 * without a commit discards, so no exit path leaves a file under a final name that looks complete.
 * The annotator draws into the frame's own pixel array (the frame is not used after this stage).
 * Not thread-safe: one instance per video, used by one thread.
 */
public final class ReplayOutputFiles implements AutoCloseable {

  private final ReplayOutputs outputs;
  private final ClassNames names;
  private final VideoWriter encoder;
  private final StagedFile tracksJson;
  private final StagedFile tracksMot;
  private final FrameAnnotator annotator;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<Integer, Integer> classOfTrack = new TreeMap<>();
  private long frames;
  private boolean committed;

  /**
   * Starts the outputs of a {@code width x height} video at {@code frameRate}; odd sizes are padded
   * to even (H.264 4:2:0 needs it).
   */
  public ReplayOutputFiles(ReplayOutputs outputs, int width, int height, FrameRate frameRate,
      ClassNames names, AnnotationStyle style) {
    this.outputs = outputs;
    this.names = names;
    try {
      Files.createDirectories(outputs.dir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output directory " + outputs.dir() + ": " + e.getMessage(), e);
    }
    this.encoder = VideoWriter.create(outputs.annotatedVideo(), width, height,
        VideoWriteOptions.h264(frameRate).withPadToEven());
    StagedFile jsonFile = null;
    StagedFile motFile = null;
    try {
      jsonFile = StagedFile.create(outputs.tracksJsonl());
      motFile = StagedFile.create(outputs.tracksMot());
      this.annotator = FrameAnnotator.create(style, names);
    } catch (RuntimeException e) {
      encoder.abort();
      closeQuietly(jsonFile);
      closeQuietly(motFile);
      throw e;
    }
    this.tracksJson = jsonFile;
    this.tracksMot = motFile;
  }

  public ReplayOutputs outputs() {
    return outputs;
  }

  /** Frames written so far. */
  public long frames() {
    return frames;
  }

  /** Annotates {@code image} in place with {@code tracks}, then writes it and its track rows. */
  public void write(long frameIndex, long timestampMs, BgrImage image, Detections tracks) {
    annotate(image, tracks);
    encode(image);
    writeTracks(frameIndex, timestampMs, tracks);
  }

  /** Draws {@code tracks} into {@code image} (stage of {@link #write}, for callers timing stages). */
  public void annotate(BgrImage image, Detections tracks) {
    annotator.annotate(image, tracks);
  }

  /** Appends {@code image} to the annotated video (stage of {@link #write}). */
  public void encode(BgrImage image) {
    encoder.write(image);
  }

  /** Appends the frame's track rows (stage of {@link #write}); counts the frame. */
  public void writeTracks(long frameIndex, long timestampMs, Detections tracks) {
    tracksJson.writeLine(frameLine(frameIndex, timestampMs, tracks));
    for (int i = 0; i < tracks.size(); i++) {
      tracksMot.writeLine(MotResultWriter.row(frameIndex + 1, tracks, i));
      classOfTrack.putIfAbsent(tracks.trackId(i), tracks.classId(i));
    }
    frames++;
  }

  /**
   * Publishes the video and track files, then {@code summary.json}: {@code summary} (the caller's
   * fields) plus {@code frames}, {@code tracks} and {@code tracks_per_class}.
   */
  public void commit(ObjectNode summary) {
    if (frames == 0) {
      throw new IllegalStateException("no frame was written for " + outputs.dir());
    }
    encoder.close();
    tracksJson.commit();
    tracksMot.commit();
    summary.put("frames", frames);
    summary.put("tracks", classOfTrack.size());
    ObjectNode perClass = summary.putObject("tracks_per_class");
    Map<String, Integer> counts = new TreeMap<>();
    classOfTrack.values().forEach(c -> counts.merge(names.name(c), 1, Integer::sum));
    counts.forEach(perClass::put);
    try (StagedFile file = StagedFile.create(outputs.summary())) {
      file.writeLine(json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
      file.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    committed = true;
  }

  /** A fresh JSON object for {@link #commit}'s summary. */
  public ObjectNode newSummary() {
    return json.createObjectNode();
  }

  /** Discards everything unless committed. */
  @Override
  public void close() {
    if (!committed) {
      encoder.abort();
    }
    closeQuietly(tracksJson);
    closeQuietly(tracksMot);
    closeQuietly(annotator);
  }

  private String frameLine(long frameIndex, long timestampMs, Detections tracks) {
    ObjectNode line = json.createObjectNode();
    line.put("frame", frameIndex);
    line.put("timestamp_ms", timestampMs);
    ArrayNode list = line.putArray("tracks");
    for (int i = 0; i < tracks.size(); i++) {
      ObjectNode t = list.addObject();
      t.put("id", tracks.trackId(i));
      t.put("class", names.name(tracks.classId(i)));
      t.put("class_id", tracks.classId(i));
      t.put("score", Math.round(tracks.score(i) * 1000) / 1000.0);
      t.putArray("box").add(round1(tracks.x1(i))).add(round1(tracks.y1(i)))
          .add(round1(tracks.x2(i))).add(round1(tracks.y2(i)));
    }
    return line.toString();
  }

  private static double round1(float v) {
    return Math.round(v * 10) / 10.0;
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
