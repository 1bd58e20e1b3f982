package dev.tracklight.pipeline.bench;

import dev.tracklight.inference.postprocess.NonMaxSuppression;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Class-aware NMS over every anchor of a frame (8400 = Ultralytics at 640, 3549 = YOLOX at 416),
 * i.e. the worst case of a threshold near 0. Candidates imitate a crowded scene: 40 objects of a
 * few classes (mostly person), each surrounded by a cluster of jittered boxes whose scores fall
 * off with distance from the object, plus low-scoring background anchors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NmsBenchmark {

  @Param({"8400", "3549"})
  public int candidates;

  /** Objects in the scene: a busy street or hall. */
  private static final int OBJECTS = 40;
  /** Share of anchors that belong to an object's cluster; the rest is background. */
  private static final double CLUSTERED = 0.3;

  private final NonMaxSuppression nms = new NonMaxSuppression();
  private float[] boxes;
  private float[] scores;
  private int[] classes;
  private int[] kept;

  @Setup
  public void setUp() {
    Random random = new Random(1234);
    int n = candidates;
    boxes = new float[4 * n];
    scores = new float[n];
    classes = new int[n];
    kept = new int[n];
    float[][] objects = new float[OBJECTS][];
    int[] objectClass = new int[OBJECTS];
    for (int o = 0; o < OBJECTS; o++) {
      float w = 20 + random.nextFloat() * 80;
      float h = 40 + random.nextFloat() * 160;
      float x = random.nextFloat() * (640 - w);
      float y = random.nextFloat() * (640 - h);
      objects[o] = new float[] {x, y, x + w, y + h};
      // 70% person, the rest cars, bicycles, dogs.
      double c = random.nextDouble();
      objectClass[o] = c < 0.7 ? 0 : c < 0.85 ? 2 : c < 0.95 ? 1 : 16;
    }
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < CLUSTERED) {
        int o = random.nextInt(OBJECTS);
        float[] b = objects[o];
        float w = b[2] - b[0];
        float h = b[3] - b[1];
        float jitter = (float) Math.abs(random.nextGaussian()) * 0.15f;
        float dx = (float) random.nextGaussian() * jitter * w;
        float dy = (float) random.nextGaussian() * jitter * h;
        float s = 1 + (float) random.nextGaussian() * jitter;
        boxes[4 * i] = b[0] + dx;
        boxes[4 * i + 1] = b[1] + dy;
        boxes[4 * i + 2] = b[0] + dx + w * s;
        boxes[4 * i + 3] = b[1] + dy + h * s;
        scores[i] = (float) Math.max(0.01, 0.95 * Math.exp(-8 * jitter) - random.nextDouble() * 0.1);
        classes[i] = random.nextDouble() < 0.9 ? objectClass[o] : random.nextInt(80);
      } else {
        float x = random.nextFloat() * 620;
        float y = random.nextFloat() * 600;
        float w = 8 + random.nextFloat() * 60;
        float h = 8 + random.nextFloat() * 60;
        boxes[4 * i] = x;
        boxes[4 * i + 1] = y;
        boxes[4 * i + 2] = x + w;
        boxes[4 * i + 3] = y + h;
        scores[i] = (float) (random.nextDouble() * random.nextDouble() * 0.1);
        classes[i] = random.nextInt(80);
      }
    }
  }

  @Benchmark
  public int classAwareNms() {
    return nms.select(boxes, scores, classes, candidates, 0.45f, 300, kept);
  }
}
