package dev.tracklight.operators.mot;

/**
 * The boxes of one frame of a ground-truth or result file, columnar. Arrays are owned by the record
 * and must not be modified.
 *
 * @param ids object / track ids
 * @param xywh {@code x, y, w, h} per box (top-left corner and size, MOT convention)
 * @param classes MOT17 class per box (1 = pedestrian); -1 where the file has none
 * @param consider the GT "consider" flag (column 7); always true for results
 */
public record MotFrameBoxes(int[] ids, double[] xywh, int[] classes, boolean[] consider) {

  static final MotFrameBoxes EMPTY =
      new MotFrameBoxes(new int[0], new double[0], new int[0], new boolean[0]);

  public int size() {
    return ids.length;
  }
}
