package dev.tracklight.operators.mot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * Hand-made MOT15-layout sequences for the evaluators' known-answer tests: rows are written to
 * files and read back as ground truth and results, as {@code eval-mot} reads them.
 */
final class HandMadeSequences {

  private HandMadeSequences() {}

  /** Rows of object {@code id} at (x, 100), 40x100, in frames from..to (GT or results). */
  static String track(int id, int x, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int f = from; f <= to; f++) {
      sb.append(f).append(',').append(id).append(',').append(x).append(",100,40,100,1,-1,-1,-1\n");
    }
    return sb.toString();
  }

  /**
   * {@code evaluator} applied to the ground truth {@code gt} and the results {@code res}, written
   * to {@code dir} (overwriting the previous pair: each is read at once).
   */
  static <M> M evaluate(Path dir, String gt, String res,
      BiFunction<MotBoxTable, MotBoxTable, M> evaluator) throws IOException {
    Path g = Files.writeString(dir.resolve("gt.txt"), gt);
    Path r = Files.writeString(dir.resolve("res.txt"), res);
    return evaluator.apply(MotBoxTable.readGroundTruth(g), MotBoxTable.readResults(r));
  }
}
