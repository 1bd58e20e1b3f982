package dev.tracklight.pipeline.bench;

import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.connectors.video.VideoWriteOptions;
import dev.tracklight.connectors.video.VideoWriter;
import dev.tracklight.inference.BgrImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Decode and encode throughput at 720p, in frames per second (JMH "ops" are frames).
 *
 * <ul>
 *   <li>{@code decode}: the whole of {@code people_walking_overhead_720p.mp4} (H.264 High,
 *       1280x720, 341 frames) through {@link VideoReader}, including the BGR conversion and the
 *       copy into an owned {@link BgrImage} per frame; {@code decoderThreads} 0 = FFmpeg's choice,
 *       1 = single-threaded (what one Flink slot per core would use).
 *   <li>{@code encode}: 50 decoded frames of the same video through {@link VideoWriter} (OpenH264,
 *       automatic bitrate 2.3 Mbit/s, faststart, atomic rename), open to close.
 * </ul>
 *
 * <p>Needs {@code TRACKLIGHT_ASSETS} pointing at the shared data. Measured ({@code -f 1 -wi 2 -i 3
 * -w 3s -r 5s}, 2 cores shared with other builds at load 6-7): decode 257 ± 332 frames/s with
 * automatic threads, 309 ± 34 with one thread (extra threads only add contention on a busy 2-core
 * box); encode 42.7 ± 23 frames/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VideoIoBenchmark {

  private static final String VIDEO = "videos/people_walking_overhead_720p.mp4";
  private static final int VIDEO_FRAMES = 341;
  private static final int ENCODE_FRAMES = 50;

  @Param({"0", "1"})
  public int decoderThreads;

  private Path video;
  private List<BgrImage> frames;
  private Path outputDirectory;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    String assets = System.getenv("TRACKLIGHT_ASSETS");
    if (assets == null) {
      throw new IllegalStateException("set TRACKLIGHT_ASSETS to the shared data directory");
    }
    video = Path.of(assets).resolve(VIDEO);
    frames = new ArrayList<>();
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      for (int i = 0; i < ENCODE_FRAMES; i++) {
        frames.add(reader.next().orElseThrow().image());
      }
    }
    outputDirectory = Files.createTempDirectory("tracklight-bench");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    Files.deleteIfExists(outputDirectory.resolve("out.mp4"));
    Files.deleteIfExists(outputDirectory);
  }

  @Benchmark
  @OperationsPerInvocation(VIDEO_FRAMES)
  public long decode() {
    long checksum = 0;
    try (VideoReader reader = VideoReader.open(video,
        VideoReadOptions.defaults().withDecoderThreads(decoderThreads))) {
      Optional<VideoFrame> frame;
      while ((frame = reader.next()).isPresent()) {
        checksum += frame.get().image().pixels()[0];
      }
    }
    return checksum;
  }

  @Benchmark
  @OperationsPerInvocation(ENCODE_FRAMES)
  public long encode() throws IOException {
    Path out = outputDirectory.resolve("out.mp4");
    try (VideoWriter writer = VideoWriter.create(out, 1280, 720, VideoWriteOptions.h264(FrameRate.of(25)))) {
      for (BgrImage image : frames) {
        writer.write(image);
      }
    }
    return Files.size(out);
  }
}
