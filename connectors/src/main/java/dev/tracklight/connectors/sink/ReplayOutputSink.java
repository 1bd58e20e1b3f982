package dev.tracklight.connectors.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.ReplayStageTimes;
import dev.tracklight.operators.stream.StreamEnd;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes each replayed video's outputs ({@link ReplayOutputFiles}: annotated video, tracks, summary)
 * in the task that decoded and tracked it (chained, so pixels never leave it). A video's files are
 * published when its last frame arrives ({@link StreamEnd}); a truncated input is published with
 * {@code "complete": false}. A failed or cancelled job discards everything it had not published.
 *
 * <p>The summary also says where the task thread's time went ({@code stage_ms}: decode, track,
 * annotate, encode, write, from {@link ReplayStageTimes}) and when the first frame reached the sink
 * ({@code first_frame_epoch_ms}, wall clock, so a launcher can measure start-up from outside).
 */
public final class ReplayOutputSink implements Sink<FrameDetections> {

  private static final long serialVersionUID = 1L;

  /**
   * What the sink must know of one input video.
   *
   * @param path the input (for the summary)
   * @param outputDir where its outputs go
   */
  public record Video(String path, String outputDir, int width, int height, FrameRate frameRate)
      implements Serializable {}

  private final Map<String, Video> videos;
  private final List<String> classNames;
  private final AnnotationStyle style;
  private final Map<String, String> runInfo;

  /**
   * @param videos per camera id
   * @param classNames the model's class names (labels)
   * @param style annotation style
   * @param runInfo fields copied into every summary (model, engine, device, parallelism...)
   */
  public ReplayOutputSink(Map<String, Video> videos, List<String> classNames, AnnotationStyle style,
      Map<String, String> runInfo) {
    this.videos = Map.copyOf(videos);
    this.classNames = List.copyOf(classNames);
    this.style = style;
    this.runInfo = Map.copyOf(runInfo);
  }

  @Override
  public SinkWriter<FrameDetections> createWriter(WriterInitContext context) {
    return new Writer();
  }

  /** One per subtask; owns the open outputs of the videos this subtask is replaying. */
  private final class Writer implements SinkWriter<FrameDetections> {

    private final ClassNames names = new ClassNames(classNames);
    private final Map<String, ReplayOutputFiles> open = new HashMap<>();
    private final Map<String, Long> started = new HashMap<>();
    private final Map<String, Long> firstFrameEpochMs = new HashMap<>();

    @Override
    public void write(FrameDetections frame, Context context) {
      Video video = videos.get(frame.cameraId());
      if (video == null) {
        throw new IllegalStateException("frame of unknown video '" + frame.cameraId() + "'");
      }
      ReplayOutputFiles files = open.computeIfAbsent(frame.cameraId(), id -> {
        started.put(id, System.nanoTime()); // measurement only
        firstFrameEpochMs.put(id, System.currentTimeMillis()); // measurement only: start-up cost
        return new ReplayOutputFiles(new ReplayOutputs(Path.of(video.outputDir())), video.width(),
            video.height(), video.frameRate(), names, style);
      });
      // Stage by stage, timed like the serial loop's stage_ms (measurement only).
      long t0 = System.nanoTime();
      files.annotate(frame.image(), frame.detections());
      long t1 = System.nanoTime();
      files.encode(frame.image());
      long t2 = System.nanoTime();
      files.writeTracks(frame.frameIndex(), frame.timestampMs(), frame.detections());
      long t3 = System.nanoTime();
      ReplayStageTimes.add(frame.cameraId(), ReplayStageTimes.Stage.ANNOTATE, t1 - t0);
      ReplayStageTimes.add(frame.cameraId(), ReplayStageTimes.Stage.ENCODE, t2 - t1);
      ReplayStageTimes.add(frame.cameraId(), ReplayStageTimes.Stage.WRITE, t3 - t2);
      ReplayProgress.frameWritten();
      if (frame.end().isLast()) {
        ObjectNode summary = files.newSummary();
        summary.put("input", video.path());
        summary.put("complete", frame.end() == StreamEnd.COMPLETE);
        if (frame.end() == StreamEnd.TRUNCATED) {
          summary.put("problem", video.path() + " is truncated or corrupt after frame "
              + frame.frameIndex() + "; outputs cover the decodable part only");
        }
        summary.put("fps", video.frameRate().fps());
        summary.put("width", video.width());
        summary.put("height", video.height());
        summary.put("duration_s", Math.round((files.frames()) / video.frameRate().fps() * 1000) / 1000.0);
        double wall = (System.nanoTime() - started.remove(frame.cameraId())) / 1e9;
        summary.put("wall_s", Math.round(wall * 1000) / 1000.0);
        summary.put("throughput_fps", Math.round(files.frames() / wall * 10) / 10.0);
        summary.put("first_frame_epoch_ms", firstFrameEpochMs.remove(frame.cameraId()));
        ObjectNode stages = summary.putObject("stage_ms");
        ReplayStageTimes.takeMillis(frame.cameraId()).forEach(stages::put);
        runInfo.forEach(summary::put);
        files.commit(summary);
        files.close();
        open.remove(frame.cameraId());
      }
    }

    @Override
    public void flush(boolean endOfInput) {
      if (endOfInput && !open.isEmpty()) {
        throw new IllegalStateException("input ended before the last frame of " + open.keySet());
      }
    }

    @Override
    public void close() {
      open.values().forEach(ReplayOutputFiles::close); // discards unpublished outputs
      open.clear();
    }
  }
}
