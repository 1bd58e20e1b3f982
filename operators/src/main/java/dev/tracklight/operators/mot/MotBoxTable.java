package dev.tracklight.operators.mot;

import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A ground-truth or tracker-result file grouped by frame. Immutable after reading.
 *
 * <p>Ground truth: {@link MotBenchmark#MOT17} (9 columns) or {@link MotBenchmark#MOT15} (10
 * columns), told apart by the column count of the file. Results: {@code frame,id,x,y,w,h[,conf,...]};
 * like TrackEval, a class column (8th) above 1 is rejected since only pedestrians are evaluated.
 * Ids must be unique within a frame (TrackEval refuses duplicates too).
 */
public final class MotBoxTable {

  private static final String GT17 = "frame,id,x,y,w,h,consider,class,visibility";
  private static final String GT15 = "frame,id,x,y,w,h,consider,-1,-1,-1";
  private static final String RESULT = "frame,id,x,y,w,h,conf,-1,-1,-1";

  private final Path source;
  private final MotBenchmark benchmark;
  private final MotFrameBoxes[] frames;

  private MotBoxTable(Path source, MotBenchmark benchmark, MotFrameBoxes[] frames) {
    this.source = source;
    this.benchmark = benchmark;
    this.frames = frames;
  }

  /** Reads a MOT15 or MOT17 ground-truth file. */
  public static MotBoxTable readGroundTruth(Path file) {
    MotBenchmark[] layout = {null};
    Rows rows = new Rows();
    MotCsvLines.read(file, 9, GT17 + " (MOT17) or " + GT15 + " (MOT15)", (v, lineNo) -> {
      MotBenchmark b = v.length == 9 ? MotBenchmark.MOT17
          : v.length == 10 ? MotBenchmark.MOT15 : null;
      if (b == null || (layout[0] != null && layout[0] != b)) {
        throw new InvalidInputException(file + ":" + lineNo + ": " + v.length + " columns, expected "
            + (layout[0] == null ? "9 (" + GT17 + ") or 10 (" + GT15 + ")"
                : layout[0].gtColumns() + " like the lines before"));
      }
      layout[0] = b;
      int cls = b == MotBenchmark.MOT17 ? MotCsvLines.integer(file, lineNo, v, 7, "class", 1) : -1;
      // TrackEval casts the flag to int, so only an integral 0 (or |v| < 1) means "ignore".
      rows.add(file, lineNo, v, cls, (int) v[6] != 0);
    });
    return new MotBoxTable(file, layout[0] == null ? MotBenchmark.MOT17 : layout[0],
        rows.groupByFrame(file));
  }

  /** Reads a tracker result file. */
  public static MotBoxTable readResults(Path file) {
    Rows rows = new Rows();
    MotCsvLines.read(file, 6, RESULT, (v, lineNo) -> {
      if (v.length >= 8 && v[7] > 1) {
        throw new InvalidInputException(file + ":" + lineNo + ": class " + v[7]
            + ", expected pedestrian results only (class column 1 or -1)");
      }
      rows.add(file, lineNo, v, -1, true);
    });
    return new MotBoxTable(file, null, rows.groupByFrame(file));
  }

  public Path source() {
    return source;
  }

  /** Ground-truth layout; null for result files. */
  public MotBenchmark benchmark() {
    return benchmark;
  }

  public int lastFrame() {
    return frames.length - 1;
  }

  /** Boxes of a 1-based frame; empty outside the file's range. */
  public MotFrameBoxes frame(int frame) {
    return frame >= 1 && frame < frames.length ? frames[frame] : MotFrameBoxes.EMPTY;
  }

  /** Growable columnar rows in file order, grouped by frame at the end. */
  private static final class Rows {
    int[] frames = new int[1024];
    int[] ids = new int[1024];
    int[] classes = new int[1024];
    boolean[] consider = new boolean[1024];
    double[] xywh = new double[4 * 1024];
    int n;
    int lastFrame;

    void add(Path file, int lineNo, double[] v, int cls, boolean considered) {
      int frame = MotCsvLines.integer(file, lineNo, v, 0, "frame", 1);
      int id = MotCsvLines.integer(file, lineNo, v, 1, "id", Integer.MIN_VALUE);
      if (n == frames.length) {
        frames = Arrays.copyOf(frames, 2 * n);
        ids = Arrays.copyOf(ids, 2 * n);
        classes = Arrays.copyOf(classes, 2 * n);
        consider = Arrays.copyOf(consider, 2 * n);
        xywh = Arrays.copyOf(xywh, 8 * n);
      }
      frames[n] = frame;
      ids[n] = id;
      classes[n] = cls;
      consider[n] = considered;
      System.arraycopy(v, 2, xywh, 4 * n, 4);
      lastFrame = Math.max(lastFrame, frame);
      n++;
    }

    MotFrameBoxes[] groupByFrame(Path file) {
      int[] perFrame = new int[lastFrame + 1];
      for (int i = 0; i < n; i++) {
        perFrame[frames[i]]++;
      }
      MotFrameBoxes[] out = new MotFrameBoxes[lastFrame + 1];
      for (int f = 0; f <= lastFrame; f++) {
        out[f] = new MotFrameBoxes(new int[perFrame[f]], new double[4 * perFrame[f]],
            new int[perFrame[f]], new boolean[perFrame[f]]);
      }
      int[] fill = new int[lastFrame + 1];
      for (int i = 0; i < n; i++) {
        MotFrameBoxes fb = out[frames[i]];
        int k = fill[frames[i]]++;
        fb.ids()[k] = ids[i];
        fb.classes()[k] = classes[i];
        fb.consider()[k] = consider[i];
        System.arraycopy(xywh, 4 * i, fb.xywh(), 4 * k, 4);
      }
      for (int f = 1; f <= lastFrame; f++) {
        int[] sorted = out[f].ids().clone();
        Arrays.sort(sorted);
        for (int k = 1; k < sorted.length; k++) {
          if (sorted[k] == sorted[k - 1]) {
            throw new InvalidInputException(file + ": id " + sorted[k] + " appears twice in frame "
                + f + ", expected unique ids per frame");
          }
        }
      }
      return out;
    }
  }
}
