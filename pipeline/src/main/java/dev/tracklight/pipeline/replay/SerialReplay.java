package dev.tracklight.pipeline.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.files.StagedFile;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoInfo;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.connectors.video.VideoWriteOptions;
import dev.tracklight.connectors.video.VideoWriter;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ModelInfo;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.annotation.FrameAnnotator;
import dev.tracklight.operators.mot.MotResultWriter;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import dev.tracklight.pipeline.replay.StageTimes.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Replays one video through decode → detect → track → annotate → encode, one frame at a time, in
 * the calling thread. It is the reference loop that the Flink job is measured against and the
 * engine of {@code tracklight demo} on a single machine.
 *
 * <p><b>Outputs</b> ({@link ReplayOutputs}) are staged and committed together at the end, summary
 * last: a run that fails leaves no file under a final name. A truncated or corrupt input is
 * replayed up to its last decodable frame; its outputs are committed and {@code summary.json} says
 * {@code "complete": false} with the reason, and {@link Result#complete()} is false so the CLI
 * exits non-zero.
 *
 * <p>The detector is borrowed (the caller opens and closes it, and may replay many videos with it);
 * the tracker and annotator are per video. Time comes from the injected nanosecond clock.
 */
public final class SerialReplay {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SerialReplay.class);

  /** Receives progress after every frame; the CLI draws a progress bar from it. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total, elapsedNanos) -> {};

    void update(long framesDone, long framesTotal, long elapsedNanos);
  }

  /** What a replay produced. */
  public record Result(ReplayOutputs outputs, long frames, double wallSeconds, double fps,
      boolean complete, String problem) {}

  private final Detector detector;
  private final ByteTrackConfig trackConfig;
  private final AnnotationStyle style;
  private final LongSupplier nanoClock;
  private final ObjectMapper json = new ObjectMapper();

  public SerialReplay(Detector detector, ByteTrackConfig trackConfig, AnnotationStyle style,
      LongSupplier nanoClock) {
    this.detector = detector;
    this.trackConfig = trackConfig;
    this.style = style;
    this.nanoClock = nanoClock;
  }

  /** Replays {@code video} into {@code outputs}, reporting to {@code progress}. */
  public Result replay(Path video, ReplayOutputs outputs, Progress progress) {
    long start = nanoClock.getAsLong();
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      VideoInfo info = reader.info();
      createDirectories(outputs.dir());
      try (Run run = new Run(info, outputs)) {
        long frames = run.processAll(reader, progress, start);
        if (frames == 0) {
          throw new InvalidInputException(video + " has no decodable frame; expected a playable video");
        }
        boolean complete = !reader.truncated();
        String problem = complete ? null : video + " is truncated or corrupt after frame "
            + (frames - 1) + "; outputs cover the decodable part only";
        double wall = (nanoClock.getAsLong() - start) / 1e9;
        run.commit();
        writeSummary(outputs, video, info, frames, wall, run.times, run.classOfTrack, complete, problem);
        return new Result(outputs, frames, wall, frames / wall, complete, problem);
      }
    }
  }

  /**
   * The per-video state of one replay: tracker, annotator and the staged outputs. Closing it
   * without {@link #commit()} aborts every output, so no exit path can leave a file under a final
   * name that looks complete.
   */
  private final class Run implements AutoCloseable {
    final StageTimes times = new StageTimes(nanoClock);
    final Map<Integer, Integer> classOfTrack = new TreeMap<>();
    private final VideoInfo info;
    private final ByteTracker tracker;
    private final VideoWriter encoder;
    private final StagedFile tracksJson;
    private final StagedFile tracksMot;
    private final FrameAnnotator annotator;
    private boolean committed;

    Run(VideoInfo info, ReplayOutputs outputs) {
      this.info = info;
      this.tracker = new ByteTracker(trackConfig.withFrameRate(info.fps()));
      this.encoder = VideoWriter.create(outputs.annotatedVideo(), info.width(), info.height(),
          VideoWriteOptions.h264(info.frameRate()).withPadToEven());
      StagedFile json = null;
      StagedFile mot = null;
      try {
        json = StagedFile.create(outputs.tracksJsonl());
        mot = StagedFile.create(outputs.tracksMot());
        this.annotator = FrameAnnotator.create(style, detector.classNames());
      } catch (RuntimeException e) {
        encoder.abort();
        closeAll(json, mot);
        throw e;
      }
      this.tracksJson = json;
      this.tracksMot = mot;
    }

    long processAll(VideoReader reader, Progress progress, long start) {
      ClassNames names = detector.classNames();
      long frames = 0;
      times.reset();
      for (var next = reader.next(); next.isPresent(); next = reader.next()) {
        VideoFrame frame = next.get();
        times.charge(Stage.DECODE);
        Detections dets = detector.detect(frame.image());
        times.charge(Stage.DETECT);
        Detections tracks = tracker.update(dets);
        times.charge(Stage.TRACK);
        annotator.annotate(frame.image(), tracks);
        times.charge(Stage.ANNOTATE);
        encoder.write(frame.image());
        times.charge(Stage.ENCODE);
        tracksJson.writeLine(frameLine(frame, tracks, names));
        for (int i = 0; i < tracks.size(); i++) {
          tracksMot.writeLine(MotResultWriter.row(frame.index() + 1, tracks, i));
          classOfTrack.putIfAbsent(tracks.trackId(i), tracks.classId(i));
        }
        times.charge(Stage.WRITE);
        frames++;
        progress.update(frames, info.frameCount(), nanoClock.getAsLong() - start);
      }
      return frames;
    }

    void commit() {
      encoder.close();
      tracksJson.commit();
      tracksMot.commit();
      committed = true;
    }

    @Override
    public void close() {
      if (!committed) {
        encoder.abort();
      }
      closeAll(tracksJson, tracksMot, annotator);
    }
  }

  private static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r != null) {
        try {
          r.close();
        } catch (Exception e) {
          LOG.warn("cannot close {}: {}", r, e.toString());
        }
      }
    }
  }

  private String frameLine(VideoFrame frame, Detections tracks, ClassNames names) {
    ObjectNode line = json.createObjectNode();
    line.put("frame", frame.index());
    line.put("timestamp_ms", frame.timestampMs());
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

  private void writeSummary(ReplayOutputs outputs, Path video, VideoInfo info, long frames,
      double wall, StageTimes times, Map<Integer, Integer> classOfTrack, boolean complete,
      String problem) {
    ClassNames names = detector.classNames();
    ModelInfo model = detector.info();
    ObjectNode s = json.createObjectNode();
    s.put("input", video.toString());
    s.put("complete", complete);
    if (problem != null) {
      s.put("problem", problem);
    }
    s.put("frames", frames);
    s.put("fps", info.fps());
    s.put("width", info.width());
    s.put("height", info.height());
    s.put("duration_s", Math.round(frames / info.fps() * 1000) / 1000.0);
    s.put("wall_s", Math.round(wall * 1000) / 1000.0);
    s.put("throughput_fps", Math.round(frames / wall * 10) / 10.0);
    ObjectNode stages = s.putObject("stage_ms");
    times.millis().forEach(stages::put);
    ObjectNode perClass = s.putObject("tracks_per_class");
    Map<String, Integer> counts = new TreeMap<>();
    classOfTrack.values().forEach(c -> counts.merge(names.name(c), 1, Integer::sum));
    counts.forEach(perClass::put);
    s.put("tracks", new TreeSet<>(classOfTrack.keySet()).size());
    s.put("model", model.name());
    s.put("engine", model.engine().cliName());
    s.put("device", model.device().toString());
    s.put("executor", "serial");
    s.put("parallelism", 1);
    try (StagedFile summary = StagedFile.create(outputs.summary())) {
      summary.writeLine(json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
      summary.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double round1(float v) {
    return Math.round(v * 10) / 10.0;
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
