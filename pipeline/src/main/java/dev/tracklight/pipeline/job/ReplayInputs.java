package dev.tracklight.pipeline.job;

import dev.tracklight.connectors.sink.ReplayOutputSink;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.connectors.source.VideoFileSource;
import dev.tracklight.connectors.video.FrameReader;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.connectors.video.VideoInfo;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the user's video paths into job inputs: each is opened once (so a missing, empty or
 * non-video file fails before Flink starts, with one clear line) and gets a unique camera id from
 * its file name ({@code walk.mp4} → {@code walk}; a second {@code walk.mp4} from another folder →
 * {@code walk-2}) and its output folder {@code OUT/<id>}.
 */
public final class ReplayInputs {

  private ReplayInputs() {}

  public static List<ReplayJob.Input> probe(List<Path> videos, Path outRoot) {
    return probe(videos, outRoot, Optional.empty());
  }

  /**
   * As {@link #probe(List, Path)}, for a replay sampled at {@code sampleFps}: a video faster than
   * that is replayed (tracked, and its annotated video written) at the sampled rate.
   */
  public static List<ReplayJob.Input> probe(List<Path> videos, Path outRoot, Optional<Double> sampleFps) {
    if (videos.isEmpty()) {
      throw new InvalidInputException("no video given; expected at least one video file");
    }
    Set<String> ids = new HashSet<>();
    List<ReplayJob.Input> inputs = new ArrayList<>();
    for (Path video : videos) {
      VideoInfo info;
      try (FrameReader reader = VideoFileSource.openReader(video, VideoReadOptions.defaults())) {
        info = reader.info();
      }
      String base = ReplayOutputs.under(outRoot, video).dir().getFileName().toString();
      String id = base;
      for (int n = 2; !ids.add(id); n++) {
        id = base + "-" + n;
      }
      FrameRate rate = info.frameRate();
      long frames = info.frameCount();
      if (sampleFps.isPresent() && sampleFps.get() < rate.fps()) {
        // Millihertz precision: 2.5 fps stays exactly 5/2, 7.0 stays 7/1.
        rate = new FrameRate(Math.round(sampleFps.get() * 1000), 1000);
        frames = (long) Math.ceil(frames * sampleFps.get() / info.fps());
      }
      inputs.add(new ReplayJob.Input(id, new ReplayOutputSink.Video(video.toAbsolutePath().toString(),
          outRoot.resolve(id).toAbsolutePath().toString(), info.width(), info.height(), rate), frames));
    }
    return List.copyOf(inputs);
  }
}
