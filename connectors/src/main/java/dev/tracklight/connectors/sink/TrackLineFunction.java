package dev.tracklight.connectors.sink;

import dev.tracklight.connectors.live.LiveStatusBoard;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.stream.FrameDetections;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Turns a tracked frame into its JSON line ({@link TrackJson}, with the camera id) and drops the
 * pixels: what leaves the camera's chain for the shared sinks is a few hundred bytes per frame.
 * Measures the live latency from capture (the frame's event time) to tracks,
 * {@code frameToTracksLatencyMs} (histogram over the last {@link #LATENCY_WINDOW} frames).
 */
public final class TrackLineFunction extends RichMapFunction<FrameDetections, String> {

  private static final long serialVersionUID = 1L;
  /** About a minute of frames at 4 cameras × 5 fps. */
  static final int LATENCY_WINDOW = 1200;

  private final List<String> classNames;
  private transient ClassNames names;
  private transient Histogram latencyMs;
  private transient LongSupplier epochMillis;

  public TrackLineFunction(List<String> classNames) {
    this.classNames = List.copyOf(classNames);
  }

  @Override
  public void open(OpenContext context) {
    names = new ClassNames(classNames);
    latencyMs = getRuntimeContext().getMetricGroup()
        .histogram("frameToTracksLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    epochMillis = System::currentTimeMillis;
  }

  @Override
  public String map(FrameDetections frame) {
    long now = epochMillis.getAsLong();
    latencyMs.update(now - frame.timestampMs());
    LiveStatusBoard.frameTracked(frame.cameraId(), now - frame.timestampMs(), frame.detections().size());
    return TrackJson.line(frame.cameraId(), frame.frameIndex(), frame.timestampMs(), now,
        frame.detections().clippedTo(frame.image().width(), frame.image().height()), names);
  }
}
