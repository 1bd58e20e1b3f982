package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.Detections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The goal of {@code oc-bytetrack} (issue 13) on the same detections as the original ByteTrack
 * references (MANIFEST.md "Tracking references"): mean IDF1 at least 1.0 point higher over the six
 * sequences, and no sequence losing more than 0.5 MOTA. Scored by the same evaluator, same output
 * filter; the recommended parameters, nothing tuned per sequence.
 */
class OcByteTrackMotTest {

  private static final String[] SEQUENCES = {"PETS09-S2L1", "TUD-Campus", "MOT17-02-FRCNN",
      "MOT17-04-FRCNN", "MOT17-09-FRCNN", "MOT17-11-FRCNN"};

  @TempDir
  Path tmp;

  private double[] score(ByteTrackConfig config, String sequence, String label) {
    Path dir = MotTestData.sequence(sequence);
    MotSequenceInfo info = MotSequenceInfo.read(dir.resolve("seqinfo.ini"));
    MotDetectionFile dets = MotDetectionFile.read(MotTestData.detections(dir));
    Detections[] tracks = MotSequenceRunner.run(dets, config.withFrameRate(info.frameRate()),
        info.seqLength());
    Path out = tmp.resolve(label + "-" + sequence + ".txt");
    MotResultWriter.write(out, tracks, MotResultWriter.BoxFilter.BYTETRACK);
    MotBoxTable gt = MotBoxTable.readGroundTruth(dir.resolve("gt/gt.txt"));
    MotBoxTable res = MotBoxTable.readResults(out);
    MotMetrics m = MotEvaluator.evaluate(gt, res);
    HotaMetrics h = HotaEvaluator.evaluate(gt, res);
    return new double[] {100 * m.mota(), 100 * m.idf1(), m.idsw(), 100 * h.hota()};
  }

  @Test
  void beatsByteTrackOnTheSameDetections() {
    double idf1Before = 0;
    double idf1After = 0;
    StringBuilder table = new StringBuilder(
        "sequence          MOTA before/after   IDF1 before/after   IDSW before/after   HOTA before/after\n");
    for (String seq : SEQUENCES) {
      double[] b = score(ByteTrackConfig.defaults(), seq, "bytetrack");
      double[] a = score(ByteTrackConfig.recommended(), seq, "oc");
      idf1Before += b[1] / SEQUENCES.length;
      idf1After += a[1] / SEQUENCES.length;
      table.append(String.format(Locale.ROOT,
          "%-16s  %6.2f / %6.2f     %6.2f / %6.2f     %5.0f / %5.0f       %6.2f / %6.2f%n",
          seq, b[0], a[0], b[1], a[1], b[2], a[2], b[3], a[3]));
      assertTrue(a[0] >= b[0] - 0.5, seq + " loses " + (b[0] - a[0]) + " MOTA points\n" + table);
    }
    table.append(String.format(Locale.ROOT, "mean IDF1 %.2f -> %.2f%n", idf1Before, idf1After));
    System.out.print(table);
    assertTrue(idf1After >= idf1Before + 1.0, "mean IDF1 gain below 1.0 point\n" + table);
  }
}
