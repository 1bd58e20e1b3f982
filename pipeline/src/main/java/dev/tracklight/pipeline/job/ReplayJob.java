package dev.tracklight.pipeline.job;

import dev.tracklight.connectors.sink.ReplayOutputSink;
import dev.tracklight.connectors.source.VideoFileSource;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.flink.DetectAsyncFunction;
import dev.tracklight.operators.flink.DrainingAsyncWaitOperatorFactory;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.flink.RuleFunction;
import dev.tracklight.operators.flink.TrackingFunction;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.stream.CameraFrame;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The replay job graph: archived videos → decode (source) → batched async inference → per-camera
 * ByteTrack in keyed state → annotated outputs. Everything is one chain per subtask:
 *
 * <pre>
 *  VideoFileSource ─fwd→ DetectAsyncFunction (ordered) ─fwd→ TrackingFunction (keyed)
 *      ─fwd→ RuleFunction (keyed) ─fwd→ ReplayOutputSink
 *                         └─ alerts (side output, small records) → whatever sinks the caller adds
 * </pre>
 *
 * <p><b>Why chained, and why no keyBy.</b> A 720p frame is 2.7 MB; shuffling it would cost more
 * than detecting it. The source places each video on the subtask that {@code keyBy(cameraId)} would
 * pick (its split enumerator uses Flink's key-group assignment with {@link #MAX_PARALLELISM}), so
 * the stream is declared keyed with {@code reinterpretAsKeyedStream} instead of shuffled; with
 * object reuse on, the chained operators pass the same frame object along and the pixels are never
 * copied or serialized (except for in-flight async requests inside a checkpoint). Cross-camera
 * batching still happens: all subtasks of a TaskManager share one inference service.
 */
public final class ReplayJob {

  /**
   * Fixed so split placement matches keyBy; also the most subtasks a job can be rescaled to.
   * 128 is Flink's own default lower bound.
   */
  public static final int MAX_PARALLELISM = 128;
  /** Frames in flight per subtask in the async operator: enough to fill a batch from one camera. */
  public static final int ASYNC_CAPACITY = 16;
  /**
   * Name of the sink; its metrics (progress on a cluster) are found by this name. Short, as the
   * source's: Flink names the chain after every operator in it, writer and committer included, and
   * cuts names past 80 characters for metrics, with a warning at every start (OperatorNamesTest).
   */
  public static final String SINK_NAME = "files";
  /** The sink's uid (its state's name in checkpoints and savepoints: never changes). */
  static final String SINK_UID = "replay-outputs";

  private ReplayJob() {}

  /**
   * Batching for a replay: an archive waits for the detector instead of dropping late frames, so
   * the queue deadlines (meant to keep live cameras real-time) are stretched to the async timeout;
   * the bounded queue still backpressures the sources.
   */
  public static BatchingConfig forReplay(BatchingConfig batching, Duration asyncTimeout) {
    return batching.withSubmitTimeout(asyncTimeout).withRequestTimeout(asyncTimeout);
  }

  /**
   * One input video and what the sink needs to write its outputs.
   *
   * @param expectedFrames the container's frame count (an estimate for WebM/MKV), for progress
   */
  public record Input(String cameraId, ReplayOutputSink.Video video, long expectedFrames) {}

  /**
   * Adds the replay graph to {@code env}.
   *
   * @param inputs the videos, camera ids unique
   * @param asyncTimeout how long a frame may take through inference before the job fails
   */
  public static void build(StreamExecutionEnvironment env, List<Input> inputs, VideoReadOptions read,
      DetectorOptions detector, BatchingConfig batching, ByteTrackConfig tracking,
      AnnotationStyle style, List<String> classNames, Map<String, String> runInfo, Duration asyncTimeout) {
    build(env, inputs, read, detector, batching, tracking, style, classNames, runInfo, asyncTimeout,
        UnaryOperator.identity());
  }

  /** As above, with the default rules ({@link RuleParser#defaults()}). */
  public static void build(StreamExecutionEnvironment env, List<Input> inputs, VideoReadOptions read,
      DetectorOptions detector, BatchingConfig batching, ByteTrackConfig tracking,
      AnnotationStyle style, List<String> classNames, Map<String, String> runInfo, Duration asyncTimeout,
      UnaryOperator<DataStream<FrameDetections>> tap) {
    build(env, inputs, read, detector, batching, tracking, style, classNames, runInfo, asyncTimeout,
        RuleParser.defaults(), tap);
  }

  /**
   * The full graph: {@code rules} (non-empty; {@link RuleParser#defaults()} when none are
   * configured) run on every video, and {@code tap} is applied to the stream before the sink
   * (instrumentation: a test injects a failure there; it must keep the stream's records and
   * partitioning). Returns the alerts of all videos, for the caller to sink (or ignore).
   */
  public static DataStream<Alert> build(StreamExecutionEnvironment env, List<Input> inputs, VideoReadOptions read,
      DetectorOptions detector, BatchingConfig batching, ByteTrackConfig tracking,
      AnnotationStyle style, List<String> classNames, Map<String, String> runInfo, Duration asyncTimeout,
      List<Rule> rules, UnaryOperator<DataStream<FrameDetections>> tap) {
    env.setMaxParallelism(MAX_PARALLELISM);
    env.getConfig().enableObjectReuse();
    Map<String, String> paths = new LinkedHashMap<>();
    Map<String, Double> fps = new LinkedHashMap<>();
    Map<String, ReplayOutputSink.Video> videos = new LinkedHashMap<>();
    for (Input in : inputs) {
      paths.put(in.cameraId(), in.video().path());
      fps.put(in.cameraId(), in.video().frameRate().fps());
      videos.put(in.cameraId(), in.video());
    }
    DataStream<CameraFrame> frames = env
        .fromSource(new VideoFileSource(paths, read, MAX_PARALLELISM),
            WatermarkStrategy.<CameraFrame>forMonotonousTimestamps(), "videos")
        .uid("video-files");
    // Drains at each checkpoint (DrainingAsyncWaitOperatorFactory): rescaled restores stay keyed.
    DataStream<FrameDetections> detected = DataStreamUtils
        .reinterpretAsKeyedStream(frames, CameraFrame::cameraId, Types.STRING)
        .transform("detect", FrameDetections.typeInfo(), new DrainingAsyncWaitOperatorFactory<>(
            new DetectAsyncFunction(detector, forReplay(batching, asyncTimeout)), asyncTimeout.toMillis(),
            ASYNC_CAPACITY))
        .uid("detect");
    DataStream<FrameDetections> tracked = DataStreamUtils
        .reinterpretAsKeyedStream(detected, FrameDetections::cameraId, Types.STRING)
        .process(new TrackingFunction(tracking, fps))
        .returns(FrameDetections.typeInfo())
        .name("track").uid("track");
    SingleOutputStreamOperator<FrameDetections> ruled = DataStreamUtils
        .reinterpretAsKeyedStream(tracked, FrameDetections::cameraId, Types.STRING)
        .process(new RuleFunction(Map.of(), rules, classNames, 0, false))
        .returns(FrameDetections.typeInfo())
        .name("rules").uid("rules");
    tap.apply(ruled).sinkTo(new ReplayOutputSink(videos, classNames, style, runInfo))
        .name(SINK_NAME).uid(SINK_UID);
    return ruled.getSideOutput(RuleFunction.ALERTS);
  }
}
