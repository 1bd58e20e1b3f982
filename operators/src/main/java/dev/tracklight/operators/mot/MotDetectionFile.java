package dev.tracklight.operators.mot;

import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A MOTChallenge detection file ({@code frame,-1,x,y,w,h,conf,...}) grouped by frame. Class ids are
 * 0 (COCO person: MOT detections are pedestrians). Immutable after reading.
 */
public final class MotDetectionFile {

  private static final String LAYOUT = "frame,-1,x,y,w,h,conf[,...]";

  private final Detections[] byFrame;

  private MotDetectionFile(Detections[] byFrame) {
    this.byFrame = byFrame;
  }

  /**
   * Reads a det file; rows need not be sorted by frame.
   *
   * @throws InvalidInputException for a missing file or a malformed line (with file:line)
   */
  public static MotDetectionFile read(Path file) {
    Rows rows = new Rows();
    MotCsvLines.read(file, 7, LAYOUT, (v, lineNo) -> {
      int frame = MotCsvLines.integer(file, lineNo, v, 0, "frame", 1);
      if (!(v[4] > 0 && v[5] > 0)) {
        throw new InvalidInputException(file + ":" + lineNo + ": box size " + v[4] + "x" + v[5]
            + ", expected positive width and height");
      }
      rows.add(frame, v[2], v[3], v[4], v[5], v[6]);
    });
    return new MotDetectionFile(rows.groupByFrame());
  }

  /** Highest frame number with a detection (0 for an empty file). */
  public int lastFrame() {
    return byFrame.length - 1;
  }

  /** Detections of a 1-based frame; empty for frames without detections or beyond the file. */
  public Detections frame(int frame) {
    return frame >= 1 && frame < byFrame.length ? byFrame[frame] : Detections.empty();
  }

  /** Total number of detections. */
  public int size() {
    int n = 0;
    for (Detections d : byFrame) {
      n += d.size();
    }
    return n;
  }

  /** Growable columnar rows in file order. */
  private static final class Rows {
    int[] frames = new int[1024];
    float[] boxes = new float[4 * 1024];
    float[] scores = new float[1024];
    int n;
    int lastFrame;

    void add(int frame, double x, double y, double w, double h, double score) {
      if (n == frames.length) {
        frames = Arrays.copyOf(frames, 2 * n);
        boxes = Arrays.copyOf(boxes, 8 * n);
        scores = Arrays.copyOf(scores, 2 * n);
      }
      frames[n] = frame;
      boxes[4 * n] = (float) x;
      boxes[4 * n + 1] = (float) y;
      boxes[4 * n + 2] = (float) (x + w);
      boxes[4 * n + 3] = (float) (y + h);
      scores[n] = (float) score;
      lastFrame = Math.max(lastFrame, frame);
      n++;
    }

    Detections[] groupByFrame() {
      int[] perFrame = new int[lastFrame + 1];
      for (int i = 0; i < n; i++) {
        perFrame[frames[i]]++;
      }
      float[][] b = new float[lastFrame + 1][];
      float[][] s = new float[lastFrame + 1][];
      for (int f = 0; f <= lastFrame; f++) {
        b[f] = new float[4 * perFrame[f]];
        s[f] = new float[perFrame[f]];
      }
      int[] fill = new int[lastFrame + 1];
      for (int i = 0; i < n; i++) {
        int f = frames[i];
        int k = fill[f]++;
        System.arraycopy(boxes, 4 * i, b[f], 4 * k, 4);
        s[f][k] = scores[i];
      }
      Detections[] byFrame = new Detections[lastFrame + 1];
      for (int f = 0; f <= lastFrame; f++) {
        // Class 0 = COCO person, the only class in MOT detection files.
        byFrame[f] = Detections.of(b[f], s[f], new int[perFrame[f]]);
      }
      return byFrame;
    }
  }
}
