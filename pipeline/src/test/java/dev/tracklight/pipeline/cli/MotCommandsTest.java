package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code track-mot} and {@code eval-mot} through {@link TracklightMain#execute}. */
class MotCommandsTest {

  @TempDir
  Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TracklightMain.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  private static Path sequence(String name) {
    Path dir = dev.tracklight.inference.TestAssets.root().resolve("mot").resolve(name);
    assertTrue(Files.isRegularFile(dir.resolve("seqinfo.ini")), dir + "/seqinfo.ini is missing");
    return dir;
  }

  @Test
  void tracksAndEvaluatesTwoSequences() throws IOException {
    Path tud = sequence("TUD-Campus");
    Path mot09 = sequence("MOT17-09-FRCNN");
    Path resTud = tmp.resolve("tud.txt");
    Path res09 = tmp.resolve("mot09.txt");
    Run t1 = run("track-mot", tud.toString(), "--algorithm", "bytetrack", "--out",
        resTud.toString());
    assertEquals(0, t1.code(), t1.err());
    JsonNode summary = new ObjectMapper().readTree(t1.out());
    assertEquals("TUD-Campus", summary.get("sequence").asText());
    assertTrue(summary.get("detections").asText().endsWith("det_norm.txt"));
    assertEquals(71, summary.get("frames").asInt());
    assertEquals(0, run("track-mot", mot09.toString(), "--algorithm", "bytetrack", "--out",
        res09.toString()).code());

    Run e = run("eval-mot", "--gt", tud.resolve("gt/gt.txt").toString(), "--res", resTud.toString(),
        "--gt", mot09.resolve("gt/gt.txt").toString(), "--res", res09.toString());
    assertEquals(0, e.code(), e.err());
    JsonNode doc = new ObjectMapper().readTree(e.out());
    JsonNode seqs = doc.get("sequences");
    assertEquals("TUD-Campus", seqs.get(0).get("name").asText());
    // The original ByteTrack's TrackEval scores on these files (MANIFEST.md); ours match them.
    assertEquals(23.4, seqs.get(0).get("MOTA").asDouble(), 0.15);
    assertEquals(33.9, seqs.get(0).get("IDF1").asDouble(), 0.15);
    assertEquals(23.3, seqs.get(0).get("HOTA").asDouble(), 0.15);
    assertEquals("MOT17-09-FRCNN", seqs.get(1).get("name").asText());
    assertEquals(58.6, seqs.get(1).get("MOTA").asDouble(), 0.15);
    assertEquals(60.5, seqs.get(1).get("IDF1").asDouble(), 0.15);
    assertEquals(45.8, seqs.get(1).get("HOTA").asDouble(), 0.15);
    assertEquals(59, seqs.get(1).get("IDSW").asLong());
    JsonNode combined = doc.get("combined");
    assertEquals(seqs.get(0).get("FN").asLong() + seqs.get(1).get("FN").asLong(),
        combined.get("FN").asLong());
    double mota = combined.get("MOTA").asDouble();
    assertEquals(Math.round(mota * 10) / 10.0, mota, 1e-9); // one decimal
    for (String key : new String[] {"HOTA", "DetA", "AssA", "LocA", "MOTA", "MOTP", "IDF1", "IDP",
        "IDR", "IDSW", "FP", "FN", "MT", "ML"}) {
      assertTrue(combined.has(key), key);
    }
  }

  @Test
  void defaultAlgorithmIsOcByteTrackAndUnknownOnesAreBadInput() throws IOException {
    Path tud = sequence("TUD-Campus");
    Path oc = tmp.resolve("oc.txt");
    Path bt = tmp.resolve("bt.txt");
    assertEquals(0, run("track-mot", tud.toString(), "--out", oc.toString()).code());
    assertEquals(0, run("track-mot", tud.toString(), "--algorithm", "oc-bytetrack", "--out",
        bt.toString()).code());
    assertEquals(Files.readString(bt), Files.readString(oc));
    Run bad = run("track-mot", tud.toString(), "--algorithm", "sort", "--out",
        tmp.resolve("x.txt").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown tracking algorithm 'sort': expected one of bytetrack, "
        + "oc-bytetrack"), bad.err());
    assertTrue(Files.notExists(tmp.resolve("x.txt")));
  }

  @Test
  void explicitDetectionsAndParametersAreUsed() throws IOException {
    Path seq = tmp.resolve("seq");
    Files.createDirectories(seq.resolve("det"));
    Files.writeString(seq.resolve("seqinfo.ini"),
        "[Sequence]\nname=tiny\nframeRate=30\nseqLength=3\nimWidth=640\nimHeight=480\n");
    Path dets = Files.writeString(tmp.resolve("mine.txt"),
        "1,-1,10,10,40,100,0.65,-1,-1,-1\n2,-1,11,10,40,100,0.65,-1,-1,-1\n"
            + "3,-1,12,10,40,100,0.65,-1,-1,-1\n");
    Path out = tmp.resolve("out.txt");
    Run r = run("track-mot", seq.toString(), "--dets", dets.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(3, Files.readAllLines(out).size());
    // 0.65 is below a new-track threshold of 0.7: no track at all.
    Run strict = run("track-mot", seq.toString(), "--dets", dets.toString(), "--out",
        out.toString(), "--new-track-thresh", "0.7");
    assertEquals(0, strict.code(), strict.err());
    assertEquals(0, Files.readAllLines(out).size());
  }

  @Test
  void badInputExitsWithCode2AndOneLine() throws IOException {
    Path out = tmp.resolve("o.txt");
    Run missing = run("track-mot", tmp.resolve("nope").toString(), "--out", out.toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().startsWith("error: sequence directory not found"), missing.err());
    assertEquals(1, missing.err().strip().lines().count());

    Path seq = tmp.resolve("seq");
    Files.createDirectories(seq.resolve("det"));
    Files.writeString(seq.resolve("seqinfo.ini"),
        "[Sequence]\nname=tiny\nframeRate=30\nseqLength=3\nimWidth=640\nimHeight=480\n");
    Files.writeString(seq.resolve("det/det.txt"), "1,-1,10,10,40,100,0.9\n1,-1,oops,10,40,100,0.9\n");
    Run malformed = run("track-mot", seq.toString(), "--out", out.toString());
    assertEquals(2, malformed.code());
    assertTrue(malformed.err().contains("det.txt:2: column 3 is 'oops'"), malformed.err());

    Files.writeString(seq.resolve("det/det.txt"), "1,-1,10,10,40,100,0.9\n");
    Run negative = run("track-mot", seq.toString(), "--out", out.toString(), "--track-thresh",
        "-0.5");
    assertEquals(2, negative.code());
    assertTrue(negative.err().contains("trackThresh -0.5"), negative.err());

    Path gt = Files.writeString(tmp.resolve("gt.txt"), "1,1,10,10,40,100,1,1,1\n");
    Run unpaired = run("eval-mot", "--gt", gt.toString(), "--gt", gt.toString(), "--res",
        out.toString());
    assertEquals(2, unpaired.code());
    assertTrue(unpaired.err().contains("2 --gt files but 1 --res files"), unpaired.err());
    Run noRes = run("eval-mot", "--gt", gt.toString(), "--res", tmp.resolve("x.txt").toString());
    assertEquals(2, noRes.code());
    assertTrue(noRes.err().contains("file not found"), noRes.err());
  }

  @Test
  void helpDescribesOptions() {
    Run track = run("track-mot", "--help");
    assertEquals(0, track.code());
    assertTrue(track.out().contains("--track-thresh") && track.out().contains("default: 0.5"),
        track.out());
    Run eval = run("eval-mot", "--help");
    assertEquals(0, eval.code());
    assertTrue(eval.out().contains("--gt") && eval.out().contains("TrackEval"), eval.out());
  }
}
