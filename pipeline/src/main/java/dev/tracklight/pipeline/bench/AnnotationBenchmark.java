package dev.tracklight.pipeline.bench;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.annotation.AnnotationBackend;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.annotation.FrameAnnotator;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of annotating one 1280x720 frame with 20 tracked objects (boxes, labels with class, score
 * and id, 30-point trails), per backend, optionally blurring every person box (privacy mode; 10 of
 * the 20 objects are persons).
 *
 * <p>Objects walk on straight lines that bounce off the frame edges, precomputed for 300 frames
 * and replayed cyclically, so trails are full and boxes move as in real footage. The frame content
 * is fixed noise: drawing cost does not depend on it. The same frame is drawn over repeatedly
 * (annotation is in place), which costs the same as drawing on fresh frames.
 *
 * <pre>
 * java -cp "$(cat /tmp/cp.txt):pipeline/target/classes" org.openjdk.jmh.Main AnnotationBenchmark \
 *     -f 1 -wi 2 -i 3 -w 2s -r 3s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AnnotationBenchmark {

  private static final int WIDTH = 1280;
  private static final int HEIGHT = 720;
  private static final int OBJECTS = 20;
  private static final int SCRIPT_FRAMES = 300;

  @Param({"JAVA2D", "OPENCV"})
  public AnnotationBackend backend;

  @Param({"false", "true"})
  public boolean blurPersons;

  private BgrImage frame;
  private Detections[] script;
  private FrameAnnotator annotator;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(1);
    frame = BgrImage.allocate(WIDTH, HEIGHT);
    random.nextBytes(frame.pixels());
    script = walkingObjects(random);
    AnnotationStyle style = AnnotationStyle.defaults().withTrailLength(30);
    if (blurPersons) {
      style = style.withBlur(Set.of(0), 31);
    }
    annotator = FrameAnnotator.create(style, ClassNames.COCO, backend);
    for (Detections d : script) { // fill the trails before measuring
      annotator.annotate(frame, d);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    annotator.close();
  }

  @Benchmark
  public BgrImage annotateFrame() {
    annotator.annotate(frame, script[next]);
    next = (next + 1) % SCRIPT_FRAMES;
    return frame;
  }

  /** 20 boxes (persons 60x150, others 120x80) moving 2-6 px per frame, bouncing off the edges. */
  private static Detections[] walkingObjects(Random random) {
    float[] x = new float[OBJECTS];
    float[] y = new float[OBJECTS];
    float[] vx = new float[OBJECTS];
    float[] vy = new float[OBJECTS];
    int[] classes = new int[OBJECTS];
    for (int i = 0; i < OBJECTS; i++) {
      classes[i] = i % 2 == 0 ? 0 : 2; // person, car
      x[i] = 100 + random.nextFloat() * (WIDTH - 300);
      y[i] = 100 + random.nextFloat() * (HEIGHT - 300);
      vx[i] = (2 + random.nextFloat() * 4) * (random.nextBoolean() ? 1 : -1);
      vy[i] = (2 + random.nextFloat() * 4) * (random.nextBoolean() ? 1 : -1);
    }
    Detections[] frames = new Detections[SCRIPT_FRAMES];
    for (int f = 0; f < SCRIPT_FRAMES; f++) {
      float[] boxes = new float[4 * OBJECTS];
      float[] scores = new float[OBJECTS];
      int[] ids = new int[OBJECTS];
      for (int i = 0; i < OBJECTS; i++) {
        float w = classes[i] == 0 ? 60 : 120;
        float h = classes[i] == 0 ? 150 : 80;
        x[i] += vx[i];
        y[i] += vy[i];
        if (x[i] < 0 || x[i] + w > WIDTH) {
          vx[i] = -vx[i];
        }
        if (y[i] < 0 || y[i] + h > HEIGHT) {
          vy[i] = -vy[i];
        }
        boxes[4 * i] = x[i];
        boxes[4 * i + 1] = y[i];
        boxes[4 * i + 2] = x[i] + w;
        boxes[4 * i + 3] = y[i] + h;
        scores[i] = 0.5f + 0.5f * random.nextFloat();
        ids[i] = i + 1;
      }
      frames[f] = Detections.of(boxes, scores, classes.clone(), ids);
    }
    return frames;
  }
}
