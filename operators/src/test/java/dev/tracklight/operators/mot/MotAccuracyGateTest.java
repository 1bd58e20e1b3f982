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
 * TrackEval port, must be within 1.0 point (MOTA and IDF1) of the original Python ByteTrack scored by
 * TrackEval on the same detection files (MANIFEST.md "Tracking references"). Nothing is tuned to
 * these sequences; the defaults are the original's.
 */
class MotAccuracyGateTest {

  private static final double TOLERANCE_POINTS = 1.0;

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}: MOTA {1}, IDF1 {2}")
  @CsvSource({
      "PETS09-S2L1, 64.7, 46.0",
      "TUD-Campus, 23.4, 33.9",
      "MOT17-02-FRCNN, 51.8, 57.2",
      "MOT17-04-FRCNN, 57.5, 65.2",
      "MOT17-09-FRCNN, 58.6, 60.5",
      "MOT17-11-FRCNN, 63.6, 65.8"})
  void matchesOriginalByteTrack(String sequence, double refMota, double refIdf1) {
    Path dir = MotTestData.sequence(sequence);
    MotSequenceInfo info = MotSequenceInfo.read(dir.resolve("seqinfo.ini"));
    MotDetectionFile dets = MotDetectionFile.read(MotTestData.detections(dir));
    Detections[] tracks = MotSequenceRunner.run(dets,
        ByteTrackConfig.defaults().withFrameRate(info.frameRate()), info.seqLength());
    Path out = tmp.resolve(sequence + ".txt");
    MotResultWriter.write(out, tracks, MotResultWriter.BoxFilter.BYTETRACK);
    MotMetrics m = MotEvaluator.evaluate(MotBoxTable.readGroundTruth(dir.resolve("gt/gt.txt")),
        MotBoxTable.readResults(out));
    System.out.printf(java.util.Locale.ROOT,
        "%s MOTA %.1f (ref %.1f) IDF1 %.1f (ref %.1f) IDSW %d MOTP %.1f FP %d FN %d%n", sequence,
        100 * m.mota(), refMota, 100 * m.idf1(), refIdf1, m.idsw(), 100 * m.motp(), m.fp(), m.fn());
    assertEquals(refMota, 100 * m.mota(), TOLERANCE_POINTS, "MOTA of " + sequence);
    assertEquals(refIdf1, 100 * m.idf1(), TOLERANCE_POINTS, "IDF1 of " + sequence);
  }
}
