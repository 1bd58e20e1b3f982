package dev.tracklight.operators.mot;

import dev.tracklight.inference.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the comma-separated MOTChallenge text files (det, gt, results) line by line into numbers,
 * reporting every problem as {@code file:line: problem, expected ...}. Blank lines are skipped, like
 * numpy/TrackEval do.
 */
final class MotCsvLines {

  /** Receives one parsed line. */
  interface LineHandler {
    void accept(double[] values, int lineNumber);
  }

  private MotCsvLines() {}

  static void read(Path file, int minColumns, String expectedLayout, LineHandler handler) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
          continue;
        }
        String[] parts = trimmed.split(",", -1);
        if (parts.length < minColumns) {
          throw new InvalidInputException(file + ":" + lineNo + ": " + parts.length
              + " columns, expected at least " + minColumns + " (" + expectedLayout + ")");
        }
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          try {
            values[i] = Double.parseDouble(parts[i].strip());
          } catch (NumberFormatException e) {
            throw new InvalidInputException(file + ":" + lineNo + ": column " + (i + 1) + " is '"
                + parts[i].strip() + "', expected a number (" + expectedLayout + ")");
          }
          if (!Double.isFinite(values[i])) {
            throw new InvalidInputException(file + ":" + lineNo + ": column " + (i + 1)
                + " is not finite, expected a number (" + expectedLayout + ")");
          }
        }
        handler.accept(values, lineNo);
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("file not found: " + file + " (expected " + expectedLayout
          + ")");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** An integral value of a column, e.g. frame or id (TrackEval reads them as floats then ints). */
  static int integer(Path file, int lineNo, double[] values, int column, String name, int min) {
    double v = values[column];
    if (v != Math.rint(v) || v < min || v > Integer.MAX_VALUE) {
      throw new InvalidInputException(file + ":" + lineNo + ": " + name + " is " + v
          + ", expected an integer >= " + min);
    }
    return (int) v;
  }
}
