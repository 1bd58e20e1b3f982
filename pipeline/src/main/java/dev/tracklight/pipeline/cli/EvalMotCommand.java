package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.mot.HotaEvaluator;
import dev.tracklight.operators.mot.HotaMetrics;
import dev.tracklight.operators.mot.MotBoxTable;
import dev.tracklight.operators.mot.MotEvaluator;
import dev.tracklight.operators.mot.MotMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tracklight eval-mot}: TrackEval-compatible CLEAR-MOT, identity and HOTA metrics as JSON. */
@Command(name = "eval-mot", mixinStandardHelpOptions = true,
    description = {"Score MOT result files against ground truth like TrackEval (MotChallenge2DBox, "
        + "IoU 0.5; HOTA over alpha 0.05..0.95).",
        "Pairs --gt and --res in order; prints JSON with per-sequence and combined metrics "
            + "(percentages with one decimal; combined = summed counts)."})
final class EvalMotCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--gt", required = true, paramLabel = "GT.txt",
      description = "Ground truth (MOT17 9-column or MOT15 10-column); repeat per sequence.")
  List<Path> gt;

  @Option(names = "--res", required = true, paramLabel = "RESULT.txt",
      description = "Tracker results in MOT format, one per --gt, same order.")
  List<Path> res;

  @Override
  public Integer call() throws Exception {
    if (gt.size() != res.size()) {
      throw new InvalidInputException(gt.size() + " --gt files but " + res.size()
          + " --res files: expected one result file per ground-truth file");
    }
    List<Map<String, Object>> sequences = new ArrayList<>();
    MotMetrics combined = MotMetrics.ZERO;
    HotaMetrics combinedHota = HotaMetrics.ZERO;
    for (int i = 0; i < gt.size(); i++) {
      MotBoxTable gtTable = MotBoxTable.readGroundTruth(gt.get(i));
      MotBoxTable resTable = MotBoxTable.readResults(res.get(i));
      MotMetrics m = MotEvaluator.evaluate(gtTable, resTable);
      HotaMetrics h = HotaEvaluator.evaluate(gtTable, resTable);
      combined = combined.plus(m);
      combinedHota = combinedHota.plus(h);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("name", sequenceName(gt.get(i)));
      row.put("gt", gt.get(i).toString());
      row.put("res", res.get(i).toString());
      row.putAll(fields(m, h));
      sequences.add(row);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("sequences", sequences);
    doc.put("combined", fields(combined, combinedHota));
    spec.commandLine().getOut().println(
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
    return 0;
  }

  /** {@code .../MOT17-04-FRCNN/gt/gt.txt} is named MOT17-04-FRCNN; other files by their name. */
  static String sequenceName(Path gtFile) {
    Path abs = gtFile.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent != null && parent.getFileName() != null
        && parent.getFileName().toString().equals("gt") && parent.getParent() != null
        && parent.getParent().getFileName() != null) {
      return parent.getParent().getFileName().toString();
    }
    String name = abs.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  static Map<String, Object> fields(MotMetrics m, HotaMetrics h) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("HOTA", percent(h.hota()));
    f.put("DetA", percent(h.detA()));
    f.put("AssA", percent(h.assA()));
    f.put("LocA", percent(h.locA()));
    f.put("MOTA", percent(m.mota()));
    f.put("MOTP", percent(m.motp()));
    f.put("IDF1", percent(m.idf1()));
    f.put("IDP", percent(m.idp()));
    f.put("IDR", percent(m.idr()));
    f.put("IDSW", m.idsw());
    f.put("FP", m.fp());
    f.put("FN", m.fn());
    f.put("TP", m.tp());
    f.put("MT", m.mt());
    f.put("PT", m.pt());
    f.put("ML", m.ml());
    f.put("Frag", m.frag());
    return f;
  }

  /** A fraction as a percentage rounded to one decimal, like TrackEval's summaries. */
  static double percent(double fraction) {
    return Math.round(fraction * 1000) / 10.0;
  }
}
