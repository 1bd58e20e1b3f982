package dev.tracklight.operators.mot;

/**
 * Which MOTChallenge ground-truth layout, and so which TrackEval preprocessing, applies.
 */
public enum MotBenchmark {
  /**
   * 2D MOT 2015: {@code frame,id,x,y,w,h,consider,x3d,y3d,z3d} (10 columns); no classes, so only the
   * consider flag filters ground truth and no distractor removal happens.
   */
  MOT15,
  /**
   * MOT16/MOT17: {@code frame,id,x,y,w,h,consider,class,visibility} (9 columns); pedestrians
   * (class 1) with consider flag are evaluated, tracker boxes matched to distractor classes removed.
   */
  MOT17;

  /** GT column count that identifies the layout. */
  int gtColumns() {
    return this == MOT15 ? 10 : 9;
  }
}
