package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HOTA on hand-made sequences whose TrackEval scores follow from the definitions by hand (the
 * real-sequence known answers are in {@link MotAccuracyGateTest}).
 */
class HotaEvaluatorTest {

  @TempDir
  Path tmp;

  private static String track(int id, int x, int from, int to) {
    return HandMadeSequences.track(id, x, from, to);
  }

  private HotaMetrics eval(String gt, String res) throws IOException {
    return HandMadeSequences.evaluate(tmp, gt, res, HotaEvaluator::evaluate);
  }

  @Test
  void perfectTrackerScoresOne() throws IOException {
    HotaMetrics h = eval(track(1, 100, 1, 10) + track(2, 500, 1, 10),
        track(7, 100, 1, 10) + track(9, 500, 1, 10));
    assertEquals(1.0, h.hota(), 1e-12);
    assertEquals(1.0, h.detA(), 1e-12);
    assertEquals(1.0, h.assA(), 1e-12);
    assertEquals(1.0, h.locA(), 1e-12);
  }

  @Test
  void idSwitchHalvesAssociation() throws IOException {
    // One GT id split over two tracker ids 5 + 5 frames: each pair's association Jaccard is
    // 5 / (10 + 5 - 5) = 0.5, so AssA = 0.5, DetA = 1, HOTA = sqrt(0.5); AssRe 0.5, AssPr 1.
    HotaMetrics h = eval(track(1, 100, 1, 10), track(5, 100, 1, 5) + track(6, 100, 6, 10));
    assertEquals(1.0, h.detA(), 1e-12);
    assertEquals(0.5, h.assA(), 1e-12);
    assertEquals(Math.sqrt(0.5), h.hota(), 1e-12);
    assertEquals(0.5, h.assRe(), 1e-12);
    assertEquals(1.0, h.assPr(), 1e-12);
  }

  @Test
  void localisationThresholdsCountOnlyAlphasTheIouReaches() throws IOException {
    // Shifted 8 px: IoU = 32 / 48 = 2/3, which reaches alpha 0.05 .. 0.65 (13 of the 19). Those
    // alphas score 1, the other 6 score 0 (10 misses + 10 false positives each).
    HotaMetrics h = eval(track(1, 100, 1, 10), track(3, 108, 1, 10));
    assertEquals(13.0 / 19, h.hota(), 1e-12);
    assertEquals(10.0, h.tp()[12]);
    assertEquals(0.0, h.tp()[13]);
    assertEquals(10.0, h.fn()[13]);
    assertEquals(10.0, h.fp()[13]);
    assertEquals((13 * (2.0 / 3) + 6) / 19, h.locA(), 1e-9);
  }

  @Test
  void falsePositiveTrackLowersDetectionOnly() throws IOException {
    // 10 GT boxes all matched, plus a 5-frame track far away: DetA = 10 / 15, AssA 1.
    HotaMetrics h = eval(track(1, 100, 1, 10), track(5, 100, 1, 10) + track(6, 900, 1, 5));
    assertEquals(10.0 / 15, h.detA(), 1e-12);
    assertEquals(1.0, h.assA(), 1e-12);
    assertEquals(Math.sqrt(10.0 / 15), h.hota(), 1e-12);
  }

  @Test
  void emptyResultsScoreZero() throws IOException {
    Path g = Files.writeString(tmp.resolve("gt-empty.txt"), track(1, 100, 1, 4));
    Path r = Files.writeString(tmp.resolve("res-empty.txt"), "");
    HotaMetrics h = HotaEvaluator.evaluate(MotBoxTable.readGroundTruth(g),
        MotBoxTable.readResults(r));
    assertEquals(0.0, h.hota());
    assertEquals(4.0, h.fn()[0]);
  }

  @Test
  void combiningSumsLikeTrackEval() throws IOException {
    HotaMetrics a = eval(track(1, 100, 1, 10), track(5, 100, 1, 5) + track(6, 100, 6, 10));
    HotaMetrics b = eval(track(1, 100, 1, 30), track(5, 100, 1, 30));
    HotaMetrics c = a.plus(b);
    // AssA weighted by TP: (0.5 * 10 + 1 * 30) / 40.
    assertEquals((0.5 * 10 + 30) / 40, c.assA(), 1e-12);
    assertEquals(1.0, c.detA(), 1e-12);
  }
}
