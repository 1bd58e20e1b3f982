package dev.tracklight.connectors.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.media.HighlightMediaOptions;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.ReplayStageTimes;
import dev.tracklight.operators.stream.StreamEnd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Writes each replayed video's outputs ({@link ReplayOutputFiles}: annotated video, tracks,
 * highlight media, summary) in the task that decoded and tracked it (chained, so pixels never
 * leave it). A video's files are completed when its last frame arrives ({@link StreamEnd}) and
 * published at the next checkpoint (below); a
 * truncated input is published with {@code "complete": false}. The last frame carries all of the
 * video's highlights ({@code rules().highlights()}, best first); their clips, thumbnails and reel
 * are cut from the finished annotated video before anything is published. That work runs on the
 * task thread at the video's end (stream copy, no re-encoding: 0.3 s for six highlights of a
 * 140 s video), so a checkpoint barrier arriving meanwhile waits for it.
 *
 * <p><b>Exactly once.</b> At each checkpoint the writer records per open video how far its staged
 * outputs got ({@link ReplayProgressState}); after a failure, the restored writer cuts them back to
 * that point while the source resumes at the same frame and the tracker at the same state, so every
 * frame appears once in every output and track ids continue. A job restored at another
 * parallelism (a rescale) resumes each video in the subtask that now owns its key group, from a
 * copy of the state next to the video's staging ({@link ReplayProgressFiles}). A finished video
 * is prepared at its last frame and published by the committer after the next completed checkpoint
 * ({@link ReplayPublication}): a restore to a checkpoint before its end still finds its staging.
 *
 * <p>The summary also says where the task thread's time went ({@code stage_ms}: decode, track,
 * annotate, encode, write, from {@link ReplayStageTimes}) and when the first frame reached the sink
 * ({@code first_frame_epoch_ms}, wall clock, so a launcher can measure start-up from outside).
 */
public final class ReplayOutputSink implements Sink<FrameDetections>,
    SupportsWriterState<FrameDetections, ReplayProgressState>, SupportsCommitter<ReplayPublication> {

  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplayOutputSink.class);

  /**
   * What the sink must know of one input video.
   *
   * @param path the input (for the summary)
   * @param outputDir where its outputs go
   * @param media how its highlight media are written (reel length, thumbnail quality)
   */
  public record Video(String path, String outputDir, int width, int height, FrameRate frameRate,
      HighlightMediaOptions media) implements Serializable {

    public Video {
      java.util.Objects.requireNonNull(media, "media");
    }

    /** With the default highlight media (60 s reel). */
    public Video(String path, String outputDir, int width, int height, FrameRate frameRate) {
      this(path, outputDir, width, height, frameRate, HighlightMediaOptions.defaults());
    }

    public Video withMedia(HighlightMediaOptions options) {
      return new Video(path, outputDir, width, height, frameRate, options);
    }
  }

  private final Map<String, Video> videos;
  private final List<String> classNames;
  private final AnnotationStyle style;
  private final Map<String, String> runInfo;

  /**
   * @param videos per camera id
   * @param classNames the model's class names (labels)
   * @param style annotation style
   * @param runInfo fields copied into every summary (model, engine, device, parallelism...);
   *     values that are integers are written as JSON numbers
   */
  public ReplayOutputSink(Map<String, Video> videos, List<String> classNames, AnnotationStyle style,
      Map<String, String> runInfo) {
    this.videos = Map.copyOf(videos);
    this.classNames = List.copyOf(classNames);
    this.style = style;
    this.runInfo = Map.copyOf(runInfo);
  }

  /** The writer: checkpointed progress per open video, and the finished videos to publish. */
  public interface ReplayWriter extends StatefulSinkWriter<FrameDetections, ReplayProgressState>,
      CommittingSinkWriter<FrameDetections, ReplayPublication> {

    /** The videos finished since the last call (cannot fail: they were prepared at their end). */
    @Override
    Collection<ReplayPublication> prepareCommit();
  }

  @Override
  public ReplayWriter createWriter(WriterInitContext context) {
    return new Writer(List.of(), context, System::currentTimeMillis);
  }

  @Override
  public ReplayWriter restoreWriter(WriterInitContext context,
      Collection<ReplayProgressState> recovered) {
    return new Writer(recovered, context, System::currentTimeMillis);
  }

  @Override
  public SimpleVersionedSerializer<ReplayProgressState> getWriterStateSerializer() {
    return new StateSerializer();
  }

  @Override
  public Committer<ReplayPublication> createCommitter(CommitterInitContext context) {
    return new ReplayOutputCommitter();
  }

  @Override
  public SimpleVersionedSerializer<ReplayPublication> getCommittableSerializer() {
    return new ReplayOutputCommitter.Serializer();
  }

  /** One per subtask; owns the open outputs of the videos this subtask is replaying. */
  private final class Writer implements ReplayWriter {

    private final ClassNames names = new ClassNames(classNames);
    private final Map<String, ReplayOutputFiles> open = new HashMap<>();
    /** Videos finished since the last {@link #prepareCommit()}: published after the next checkpoint. */
    private final List<ReplayPublication> finished = new ArrayList<>();
    private final LongSupplier epochMillis;

    /**
     * Resumes the videos this subtask owns (whose key group the source and keyed operators route
     * here) from the restored checkpoint: from the writer state Flink gave it, else (after a
     * rescale, when that state went to another subtask) from the video's progress file. States of
     * videos owned elsewhere are left to their owners.
     */
    Writer(Collection<ReplayProgressState> recovered, WriterInitContext context, LongSupplier epochMillis) {
      this.epochMillis = epochMillis;
      Map<String, ReplayProgressState> given = new HashMap<>();
      recovered.forEach(s -> given.put(s.cameraId(), s));
      // Without a context (a writer driven directly, as unit tests do) it is the only subtask.
      java.util.OptionalLong checkpoint = context == null ? java.util.OptionalLong.empty()
          : context.getRestoredCheckpointId();
      var task = context == null ? null : context.getTaskInfo();
      for (Map.Entry<String, Video> e : videos.entrySet()) {
        String id = e.getKey();
        if (task != null && org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(id,
            task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks())
            != task.getIndexOfThisSubtask()) {
          continue;
        }
        Video v = e.getValue();
        ReplayOutputs outputs = new ReplayOutputs(Path.of(v.outputDir()));
        ReplayProgressState state = given.get(id);
        if (state == null && checkpoint.isPresent()) {
          state = ReplayProgressFiles.read(outputs, checkpoint.getAsLong()).orElse(null);
        }
        if (state != null) {
          LOG.info("subtask {} resumes {} at frame {} ({} state, checkpoint {})",
              task == null ? 0 : task.getIndexOfThisSubtask(), id, state.frames(),
              given.containsKey(id) ? "its own" : "a moved", checkpoint.isPresent() ? checkpoint.getAsLong() : -1);
          open.put(id, ReplayOutputFiles.resume(outputs, v.width(), v.height(), v.frameRate(), names, style, state));
        } else if (checkpoint.isEmpty() && given.isEmpty()) {
          // A fresh run: progress files an earlier run left here must never be mistaken for ours.
          ReplayProgressFiles.clear(outputs);
        }
      }
    }

    private Video video(String cameraId) {
      Video v = videos.get(cameraId);
      if (v == null) {
        throw new IllegalStateException("frame or state of unknown video '" + cameraId + "'");
      }
      return v;
    }

    @Override
    public void write(FrameDetections frame, Context context) {
      Video video = video(frame.cameraId());
      ReplayOutputFiles files = open.computeIfAbsent(frame.cameraId(), id ->
          ReplayOutputFiles.create(new ReplayOutputs(Path.of(video.outputDir())), video.width(),
              video.height(), video.frameRate(), names, style, true, epochMillis.getAsLong()));
      // Stage by stage, timed like the serial loop's stage_ms (measurement only).
      long t0 = System.nanoTime();
      files.annotate(frame.image(), frame.detections(), frame.rules());
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
        // Published by the committer once the checkpoint after this frame is complete: until then
        // a restore may go back before the end and needs the staging (ReplayPublication).
        finished.add(files.prepare(summary(files, video, frame), frame.rules().highlights(), video.media(),
            System::nanoTime));
        files.close();
        open.remove(frame.cameraId());
      }
    }

    @Override
    public Collection<ReplayPublication> prepareCommit() {
      List<ReplayPublication> ready = List.copyOf(finished);
      finished.clear();
      return ready;
    }

    private ObjectNode summary(ReplayOutputFiles files, Video video, FrameDetections last) {
      ObjectNode summary = files.newSummary();
      summary.put("input", video.path());
      summary.put("complete", last.end() == StreamEnd.COMPLETE);
      if (last.end() == StreamEnd.TRUNCATED) {
        summary.put("problem", video.path() + " is truncated or corrupt after frame "
            + last.frameIndex() + "; outputs cover the decodable part only");
      }
      summary.put("fps", video.frameRate().fps());
      summary.put("width", video.width());
      summary.put("height", video.height());
      summary.put("duration_s", Math.round(files.frames() / video.frameRate().fps() * 1000) / 1000.0);
      double wall = Math.max(1, epochMillis.getAsLong() - files.startedEpochMs()) / 1000.0;
      summary.put("wall_s", wall);
      summary.put("throughput_fps", Math.round(files.frames() / wall * 10) / 10.0);
      summary.put("first_frame_epoch_ms", files.startedEpochMs());
      ObjectNode stages = summary.putObject("stage_ms");
      ReplayStageTimes.takeMillis(last.cameraId()).forEach(stages::put);
      runInfo.forEach((k, v) -> {
        if (v.matches("-?\\d{1,18}")) {
          summary.put(k, Long.parseLong(v)); // a count (parallelism) is a number, as from the serial loop
        } else {
          summary.put(k, v);
        }
      });
      return summary;
    }

    @Override
    public List<ReplayProgressState> snapshotState(long checkpointId) {
      List<ReplayProgressState> states = new ArrayList<>(open.size());
      open.forEach((id, files) -> {
        ReplayProgressState state = files.checkpoint(id);
        ReplayProgressFiles.write(files.outputs(), checkpointId, state);
        states.add(state);
      });
      return states;
    }

    @Override
    public void flush(boolean endOfInput) {
      if (endOfInput && !open.isEmpty()) {
        throw new IllegalStateException("input ended before the last frame of " + open.keySet());
      }
    }

    @Override
    public void close() {
      open.values().forEach(ReplayOutputFiles::close); // keeps checkpointed staging for a restore
      open.clear();
    }
  }

  /** Versioned encoding of {@link ReplayProgressState}. */
  static final class StateSerializer implements SimpleVersionedSerializer<ReplayProgressState> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
      return VERSION;
    }

    @Override
    public byte[] serialize(ReplayProgressState s) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(s.cameraId());
        out.writeLong(s.frames());
        out.writeLong(s.tracksJsonBytes());
        out.writeLong(s.tracksMotBytes());
        out.writeInt(s.segments());
        out.writeLong(s.startedEpochMs());
        out.writeInt(s.classOfTrack().size());
        for (Map.Entry<Integer, Integer> e : s.classOfTrack().entrySet()) {
          out.writeInt(e.getKey());
          out.writeInt(e.getValue());
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public ReplayProgressState deserialize(int version, byte[] serialized) throws IOException {
      if (version != VERSION) {
        throw new IOException("unsupported replay sink state version " + version + "; this build reads " + VERSION);
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        String camera = in.readUTF();
        long frames = in.readLong();
        long json = in.readLong();
        long mot = in.readLong();
        int segments = in.readInt();
        long started = in.readLong();
        int n = in.readInt();
        Map<Integer, Integer> classes = new HashMap<>();
        for (int i = 0; i < n; i++) {
          classes.put(in.readInt(), in.readInt());
        }
        return new ReplayProgressState(camera, frames, json, mot, segments, classes, started);
      }
    }
  }
}
