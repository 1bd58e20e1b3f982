package dev.tracklight.pipeline.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.sink.ReplayOutputFiles;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoInfo;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ModelInfo;
import dev.tracklight.connectors.media.HighlightMediaOptions;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.highlights.HighlightBuilder;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleEngine;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.stream.FrameRules;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import dev.tracklight.pipeline.replay.StageTimes.Stage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Replays one video through decode → detect → track → rules → annotate → encode, one frame at a
 * time, in the calling thread. It is the reference loop that the Flink job is measured against and
 * the engine of {@code tracklight demo --executor serial}. Like the Flink job it runs the highlight
 * rules (the defaults, one {@code activity} rule, unless given others), draws their state, and
 * writes the highlight media ({@code highlights.json}, {@code highlights.vtt}, {@code clips/},
 * {@code thumbs/}, {@code reel.mp4}).
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
  private final List<Rule> rules;
  private final HighlightMediaOptions media;

  /** A replay with the default rules ({@link RuleParser#defaults()}) and highlight media. */
  public SerialReplay(Detector detector, ByteTrackConfig trackConfig, AnnotationStyle style,
      LongSupplier nanoClock) {
    this(detector, trackConfig, style, nanoClock, RuleParser.defaults(), HighlightMediaOptions.defaults());
  }

  /**
   * @param rules the highlight rules (non-empty)
   * @param media what the highlight media include (reel length, thumbnail quality)
   */
  public SerialReplay(Detector detector, ByteTrackConfig trackConfig, AnnotationStyle style,
      LongSupplier nanoClock, List<Rule> rules, HighlightMediaOptions media) {
    this.detector = detector;
    this.trackConfig = trackConfig;
    this.style = style;
    this.rules = List.copyOf(rules);
    this.media = media;
    this.nanoClock = nanoClock;
  }

  /** Replays {@code video} into {@code outputs}, reporting to {@code progress}. */
  public Result replay(Path video, ReplayOutputs outputs, Progress progress) {
    long start = nanoClock.getAsLong();
    StageTimes times = new StageTimes(nanoClock);
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      VideoInfo info = reader.info();
      ByteTracker tracker = new ByteTracker(trackConfig.withFrameRate(info.fps()));
      String camera = outputs.dir().getFileName().toString(); // as the Flink replay names it
      RuleEngine engine = new RuleEngine(rules);
      HighlightBuilder highlights = new HighlightBuilder(camera, rules, detector.classNames());
      long lastMs = 0;
      try (ReplayOutputFiles files = ReplayOutputFiles.create(outputs, info.width(), info.height(),
          info.frameRate(), detector.classNames(), style, false, 0)) {
        times.reset();
        for (var next = reader.next(); next.isPresent(); next = reader.next()) {
          VideoFrame frame = next.get();
          times.charge(Stage.DECODE);
          Detections dets = detector.detect(frame.image());
          times.charge(Stage.DETECT);
          Detections tracks = tracker.update(dets);
          times.charge(Stage.TRACK);
          highlights.acceptAll(engine.onFrame(frame.index(), frame.timestampMs(), info.width(),
              info.height(), tracks));
          lastMs = frame.timestampMs();
          files.annotate(frame.image(), tracks,
              new FrameRules(List.of(), List.of(), engine.states(frame.timestampMs())));
          times.charge(Stage.ANNOTATE);
          files.encode(frame.image());
          times.charge(Stage.ENCODE);
          files.writeTracks(frame.index(), frame.timestampMs(), tracks);
          times.charge(Stage.WRITE);
          progress.update(files.frames(), info.frameCount(), nanoClock.getAsLong() - start);
        }
        long frames = files.frames();
        if (frames == 0) {
          throw new InvalidInputException(video + " has no decodable frame; expected a playable video");
        }
        boolean complete = !reader.truncated();
        String problem = complete ? null : video + " is truncated or corrupt after frame "
            + (frames - 1) + "; outputs cover the decodable part only";
        double wall = (nanoClock.getAsLong() - start) / 1e9;
        highlights.acceptAll(engine.finish(lastMs));
        files.commit(summary(files.newSummary(), video, info, frames, wall, times, complete, problem),
            highlights.build(lastMs), media, nanoClock);
        return new Result(outputs, frames, wall, frames / wall, complete, problem);
      }
    }
  }

  private ObjectNode summary(ObjectNode s, Path video, VideoInfo info, long frames, double wall,
      StageTimes times, boolean complete, String problem) {
    ModelInfo model = detector.info();
    s.put("input", video.toString());
    s.put("complete", complete);
    if (problem != null) {
      s.put("problem", problem);
    }
    s.put("fps", info.fps());
    s.put("width", info.width());
    s.put("height", info.height());
    s.put("duration_s", Math.round(frames / info.fps() * 1000) / 1000.0);
    s.put("wall_s", Math.round(wall * 1000) / 1000.0);
    s.put("throughput_fps", Math.round(frames / wall * 10) / 10.0);
    ObjectNode stages = s.putObject("stage_ms");
    times.millis().forEach(stages::put);
    s.put("model", model.name());
    s.put("engine", model.engine().cliName());
    s.put("device", model.device().toString());
    s.put("executor", "serial");
    s.put("parallelism", 1);
    return s;
  }
}
