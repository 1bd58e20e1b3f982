package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-made sequences whose TrackEval scores are known by construction. */
class MotEvaluatorTest {

  @TempDir
  Path tmp;

  private static String track(int id, int x, int from, int to) {
    return HandMadeSequences.track(id, x, from, to);
  }

  private MotMetrics eval(String gt, String res) throws IOException {
    return HandMadeSequences.evaluate(tmp, gt, res, MotEvaluator::evaluate);
  }

  @Test
  void perfectTracker() throws IOException {
    String gt = track(1, 100, 1, 10) + track(2, 500, 1, 10);
    MotMetrics m = eval(gt, track(7, 100, 1, 10) + track(9, 500, 1, 10));
    assertEquals(new MotMetrics(20, 0, 0, 0, 2, 0, 0, 0, 20.0, 20, 0, 0), m);
    assertEquals(1.0, m.mota());
    assertEquals(1.0, m.motp());
    assertEquals(1.0, m.idf1());
  }

  @Test
  void oneIdSwitch() throws IOException {
    MotMetrics m = eval(track(1, 100, 1, 10),
        track(5, 100, 1, 5) + track(6, 100, 6, 10));
    assertEquals(1, m.idsw());
    assertEquals(10, m.tp());
    assertEquals(0, m.frag());
    assertEquals(0.9, m.mota(), 1e-12);
    assertEquals(5, m.idtp()); // one GT id can own only one tracker id
    assertEquals(0.5, m.idf1(), 1e-12);
  }

  @Test
  void oneFalsePositive() throws IOException {
    MotMetrics m = eval(track(1, 100, 1, 10),
        track(5, 100, 1, 10) + track(6, 900, 4, 4));
    assertEquals(1, m.fp());
    assertEquals(0.9, m.mota(), 1e-12);
    assertEquals(1, m.idfp());
    assertEquals(10.0 / 11, m.idp(), 1e-12);
  }

  @Test
  void oneMissedTrack() throws IOException {
    MotMetrics m = eval(track(1, 100, 1, 10) + track(2, 500, 1, 10),
        track(5, 100, 1, 10));
    assertEquals(10, m.fn());
    assertEquals(1, m.mt());
    assertEquals(1, m.ml());
    assertEquals(0.5, m.mota(), 1e-12);
    assertEquals(0.5, m.idr(), 1e-12);
    assertEquals(1.0, m.idp(), 1e-12);
  }

  @Test
  void oneFragment() throws IOException {
    // Object 1 is missed in frames 4-5 while object 2 is tracked throughout.
    MotMetrics m = eval(track(1, 100, 1, 10) + track(2, 500, 1, 10),
        track(5, 100, 1, 3) + track(5, 100, 6, 10) + track(9, 500, 1, 10));
    assertEquals(1, m.frag());
    assertEquals(0, m.idsw());
    assertEquals(2, m.fn());
    assertEquals(1, m.mt()); // object 1: 8/10 = 0.8 is not "more than 80%"
    assertEquals(1, m.pt());
  }

  @Test
  void frameWithoutAnyTrackerBoxDoesNotBreakAFragmentLikeTrackEval() throws IOException {
    MotMetrics m = eval(track(1, 100, 1, 10),
        track(5, 100, 1, 3) + track(5, 100, 6, 10));
    assertEquals(0, m.frag());
    assertEquals(2, m.fn());
  }

  @Test
  void clearPrefersContinuingThePreviousMatch() throws IOException {
    // Frame 2: tracker 6 fits GT 1 better (IoU 1) but tracker 5 continues the match (IoU ~0.6).
    String gt = track(1, 100, 1, 2);
    String res = track(5, 100, 1, 1) + "2,5,110,100,40,100,1,-1,-1,-1\n"
        + track(6, 100, 2, 2);
    MotMetrics m = eval(gt, res);
    assertEquals(0, m.idsw());
    assertEquals(1, m.fp());
    assertEquals(2, m.tp());
  }

  @Test
  void mot17DropsTrackerBoxesOnDistractorsAndKeepsOnlyConsideredPedestrians() throws IOException {
    String gt = "1,1,100,100,40,100,1,1,1.0\n" // pedestrian
        + "1,2,500,100,40,100,0,7,1.0\n" // static person (distractor), not considered
        + "1,3,900,100,40,100,0,1,1.0\n" // pedestrian marked "ignore" (not a distractor class)
        + "1,4,1300,100,40,100,1,3,1.0\n"; // car: not evaluated, not a distractor
    String res = "1,10,100,100,40,100,1,-1,-1,-1\n1,11,500,100,40,100,1,-1,-1,-1\n"
        + "1,12,900,100,40,100,1,-1,-1,-1\n1,13,1300,100,40,100,1,-1,-1,-1\n";
    MotMetrics m = eval(gt, res);
    assertEquals(1, m.tp());
    assertEquals(0, m.fn());
    assertEquals(2, m.fp()); // on the ignored pedestrian and on the car; the distractor one removed
  }

  @Test
  void combiningSumsCountsInsteadOfAveragingPercentages() {
    MotMetrics a = new MotMetrics(90, 10, 0, 0, 1, 0, 0, 0, 80, 90, 10, 0);
    MotMetrics b = new MotMetrics(0, 900, 0, 0, 0, 0, 1, 0, 0, 0, 900, 0);
    MotMetrics sum = a.plus(b);
    assertEquals(0.09, sum.mota(), 1e-12); // not (0.9 + 0) / 2
    assertEquals(80.0 / 90, sum.motp(), 1e-12);
    assertEquals(2, sum.mt() + sum.ml());
  }

  @Test
  void evaluationIouHasNoPixelOffset() {
    double[] a = {0, 0, 10, 10};
    double[] b = {5, 0, 10, 10};
    assertEquals(50.0 / 150, MotEvaluator.ious(a, 1, b, 1)[0], 1e-12);
  }
}
