package dev.tracklight.operators.mot;

import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

  /** Rows in file order, grouped at the end. */
  private static final class Rows {
    final List<int[]> intRows = new ArrayList<>(); // frame, id, class, consider
    final List<double[]> boxRows = new ArrayList<>();
    int lastFrame;

    void add(Path file, int lineNo, double[] v, int cls, boolean consider) {
      int frame = MotCsvLines.integer(file, lineNo, v, 0, "frame", 1);
      int id = MotCsvLines.integer(file, lineNo, v, 1, "id", Integer.MIN_VALUE);
      intRows.add(new int[] {frame, id, cls, consider ? 1 : 0});
      boxRows.add(new double[] {v[2], v[3], v[4], v[5]});
      lastFrame = Math.max(lastFrame, frame);
    }

    MotFrameBoxes[] groupByFrame(Path file) {
      int[] perFrame = new int[lastFrame + 1];
      for (int[] r : intRows) {
        perFrame[r[0]]++;
      }
      MotFrameBoxes[] out = new MotFrameBoxes[lastFrame + 1];
      for (int f = 0; f <= lastFrame; f++) {
        out[f] = new MotFrameBoxes(new int[perFrame[f]], new double[4 * perFrame[f]],
            new int[perFrame[f]], new boolean[perFrame[f]]);
      }
      int[] fill = new int[lastFrame + 1];
      for (int i = 0; i < intRows.size(); i++) {
        int[] r = intRows.get(i);
        MotFrameBoxes fb = out[r[0]];
        int k = fill[r[0]]++;
        fb.ids()[k] = r[1];
        fb.classes()[k] = r[2];
        fb.consider()[k] = r[3] != 0;
        System.arraycopy(boxRows.get(i), 0, fb.xywh(), 4 * k, 4);
      }
      for (int f = 1; f <= lastFrame; f++) {
        int[] ids = out[f].ids().clone();
        Arrays.sort(ids);
        for (int k = 1; k < ids.length; k++) {
          if (ids[k] == ids[k - 1]) {
            throw new InvalidInputException(file + ": id " + ids[k] + " appears twice in frame " + f
                + ", expected unique ids per frame");
          }
        }
      }
      return out;
    }
  }
}
