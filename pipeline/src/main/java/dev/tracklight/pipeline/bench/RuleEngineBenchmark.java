package dev.tracklight.pipeline.bench;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleEngine;
import dev.tracklight.operators.highlights.RuleEvent;
import dev.tracklight.operators.highlights.RuleParser;
import java.util.List;
import java.util.Map;
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
 * Cost of the highlight rules per camera frame: {@link RuleEngine#onFrame} with one rule of every
 * type (zone, loitering, line, crowd, appearance, activity), and the snapshot / restore a Flink
 * keyed state would do per checkpoint. Synthetic: {@code tracks} persons walking periodic ellipses
 * across the frame, so they keep entering and leaving the zone and crossing the line.
 *
 * <p>Run: {@code java -cp CLASSPATH org.openjdk.jmh.Main RuleEngineBenchmark -f 1 -wi 2 -i 3 -rf json}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RuleEngineBenchmark {

  /** Frames in one period of the motion (at 4 fps: 2 minutes). */
  private static final int PERIOD = 480;
  private static final int WIDTH = 1280;
  private static final int HEIGHT = 720;

  static final List<Rule> RULES = new RuleParser(ClassNames.COCO).parse(List.of(
      Map.of("type", "zone", "name", "desk", "classes", List.of("person"), "polygon",
          List.of(List.of(0.2, 0.2), List.of(0.6, 0.25), List.of(0.55, 0.8), List.of(0.15, 0.7))),
      Map.of("type", "loitering", "name", "linger", "min_seconds", 10, "polygon",
          List.of(List.of(0.2, 0.2), List.of(0.6, 0.25), List.of(0.55, 0.8), List.of(0.15, 0.7))),
      Map.of("type", "line", "name", "door", "points", List.of(List.of(0.5, 0.1), List.of(0.5, 0.9))),
      Map.of("type", "crowd", "name", "queue", "min_count", 5, "min_seconds", 3, "polygon",
          List.of(List.of(0.0, 0.0), List.of(0.5, 0.0), List.of(0.5, 1.0), List.of(0.0, 1.0))),
      Map.of("type", "appearance", "name", "people", "classes", List.of("person")),
      Map.of("type", "activity", "name", "busy")));

  /** A warmed-up engine and the looping scene. */
  @State(Scope.Thread)
  public static class Scene {
    @Param({"10", "50"})
    public int tracks;

    Detections[] frames;
    RuleEngine engine;
    long frame;
    byte[] snapshot;

    @Setup(Level.Trial)
    public void setUp() {
      frames = scene(tracks, new Random(42));
      engine = new RuleEngine(RULES);
      for (int i = 0; i < PERIOD; i++) {
        step();
      }
      snapshot = engine.snapshot();
      System.err.println("rule engine snapshot with " + tracks + " tracks: " + snapshot.length
          + " bytes");
    }

    List<RuleEvent> step() {
      long k = frame++;
      return engine.onFrame(k, k * 250, WIDTH, HEIGHT, frames[(int) (k % PERIOD)]);
    }
  }

  @Benchmark
  public List<RuleEvent> onFrame(Scene s) {
    return s.step();
  }

  @Benchmark
  public byte[] snapshot(Scene s) {
    return s.engine.snapshot();
  }

  @Benchmark
  public RuleEngine restore(Scene s) {
    return RuleEngine.restore(RULES, s.snapshot);
  }

  static Detections[] scene(int tracks, Random rnd) {
    double[] cx = new double[tracks];
    double[] cy = new double[tracks];
    double[] ax = new double[tracks];
    double[] ay = new double[tracks];
    double[] phase = new double[tracks];
    for (int i = 0; i < tracks; i++) {
      cx[i] = 0.3 + 0.4 * rnd.nextDouble();
      cy[i] = 0.3 + 0.4 * rnd.nextDouble();
      ax[i] = 0.1 + 0.2 * rnd.nextDouble();
      ay[i] = 0.05 + 0.15 * rnd.nextDouble();
      phase[i] = rnd.nextDouble() * 2 * Math.PI;
    }
    Detections[] frames = new Detections[PERIOD];
    for (int f = 0; f < PERIOD; f++) {
      float[] boxes = new float[4 * tracks];
      float[] scores = new float[tracks];
      int[] classes = new int[tracks];
      int[] ids = new int[tracks];
      double t = 2 * Math.PI * f / PERIOD;
      for (int i = 0; i < tracks; i++) {
        double x = (cx[i] + ax[i] * Math.sin(t + phase[i])) * WIDTH;
        double y = (cy[i] + ay[i] * Math.cos(t + phase[i])) * HEIGHT;
        boxes[4 * i] = (float) (x - 20);
        boxes[4 * i + 1] = (float) (y - 90);
        boxes[4 * i + 2] = (float) (x + 20);
        boxes[4 * i + 3] = (float) y;
        scores[i] = 0.5f + 0.4f * rnd.nextFloat();
        ids[i] = i + 1;
      }
      frames[f] = Detections.of(boxes, scores, classes, ids);
    }
    return frames;
  }
}
