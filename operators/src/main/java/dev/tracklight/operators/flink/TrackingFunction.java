package dev.tracklight.operators.flink;

import dev.tracklight.inference.Detections;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.ReplayStageTimes;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs one {@link ByteTracker} per camera (the key) in Flink keyed state, so a job restored from a
 * checkpoint or savepoint continues every camera's track ids where it left off.
 *
 * <p>Frames of a camera arrive in order (the async inference before it is ordered), so updating the
 * tracker per record is exactly the serial algorithm. Frames at or before the last one tracked are
 * dropped (counted): after a restore, a source that replays from its checkpointed position never
 * makes a frame's tracks appear twice. The tracker's frame rate is the camera's (from
 * {@code frameRates}, else the config's), which scales its lost-track buffer.
 */
public final class TrackingFunction extends KeyedProcessFunction<String, FrameDetections, FrameDetections> {

  private static final long serialVersionUID = 1L;

  private final ByteTrackConfig config;
  private final Map<String, Double> frameRates;

  private transient ValueState<ByteTracker> tracker;
  private transient ValueState<Long> lastFrame;
  private transient Counter duplicates;

  /**
   * @param config tracking parameters (record fields are copied; the record itself need not be
   *     serializable)
   * @param frameRates frames per second by camera id, for cameras whose rate differs from the config's
   */
  public TrackingFunction(ByteTrackConfig config, Map<String, Double> frameRates) {
    this.config = config;
    this.frameRates = Map.copyOf(frameRates);
  }

  @Override
  public void open(OpenContext context) {
    tracker = getRuntimeContext().getState(new ValueStateDescriptor<>("bytetrack", ByteTrackerSerializer.INSTANCE));
    lastFrame = getRuntimeContext().getState(new ValueStateDescriptor<>("last-frame", Long.class));
    duplicates = getRuntimeContext().getMetricGroup().counter("framesAlreadyTracked");
  }

  @Override
  public void processElement(FrameDetections frame, Context ctx, Collector<FrameDetections> out)
      throws Exception {
    long started = System.nanoTime(); // measurement only (ReplayStageTimes)
    Long last = lastFrame.value();
    if (last != null && frame.frameIndex() <= last) {
      duplicates.inc();
      return;
    }
    ByteTracker t = tracker.value();
    if (t == null) {
      t = new ByteTracker(config.withFrameRate(frameRates.getOrDefault(frame.cameraId(), config.frameRate())));
    }
    Detections tracked = t.update(frame.detections());
    tracker.update(t);
    lastFrame.update(frame.frameIndex());
    ReplayStageTimes.add(frame.cameraId(), ReplayStageTimes.Stage.TRACK, System.nanoTime() - started);
    out.collect(frame.withDetections(tracked));
  }
}
