package dev.tracklight.pipeline.bench;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.stream.CameraFrame;
import dev.tracklight.operators.stream.CameraFrameSerializer;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.FrameDetectionsSerializer;
import dev.tracklight.operators.stream.StreamEnd;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the job's design avoids, per frame and per hop: without object reuse Flink deep-copies a
 * record between chained operators ({@code copy}: the pixel array), and a keyBy shuffle would
 * serialize and deserialize it ({@code shuffleRoundTrip}, network time not included). The replay
 * and live chains have three hops after the source (detect, track, sink), so multiply by three.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChainCopyBenchmark {

  @Param({"1280x720", "640x360"})
  public String size;

  private CameraFrame frame;
  private FrameDetections tracked;
  private final DataOutputSerializer out = new DataOutputSerializer(4 << 20);
  private final DataInputDeserializer in = new DataInputDeserializer();

  @Setup
  public void setup() {
    String[] wh = size.split("x");
    BgrImage image = BgrImage.allocate(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
    ThreadLocalRandom.current().nextBytes(image.pixels());
    frame = new CameraFrame("cam", 1, 40, image, StreamEnd.NONE);
    int n = 25;
    float[] boxes = new float[4 * n];
    for (int i = 0; i < 4 * n; i++) {
      boxes[i] = i;
    }
    tracked = new FrameDetections("cam", 1, 40, image,
        Detections.of(boxes, new float[n], new int[n], new int[n]), StreamEnd.NONE);
  }

  /** One chained hop without object reuse: a deep copy of the frame. */
  @Benchmark
  public CameraFrame copy() {
    return CameraFrameSerializer.INSTANCE.copy(frame);
  }

  /** One shuffle of a tracked frame: serialize + deserialize (no network). */
  @Benchmark
  public FrameDetections shuffleRoundTrip() throws IOException {
    out.clear();
    FrameDetectionsSerializer.INSTANCE.serialize(tracked, out);
    in.setBuffer(out.getSharedBuffer(), 0, out.length());
    return FrameDetectionsSerializer.INSTANCE.deserialize(in);
  }
}
