package dev.tracklight.pipeline.bench;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.preprocess.LetterboxGeometry;
import dev.tracklight.inference.preprocess.LetterboxPreprocessor;
import dev.tracklight.inference.preprocess.LetterboxStyle;
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
 * Letterbox + bilinear resize + NCHW float conversion of one frame, for each family's convention at
 * its usual input size (YOLOX 416, Ultralytics 640), from a 720p frame and from the 768x432 of the
 * replay benchmark's clip.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PreprocessBenchmark {

  /** {@code STYLE:SIZE}. */
  @Param({"YOLOX_TOP_LEFT:416", "ULTRALYTICS_CENTRED:640"})
  public String family;

  /** Source frame {@code WIDTHxHEIGHT}. */
  @Param({"1280x720", "768x432"})
  public String source;

  private BgrImage frame;
  private LetterboxPreprocessor preprocessor;
  private float[] input;

  @Setup
  public void setUp() {
    String[] parts = family.split(":");
    preprocessor = new LetterboxPreprocessor(LetterboxStyle.valueOf(parts[0]),
        Integer.parseInt(parts[1]));
    input = new float[preprocessor.floatsPerImage()];
    String[] size = source.split("x");
    frame = syntheticFrame(Integer.parseInt(size[0]), Integer.parseInt(size[1]), 42);
  }

  @Benchmark
  public LetterboxGeometry letterbox() {
    return preprocessor.process(frame, input, 0);
  }

  /** A smooth gradient with noise: resampling cost does not depend on content, realism aside. */
  static BgrImage syntheticFrame(int width, int height, long seed) {
    Random random = new Random(seed);
    byte[] px = new byte[width * height * 3];
    for (int y = 0, i = 0; y < height; y++) {
      for (int x = 0; x < width; x++, i += 3) {
        px[i] = (byte) ((x * 255 / width + random.nextInt(16)) & 0xFF);
        px[i + 1] = (byte) ((y * 255 / height + random.nextInt(16)) & 0xFF);
        px[i + 2] = (byte) (((x + y) * 127 / (width + height) + random.nextInt(16)) & 0xFF);
      }
    }
    return new BgrImage(width, height, px);
  }
}
