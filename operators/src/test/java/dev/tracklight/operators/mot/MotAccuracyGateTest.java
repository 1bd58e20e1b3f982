package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.inference.Detections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Accuracy gate: our ByteTrack with default parameters and the original output filter, scored by our
 * TrackEval port, must match the original Python ByteTrack scored by TrackEval on the same detection
 * files (MANIFEST.md "Tracking references"): MOTA, IDF1 and HOTA within 0.15 points (the references
 * are rounded to one decimal, so 0.05 of the margin is rounding) and the ID switches exactly. Nothing
 * is tuned to these sequences; the defaults are the original's. The HOTA column doubles as the
 * known-answer test of {@link HotaEvaluator} on real sequences.
 */
class MotAccuracyGateTest {

  private static final double TOLERANCE_POINTS = 0.15;

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}: MOTA {1}, IDF1 {2}, HOTA {3}, IDSW {4}")
  @CsvSource({
      "PETS09-S2L1, 64.7, 46.0, 36.2, 38",
      "TUD-Campus, 23.4, 33.9, 23.3, 0",
      "MOT17-02-FRCNN, 51.8, 57.2, 40.9, 159",
      "MOT17-04-FRCNN, 57.5, 65.2, 50.3, 180",
      "MOT17-09-FRCNN, 58.6, 60.5, 45.8, 59",
      "MOT17-11-FRCNN, 63.6, 65.8, 51.3, 72"})
  void matchesOriginalByteTrack(String sequence, double refMota, double refIdf1, double refHota,
      long refIdsw) {
    Path dir = MotTestData.sequence(sequence);
    MotSequenceInfo info = MotSequenceInfo.read(dir.resolve("seqinfo.ini"));
    MotDetectionFile dets = MotDetectionFile.read(MotTestData.detections(dir));
    Detections[] tracks = MotSequenceRunner.run(dets,
        ByteTrackConfig.defaults().withFrameRate(info.frameRate()), info.seqLength());
    Path out = tmp.resolve(sequence + ".txt");
    MotResultWriter.write(out, tracks, MotResultWriter.BoxFilter.BYTETRACK);
    MotBoxTable gt = MotBoxTable.readGroundTruth(dir.resolve("gt/gt.txt"));
    MotBoxTable res = MotBoxTable.readResults(out);
    MotMetrics m = MotEvaluator.evaluate(gt, res);
    HotaMetrics h = HotaEvaluator.evaluate(gt, res);
    System.out.printf(java.util.Locale.ROOT,
        "%s MOTA %.2f (ref %.1f) IDF1 %.2f (ref %.1f) HOTA %.2f (ref %.1f) IDSW %d (ref %d)"
            + " MOTP %.1f FP %d FN %d%n", sequence, 100 * m.mota(), refMota, 100 * m.idf1(),
        refIdf1, 100 * h.hota(), refHota, m.idsw(), refIdsw, 100 * m.motp(), m.fp(), m.fn());
    assertEquals(refMota, 100 * m.mota(), TOLERANCE_POINTS, "MOTA of " + sequence);
    assertEquals(refIdf1, 100 * m.idf1(), TOLERANCE_POINTS, "IDF1 of " + sequence);
    assertEquals(refHota, 100 * h.hota(), TOLERANCE_POINTS, "HOTA of " + sequence);
    assertEquals(refIdsw, m.idsw(), "ID switches of " + sequence);
  }
}
