package dev.tracklight.pipeline.bench;

import dev.tracklight.inference.Detections;
import dev.tracklight.operators.mot.MotDetectionFile;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;
import dev.tracklight.operators.tracking.TrackerAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of one {@link ByteTracker#update} in steady state, per {@code algorithm} ({@code bytetrack},
 * the original's defaults; {@code oc-bytetrack}, the recommended configuration). The original
 * Python ByteTrack needs about 0.5-5 ms per frame; the goal is at least 20x faster.
 *
 * <p>Synthetic: {@code objects} boxes moving on periodic paths (so the precomputed frames loop
 * without a jump) with pixel noise, 5% misses, 15% low-score detections and a little clutter; the
 * tracker is warmed up over a full period before measuring. MOT17-04: the real detection file
 * (about 34 detections per frame) from {@code TRACKLIGHT_ASSETS}, frames fed in order; at the end of
 * the 1050 frames the tracker is restarted (one frame in 1050 includes that allocation).
 *
 * <p>Run: {@code java -cp CLASSPATH org.openjdk.jmh.Main TrackerBenchmark -f 1 -wi 2 -i 3 -rf json}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TrackerBenchmark {

  /** Frames in one period of the synthetic motion; long enough that JIT sees varied frames. */
  private static final int PERIOD = 1024;

  /** The tracker configuration of a {@code @Param algorithm} name. */
  static ByteTrackConfig config(String algorithm) {
    return TrackerAlgorithm.parse(algorithm) == TrackerAlgorithm.BYTETRACK
        ? ByteTrackConfig.defaults() : ByteTrackConfig.recommended();
  }

  /** Synthetic scene of a given size. */
  @State(Scope.Thread)
  public static class Synthetic {
    @Param({"10", "50", "200"})
    public int objects;

    @Param({"bytetrack", "oc-bytetrack"})
    public String algorithm;

    Detections[] frames;
    ByteTracker tracker;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      frames = scene(objects, new Random(42));
      tracker = new ByteTracker(config(algorithm));
      for (Detections d : frames) {
        tracker.update(d); // one full period: steady state, all tracks confirmed
      }
      next = 0;
    }
  }

  /** The MOT17-04-FRCNN detection file. */
  @State(Scope.Thread)
  public static class Mot17 {
    @Param({"bytetrack", "oc-bytetrack"})
    public String algorithm;

    Detections[] frames;
    ByteTracker tracker;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      String assets = System.getenv("TRACKLIGHT_ASSETS");
      if (assets == null || assets.isBlank()) {
        throw new IllegalStateException("set TRACKLIGHT_ASSETS to the shared data directory");
      }
      Path det = Path.of(assets, "mot/MOT17-04-FRCNN/det/det.txt");
      if (!Files.isRegularFile(det)) {
        throw new IllegalStateException(det + " is missing");
      }
      MotDetectionFile file = MotDetectionFile.read(det);
      frames = new Detections[file.lastFrame()];
      for (int f = 1; f <= file.lastFrame(); f++) {
        frames[f - 1] = file.frame(f);
      }
      tracker = new ByteTracker(config(algorithm));
      next = 0;
    }
  }

  @Benchmark
  public Detections synthetic(Synthetic s) {
    Detections out = s.tracker.update(s.frames[s.next]);
    s.next = (s.next + 1) % s.frames.length;
    return out;
  }

  @Benchmark
  public Detections mot17_04(Mot17 s) {
    if (s.next == s.frames.length) {
      s.tracker = new ByteTracker(config(s.algorithm));
      s.next = 0;
    }
    return s.tracker.update(s.frames[s.next++]);
  }

  static Detections[] scene(int objects, Random rnd) {
    double[] cx = new double[objects];
    double[] cy = new double[objects];
    double[] ax = new double[objects];
    double[] ay = new double[objects];
    double[] phase = new double[objects];
    double[] w = new double[objects];
    for (int i = 0; i < objects; i++) {
      cx[i] = 200 + rnd.nextDouble() * 1500;
      cy[i] = 150 + rnd.nextDouble() * 700;
      ax[i] = 50 + rnd.nextDouble() * 150;
      ay[i] = 20 + rnd.nextDouble() * 80;
      phase[i] = rnd.nextDouble() * 2 * Math.PI;
      w[i] = 30 + rnd.nextDouble() * 30;
    }
    Detections[] frames = new Detections[PERIOD];
    for (int f = 0; f < PERIOD; f++) {
      float[] boxes = new float[4 * (objects + 2)];
      float[] scores = new float[objects + 2];
      int n = 0;
      double t = 2 * Math.PI * f / PERIOD;
      for (int i = 0; i < objects + 2; i++) {
        boolean clutter = i >= objects;
        if (!clutter && rnd.nextDouble() < 0.05) {
          continue;
        }
        double x = clutter ? rnd.nextDouble() * 1800 : cx[i] + ax[i] * Math.sin(t + phase[i]);
        double y = clutter ? rnd.nextDouble() * 900 : cy[i] + ay[i] * Math.cos(t + phase[i]);
        double bw = clutter ? 40 : w[i];
        boxes[4 * n] = (float) (x + rnd.nextGaussian());
        boxes[4 * n + 1] = (float) (y + rnd.nextGaussian());
        boxes[4 * n + 2] = (float) (x + bw + rnd.nextGaussian());
        boxes[4 * n + 3] = (float) (y + 2.5 * bw + rnd.nextGaussian());
        scores[n] = (float) (clutter ? 0.1 + 0.4 * rnd.nextDouble()
            : rnd.nextDouble() < 0.15 ? 0.15 + 0.3 * rnd.nextDouble() : 0.6 + 0.4 * rnd.nextDouble());
        n++;
      }
      frames[f] = Detections.of(java.util.Arrays.copyOf(boxes, 4 * n),
          java.util.Arrays.copyOf(scores, n), new int[n]);
    }
    return frames;
  }
}
