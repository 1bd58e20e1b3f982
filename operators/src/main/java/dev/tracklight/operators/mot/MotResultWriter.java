package dev.tracklight.operators.mot;

import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes tracker output in MOTChallenge result format {@code frame,id,x,y,w,h,1,-1,-1,-1}, after the
 * output filter of the original ByteTrack MOT evaluation: a box is written only if
 * {@code w * h > minBoxArea} and it is not "vertical" in the original's (inverted) naming, i.e.
 * {@code w / h <= maxAspectRatio}. Pedestrians are tall, so wide boxes are treated as noise.
 */
public final class MotResultWriter {

  /**
   * The filter.
   *
   * @param minBoxArea boxes of at most this many square pixels are dropped (original
   *     {@code min_box_area}, 10)
   * @param maxAspectRatio boxes with {@code w / h} above this are dropped (original 1.6)
   */
  public record BoxFilter(double minBoxArea, double maxAspectRatio) {
    /** The original ByteTrack MOT filter. */
    public static final BoxFilter BYTETRACK = new BoxFilter(10, 1.6);

    public BoxFilter {
      if (!(minBoxArea >= 0) || !(maxAspectRatio > 0)) {
        throw new InvalidInputException("invalid MOT output filter: minBoxArea " + minBoxArea
            + ", maxAspectRatio " + maxAspectRatio + "; expected minBoxArea >= 0, maxAspectRatio > 0");
      }
    }

    public boolean keeps(double w, double h) {
      boolean vertical = w / h > maxAspectRatio; // the original's name for a too-wide box
      return w * h > minBoxArea && !vertical;
    }
  }

  private MotResultWriter() {}

  /** Detection {@code i} of {@code d} as one unfiltered MOT result row for 1-based {@code frame}. */
  public static String row(long frame, Detections d, int i) {
    return String.format(Locale.ROOT, "%d,%d,%.2f,%.2f,%.2f,%.2f,1,-1,-1,-1", frame, d.trackId(i),
        d.x1(i), d.y1(i), d.x2(i) - d.x1(i), d.y2(i) - d.y1(i));
  }

  /**
   * Writes {@code byFrame[f]} (index = 1-based frame; null or empty = no output) to {@code file}.
   *
   * @return the number of rows written
   */
  public static int write(Path file, Detections[] byFrame, BoxFilter filter) {
    int rows = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int f = 1; f < byFrame.length; f++) {
        Detections d = byFrame[f];
        if (d == null) {
          continue;
        }
        for (int i = 0; i < d.size(); i++) {
          double x = d.x1(i);
          double y = d.y1(i);
          double w = d.x2(i) - x;
          double h = d.y2(i) - y;
          if (!filter.keeps(w, h)) {
            continue;
          }
          out.write(row(f, d, i));
          out.newLine();
          rows++;
        }
      }
    } catch (IOException e) {
      throw new InvalidInputException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return rows;
  }
}
