package dev.tracklight.pipeline.job;

import dev.tracklight.connectors.clips.ClipLayout;
import dev.tracklight.connectors.clips.HighlightSeverity;
import dev.tracklight.connectors.clips.LiveClipConfig;
import dev.tracklight.connectors.clips.LiveClipFunction;
import dev.tracklight.connectors.live.CameraUrl;
import dev.tracklight.connectors.sink.JsonLinesFileSink;
import dev.tracklight.connectors.sink.TrackLineFunction;
import dev.tracklight.connectors.source.LiveCameraSource;
import dev.tracklight.connectors.source.LiveCameraSplit;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.operators.flink.DetectAsyncFunction;
import dev.tracklight.operators.flink.DrainingAsyncWaitOperatorFactory;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.flink.RuleFunction;
import dev.tracklight.operators.flink.TrackingFunction;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.stream.CameraFrame;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.pipeline.config.JobConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The live job graph: RTSP and Kinesis Video cameras → batched async inference → per-camera ByteTrack in keyed state →
 * per-camera highlight rules in keyed state → JSON track lines and alerts → sinks. Like the replay ({@link ReplayJob}, whose design notes apply), camera →
 * inference → tracking → line encoding is one chain per subtask and pixels never leave it; only the
 * track lines are shuffled to the (parallelism 1) sinks.
 *
 * <p>Live-specific choices: each camera's reader skips frames when inference falls behind (bounded
 * newest-frames slot) instead of queueing; event time is capture time with a small out-of-orderness
 * bound and idleness, so a disconnected camera does not hold back the event-time clock of the others.
 * A Kinesis Video camera goes through the same graph; its event time is the producer's timestamp
 * (fragment producer time + frame offset) and it waits rather than skips (KVS keeps the media).
 */
public final class LiveJob {

  /** Frames in flight per subtask: a little over one batch, so latency stays near one batch time. */
  public static final int ASYNC_CAPACITY = 8;
  /** Capture timestamps of one camera are monotonic; a small bound absorbs clock jitter across cameras. */
  static final Duration OUT_OF_ORDERNESS = Duration.ofMillis(200);
  /** A camera silent this long stops holding back watermarks (it is reconnecting). */
  static final Duration IDLENESS = Duration.ofSeconds(5);
  /**
   * Flush interval of the network buffers between tasks (Flink's default is 100 ms): alerts and
   * track lines leave the per-camera chains for the parallelism-1 sinks, and at a few records per
   * second a buffer would otherwise wait the whole interval to fill. 10 ms costs a few more small
   * network buffers per second, nothing next to inference.
   */
  static final long BUFFER_TIMEOUT_MS = 10;
  /** Past this, a frame's tracks are too late to be useful live; the job fails over instead. */
  static final Duration ASYNC_TIMEOUT = Duration.ofSeconds(30);

  private LiveJob() {}

  /** Emits the alert of each closed highlight (no media: clips are off) and passes frames on. */
  static final class HighlightAlerts extends ProcessFunction<FrameDetections, FrameDetections> {
    private static final long serialVersionUID = 1L;
    private final HighlightSeverity severity;

    HighlightAlerts(HighlightSeverity severity) {
      this.severity = severity;
    }

    @Override
    public void processElement(FrameDetections frame, Context ctx, Collector<FrameDetections> out) {
      for (Highlight highlight : frame.rules().highlights()) {
        ctx.output(LiveClipFunction.ALERTS, Alert.of(highlight, severity.of(highlight),
            System.currentTimeMillis(), null, null));
      }
      out.collect(frame);
    }
  }

  /** Where alerts go when no alert sink is configured: the default JSON-lines file. */
  public static final String DEFAULT_ALERTS_FILE = dev.tracklight.pipeline.config.JobConfigLoader.DEFAULT_ALERTS_FILE;

  /**
   * The configured alert sinks, or else the default JSON-lines file: next to the track lines when
   * they go to a file, otherwise in the working directory.
   */
  public static JobConfig.Alerts alertSinks(JobConfig.Sinks sinks) {
    JobConfig.Alerts configured = sinks.alerts();
    if (!configured.none()) {
      return configured;
    }
    Path file = sinks.jsonl().map(t -> Path.of(t).toAbsolutePath().resolveSibling(DEFAULT_ALERTS_FILE))
        .orElse(Path.of(DEFAULT_ALERTS_FILE));
    return new JobConfig.Alerts(java.util.Optional.of(file.toString()), false, java.util.Optional.empty());
  }

  /** Adds the live graph for {@code config} to {@code env}; returns the track-line stream. */
  public static DataStream<String> build(StreamExecutionEnvironment env, JobConfig config,
      DetectorOptions detector, List<String> classNames) {
    env.setMaxParallelism(ReplayJob.MAX_PARALLELISM);
    env.getConfig().enableObjectReuse();
    env.setBufferTimeout(BUFFER_TIMEOUT_MS);
    List<LiveCameraSplit> cameras = new ArrayList<>();
    // The tracker's lost-track buffer is in frames: scale it by the rate frames actually arrive at.
    Map<String, Double> trackedFps = new HashMap<>();
    for (JobConfig.Camera c : config.cameras()) {
      c.sampleFps().ifPresent(fps -> trackedFps.put(c.id(), fps));
      if (c.kvs().isPresent()) {
        cameras.add(LiveCameraSplit.kvs(c.id(), c.kvs().get(), c.sampleFps().orElse(0.0)));
        continue;
      }
      if (!c.url().startsWith("rtsp://") && !c.url().startsWith("rtsps://")) {
        throw new InvalidInputException("camera " + c.id() + ": live mode reads rtsp://, rtsps:// or kvs:// cameras, got "
            + CameraUrl.parse(c.url()).redacted() + "; replay files with 'tracklight replay'");
      }
      cameras.add(new LiveCameraSplit(c.id(), c.url(), c.sampleFps().orElse(0.0), 0));
    }
    DataStream<CameraFrame> frames = env
        .fromSource(new LiveCameraSource(cameras, ReplayJob.MAX_PARALLELISM),
            WatermarkStrategy.<CameraFrame>forBoundedOutOfOrderness(OUT_OF_ORDERNESS).withIdleness(IDLENESS),
            "cameras")
        .uid("cameras");
    JobConfig.Batching b = config.batching();
    BatchingConfig batching = BatchingConfig.defaults().withMaxBatch(b.maxBatch()).withMaxDelay(b.maxDelay())
        .withQueueCapacity(Math.max(b.queueCapacity(), b.maxBatch()));
    if (config.cameras().stream().anyMatch(c -> c.kvs().isPresent())) {
      // A KVS camera waits instead of skipping (the service keeps the media), so a backlog (start:
      // earliest, a restore, a slow detector) queues frames for inference: like an archive, they
      // wait for the detector rather than fail the job as too late for live.
      batching = ReplayJob.forReplay(batching, ASYNC_TIMEOUT.minusSeconds(5));
    }
    // Ordered async detection that drains at each checkpoint: no frame is in its state, so a
    // rescaled restore never re-sends a camera's frame from a subtask that lost its key group.
    DataStream<FrameDetections> detected = DataStreamUtils
        .reinterpretAsKeyedStream(frames, CameraFrame::cameraId, Types.STRING)
        .transform("detect", FrameDetections.typeInfo(), new DrainingAsyncWaitOperatorFactory<>(
            new DetectAsyncFunction(detector, batching), ASYNC_TIMEOUT.toMillis(), ASYNC_CAPACITY))
        .uid("detect");
    DataStream<FrameDetections> tracked = DataStreamUtils
        .reinterpretAsKeyedStream(detected, FrameDetections::cameraId, Types.STRING)
        .process(new TrackingFunction(config.tracking(), trackedFps))
        .returns(FrameDetections.typeInfo())
        .name("track").uid("track");
    Map<String, List<Rule>> rules = config.rules(new ClassNames(classNames));
    SingleOutputStreamOperator<FrameDetections> ruled = DataStreamUtils
        .reinterpretAsKeyedStream(tracked, FrameDetections::cameraId, Types.STRING)
        .process(new RuleFunction(rules, RuleParser.defaults(),
            classNames, config.highlights().maxOutOfOrderMs(), true))
        .returns(FrameDetections.typeInfo())
        .name("rules").uid("rules");
    // Closed highlights: with clips on, the clip function writes media from its ring buffer and
    // emits the highlight alert with their URIs; without, the alert goes out bare.
    HighlightSeverity severity = HighlightSeverity.fromRules(rules, RuleParser.defaults());
    JobConfig.Highlights h = config.highlights();
    AnnotationStyle style = AnnotationStyle.defaults().withRules(h.drawRules());
    // Checked with or without clips: a misspelt class must not pass silently until clips are on.
    Map<String, AnnotationStyle> cameraStyles = config.cameraStyles(new ClassNames(classNames), style);
    SingleOutputStreamOperator<FrameDetections> highlighted = h.clipsDir().isPresent()
        ? ruled.process(new LiveClipFunction(ClipLayout.at(Path.of(h.clipsDir().get())),
            LiveClipConfig.defaults().withBuffer(h.bufferSeconds(), LiveClipConfig.DEFAULT_BUFFER_BYTES),
            classNames, style, cameraStyles, severity, Clock.systemUTC()))
            .returns(FrameDetections.typeInfo()).name("clips").uid("clips")
        : ruled.process(new HighlightAlerts(severity)).returns(FrameDetections.typeInfo())
            .name("highlight-alerts").uid("highlight-alerts");
    AlertSinks.attach(ruled.getSideOutput(RuleFunction.ALERTS)
        .union(highlighted.getSideOutput(LiveClipFunction.ALERTS)), alertSinks(config.sinks()));
    DataStream<String> lines = highlighted
        .map(new TrackLineFunction(classNames)).returns(Types.STRING)
        .name("track-lines").uid("track-lines");
    // The sinks are chains of their own, so that the cameras' chain name stays under Flink's
    // 80-character limit for metric names at parallelism 1 (where everything would chain).
    config.sinks().jsonl().ifPresent(file -> lines.sinkTo(new JsonLinesFileSink(Path.of(file)))
        .setParallelism(1).setMaxParallelism(1).name("jsonl").uid("jsonl").disableChaining());
    if (config.sinks().stdout()) {
      lines.print().setParallelism(1).setMaxParallelism(1).name("stdout").uid("stdout").disableChaining();
    }
    return lines;
  }

}
