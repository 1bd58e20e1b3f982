package dev.tracklight.operators.flink;

import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.batching.BatchStatistics;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.inference.batching.BatchingDetectionService;
import dev.tracklight.inference.batching.SharedDetectionServices;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.operators.flink.gpu.TaskManagerGpus;
import dev.tracklight.operators.stream.CameraFrame;
import dev.tracklight.operators.stream.FrameDetections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink glue of the inference stage: each subtask submits its frames to the TaskManager's shared
 * {@link BatchingDetectionService} (one loaded model per device and configuration per JVM,
 * reference-counted by {@link SharedDetectionServices}), which batches across all cameras of all
 * subtasks. Used with {@code AsyncDataStream.orderedWait}, so each camera's frames leave in order.
 *
 * <p><b>Backpressure and failures.</b> {@code submit} blocks while the service's queue is full, which
 * blocks this task and so backpressures the source. A request that fails (queue full past the
 * submit timeout, service deadline, detector error) or outlives Flink's async timeout fails the job
 * with the camera and frame named, counted first in the metrics; the job then restarts from its
 * last checkpoint under the configured restart strategy. Nothing is dropped silently.
 *
 * <p><b>Device.</b> On a TaskManager that Flink gave GPUs through its external-resource framework
 * ({@code external-resources: gpu}), {@code auto} and {@code gpu} use those GPUs, subtask i the
 * (i mod n)-th, so a TaskManager with 2 GPUs loads one shared model on each; {@code cpu} stays on
 * the CPU. Without such GPUs the configured device is resolved by the engine ({@code auto} → CPU
 * where none is visible, {@code gpu} → an error naming the subtask and the TaskManager's GPUs).
 *
 * <p><b>Metrics</b> (subtask group): {@code inferenceLatencyMs} (histogram, submit to result),
 * {@code batchSize} (histogram of the shared service), {@code queueDepth}, {@code meanQueueWaitMs},
 * {@code meanBatchInferenceMs} (gauges), {@code inferenceFailures}, {@code inferenceTimeouts}
 * (counters), and per camera {@code camera.<id>.framesPerSecond} (meter; a key-value group, so
 * Prometheus sees one metric with a {@code camera} label, not one metric per camera).
 */
public final class DetectAsyncFunction extends RichAsyncFunction<CameraFrame, FrameDetections> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DetectAsyncFunction.class);
  /** Latency histogram window: recent enough to show a change within a minute at 25 fps. */
  private static final int LATENCY_WINDOW = 1024;

  private final DetectorOptions detector;
  private final BatchingConfig batching;

  private transient SharedDetectionServices.Lease lease;
  private transient Histogram latencyMs;
  private transient Counter failures;
  private transient Counter timeouts;
  private transient MetricGroup metricGroup;
  private transient Map<String, Meter> framesPerSecond;

  public DetectAsyncFunction(DetectorOptions detector, BatchingConfig batching) {
    this.detector = detector;
    this.batching = batching;
  }

  @Override
  public void open(OpenContext context) {
    // The device: the configured one, or on a TaskManager that Flink gave GPUs (external resource
    // `gpu`), one of those, round robin by subtask, so the subtasks' shared models use them all.
    int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    List<Integer> gpus = TaskManagerGpus.of(getRuntimeContext());
    DeviceSpec device = detector.device().assignedAmong(gpus, subtask);
    DetectorOptions options = device.equals(detector.device()) ? detector : detector.withDevice(device);
    try {
      lease = SharedDetectionServices.global().acquire(new SharedDetectionServices.Key(options, batching));
    } catch (InvalidInputException e) {
      throw new InvalidInputException("subtask " + subtask + " of " + getRuntimeContext().getTaskInfo().getTaskName()
          + ", device " + device + " (" + where(gpus) + "): " + e.getMessage(), e);
    }
    LOG.info("subtask {} detects on {} ({})", subtask, device, where(gpus));
    BatchingDetectionService service = lease.service();
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    latencyMs = metrics.histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
    failures = metrics.counter("inferenceFailures");
    timeouts = metrics.counter("inferenceTimeouts");
    metrics.gauge("queueDepth", service::queueDepth);
    if (service.listener() instanceof BatchStatistics stats) {
      metrics.histogram("batchSize", new BatchSizeHistogram(stats, batching.maxBatch()));
      metrics.gauge("meanQueueWaitMs", stats::meanQueueWaitMs);
      metrics.gauge("meanBatchInferenceMs", stats::meanInferenceMs);
    }
    metricGroup = metrics;
    framesPerSecond = new HashMap<>();
  }

  private String where(List<Integer> gpus) {
    return gpus.isEmpty() ? "this TaskManager has no GPU from Flink's external resource '" + TaskManagerGpus.RESOURCE + "'"
        : "this TaskManager's GPUs from Flink's external resource '" + TaskManagerGpus.RESOURCE + "': " + gpus;
  }

  @Override
  public void asyncInvoke(CameraFrame frame, ResultFuture<FrameDetections> result) {
    long submitted = System.nanoTime(); // measurement only
    Meter rate = framesPerSecond.computeIfAbsent(frame.cameraId(),
        id -> metricGroup.addGroup("camera", id).meter("framesPerSecond", new MeterView(60)));
    lease.service().submit(frame.cameraId(), frame.image()).whenComplete((detections, error) -> {
      if (error != null) {
        failures.inc();
        result.completeExceptionally(new IllegalStateException("inference failed for camera "
            + frame.cameraId() + " frame " + frame.frameIndex() + ": " + error.getMessage(), error));
        return;
      }
      latencyMs.update((System.nanoTime() - submitted) / 1_000_000);
      rate.markEvent();
      result.complete(List.of(FrameDetections.of(frame, detections)));
    });
  }

  @Override
  public void timeout(CameraFrame frame, ResultFuture<FrameDetections> result) {
    timeouts.inc();
    result.completeExceptionally(new TimeoutException("inference of camera " + frame.cameraId()
        + " frame " + frame.frameIndex() + " exceeded the async timeout; the inference service is"
        + " overloaded or stuck (lower the camera fps or raise batching limits)"));
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
      lease = null;
    }
  }
}
