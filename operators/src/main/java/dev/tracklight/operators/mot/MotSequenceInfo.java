package dev.tracklight.operators.mot;

import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code [Sequence]} section of a MOTChallenge {@code seqinfo.ini}. */
public record MotSequenceInfo(String name, double frameRate, int seqLength, int imWidth,
    int imHeight) {

  public MotSequenceInfo {
    if (!(frameRate > 0) || seqLength < 1 || imWidth < 1 || imHeight < 1) {
      throw new InvalidInputException("invalid sequence info for " + name + ": frameRate "
          + frameRate + ", seqLength " + seqLength + ", size " + imWidth + "x" + imHeight
          + "; expected positive values");
    }
  }

  /** Parses {@code seqinfo.ini}; the keys name, frameRate, seqLength, imWidth, imHeight are required. */
  public static MotSequenceInfo read(Path ini) {
    List<String> lines;
    try {
      lines = Files.readAllLines(ini, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("file not found: " + ini + " (expected a MOTChallenge seqinfo.ini)");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + ini + ": " + e.getMessage(), e);
    }
    Map<String, String> kv = new HashMap<>();
    boolean inSequence = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[")) {
        inSequence = line.equalsIgnoreCase("[Sequence]");
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new InvalidInputException(ini + ":" + (i + 1) + ": '" + line
            + "' is not key=value, expected an ini entry");
      }
      if (inSequence) {
        kv.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
      }
    }
    return new MotSequenceInfo(required(ini, kv, "name"),
        number(ini, kv, "frameRate"), (int) integer(ini, kv, "seqLength"),
        (int) integer(ini, kv, "imWidth"), (int) integer(ini, kv, "imHeight"));
  }

  private static String required(Path ini, Map<String, String> kv, String key) {
    String v = kv.get(key);
    if (v == null || v.isEmpty()) {
      throw new InvalidInputException(ini + ": missing '" + key + "' in [Sequence], expected "
          + "name, frameRate, seqLength, imWidth, imHeight");
    }
    return v;
  }

  private static double number(Path ini, Map<String, String> kv, String key) {
    String v = required(ini, kv, key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(ini + ": " + key + " is '" + v + "', expected a number");
    }
  }

  private static long integer(Path ini, Map<String, String> kv, String key) {
    String v = required(ini, kv, key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(ini + ": " + key + " is '" + v + "', expected an integer");
    }
  }
}
