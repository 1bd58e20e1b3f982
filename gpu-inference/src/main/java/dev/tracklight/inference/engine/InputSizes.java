package dev.tracklight.inference.engine;

import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How both engines pick the square input side a model is run at. */
final class InputSizes {

  /** Ultralytics' default training/export size, used when nothing else fixes the input size. */
  static final int DEFAULT_INPUT_SIZE = 640;

  private static final Pattern FIRST_INT = Pattern.compile("(\\d+)");

  private InputSizes() {
  }

  /**
   * Fixed input dims win (a contradicting hint is an error); else the caller's hint; else the
   * Ultralytics {@code imgsz} metadata; else {@link #DEFAULT_INPUT_SIZE}.
   *
   * @param declared {@code [B, C, H, W]} with -1 for symbolic dims, or null when the format
   *     declares nothing (TorchScript)
   */
  static int choose(int[] declared, int hint, Map<String, String> metadata, Path file) {
    if (declared != null && declared[2] > 0 && declared[3] > 0) {
      if (declared[2] != declared[3]) {
        throw new InvalidInputException(file + " takes a " + declared[3] + "x" + declared[2]
            + " input; expected a square input");
      }
      if (hint > 0 && hint != declared[2]) {
        throw new InvalidInputException(file + " has a fixed " + declared[2] + "x" + declared[2]
            + " input but input size " + hint + " was requested; omit the input size or use "
            + declared[2]);
      }
      return declared[2];
    }
    if (hint > 0) {
      return hint;
    }
    String imgsz = metadata.get("imgsz");
    if (imgsz != null) {
      Matcher m = FIRST_INT.matcher(imgsz);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    return DEFAULT_INPUT_SIZE;
  }
}
