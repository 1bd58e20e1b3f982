package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers and writer of MOTChallenge text files. */
class MotFilesTest {

  @TempDir
  Path tmp;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  @Test
  void readsDetectionsGroupedByFrame() throws IOException {
    Path p = write("det.txt", "1,-1,10,20,30,40,0.9,-1,-1,-1\n\n3,-1,1.5,2,3,4,0.25,-1,-1,-1\n"
        + "1,-1,0,0,5,5,0.5,-1,-1,-1\n");
    MotDetectionFile d = MotDetectionFile.read(p);
    assertEquals(3, d.lastFrame());
    assertEquals(3, d.size());
    assertEquals(2, d.frame(1).size());
    assertEquals(0, d.frame(2).size());
    assertEquals(0, d.frame(99).size());
    Detections f1 = d.frame(1);
    assertArrayEquals(new float[] {10, 20, 40, 60, 0, 0, 5, 5}, f1.boxes());
    assertEquals(0.25f, d.frame(3).score(0));
    assertEquals(0, d.frame(3).classId(0));
  }

  @Test
  void malformedLinesNameFileAndLine() throws IOException {
    Path p = write("det.txt", "1,-1,10,20,30,40,0.9\n2,-1,10,abc,30,40,0.9\n");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> MotDetectionFile.read(p));
    assertTrue(e.getMessage().startsWith(p + ":2: column 4 is 'abc', expected a number"),
        e.getMessage());
    Path shortLine = write("short.txt", "1,-1,10,20,30\n");
    assertTrue(assertThrows(InvalidInputException.class, () -> MotDetectionFile.read(shortLine))
        .getMessage().contains(":1: 5 columns, expected at least 7"));
    Path frac = write("frac.txt", "1.5,-1,10,20,30,40,0.9\n");
    assertTrue(assertThrows(InvalidInputException.class, () -> MotDetectionFile.read(frac))
        .getMessage().contains(":1: frame is 1.5"));
    Path neg = write("neg.txt", "1,-1,10,20,-30,40,0.9\n");
    assertTrue(assertThrows(InvalidInputException.class, () -> MotDetectionFile.read(neg))
        .getMessage().contains("expected positive width and height"));
    assertTrue(assertThrows(InvalidInputException.class,
        () -> MotDetectionFile.read(tmp.resolve("nope.txt"))).getMessage()
        .startsWith("file not found: "));
  }

  @Test
  void readsMot17AndMot15GroundTruth() throws IOException {
    MotBoxTable g17 = MotBoxTable.readGroundTruth(write("g17.txt",
        "1,1,912,484,97,109,0,7,1\n2,1,912,484,97,109,1,1,0.5\n"));
    assertEquals(MotBenchmark.MOT17, g17.benchmark());
    assertEquals(7, g17.frame(1).classes()[0]);
    assertEquals(false, g17.frame(1).consider()[0]);
    assertEquals(true, g17.frame(2).consider()[0]);
    MotBoxTable g15 = MotBoxTable.readGroundTruth(write("g15.txt",
        "1,9,499,158,31.03,75.17,1,-4.1554,-7.3591,0\n"));
    assertEquals(MotBenchmark.MOT15, g15.benchmark());
    assertArrayEquals(new double[] {499, 158, 31.03, 75.17}, g15.frame(1).xywh());
  }

  @Test
  void rejectsInconsistentOrDuplicateGroundTruth() throws IOException {
    Path mixed = write("mixed.txt", "1,1,1,1,5,5,1,1,1\n1,2,1,1,5,5,1,-1,-1,-1\n");
    assertTrue(assertThrows(InvalidInputException.class, () -> MotBoxTable.readGroundTruth(mixed))
        .getMessage().contains(":2: 10 columns, expected 9 like the lines before"));
    Path dup = write("dup.txt", "1,1,1,1,5,5,0.9,-1,-1,-1\n1,1,9,9,5,5,0.9,-1,-1,-1\n");
    assertTrue(assertThrows(InvalidInputException.class, () -> MotBoxTable.readResults(dup))
        .getMessage().contains("id 1 appears twice in frame 1"));
    Path car = write("car.txt", "1,1,1,1,5,5,0.9,3,-1,-1\n");
    assertThrows(InvalidInputException.class, () -> MotBoxTable.readResults(car));
  }

  @Test
  void readsSeqinfo() throws IOException {
    MotSequenceInfo info = MotSequenceInfo.read(write("seqinfo.ini",
        "[Sequence]\nname=TUD-Campus\nimDir=img1\nframeRate=25\nseqLength=71\nimWidth=640\n"
            + "imHeight=480\nimExt=.jpg\n"));
    assertEquals(new MotSequenceInfo("TUD-Campus", 25, 71, 640, 480), info);
    Path missing = write("bad.ini", "[Sequence]\nname=x\nframeRate=25\n");
    assertTrue(assertThrows(InvalidInputException.class, () -> MotSequenceInfo.read(missing))
        .getMessage().contains("missing 'seqLength'"));
  }

  @Test
  void writerAppliesTheOriginalOutputFilter() throws IOException {
    Detections frame1 = Detections.of(new float[] {
        10, 20, 50, 120, // 40x100: kept
        0, 0, 3, 3, // area 9 <= 10: dropped
        0, 0, 170, 100, // w/h 1.7 > 1.6: dropped
        0, 0, 160, 100}, // w/h exactly 1.6: kept
        new float[] {0.9f, 0.9f, 0.9f, 0.9f}, new int[4], new int[] {3, 4, 5, 6});
    Path out = tmp.resolve("res.txt");
    int rows = MotResultWriter.write(out,
        new Detections[] {Detections.empty(), frame1, Detections.empty()},
        MotResultWriter.BoxFilter.BYTETRACK);
    assertEquals(2, rows);
    assertEquals("1,3,10.00,20.00,40.00,100.00,1,-1,-1,-1\n1,6,0.00,0.00,160.00,100.00,1,-1,-1,-1\n",
        Files.readString(out).replace(System.lineSeparator(), "\n"));
  }
}
