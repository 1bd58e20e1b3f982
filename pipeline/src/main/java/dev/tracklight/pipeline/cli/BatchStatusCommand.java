package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.s3.ResultCommit;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.batch.ComputeDiagnosis;
import dev.tracklight.pipeline.batch.PriceTable;
import dev.tracklight.pipeline.batch.RunLedger;
import dev.tracklight.pipeline.batch.WorkerProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * {@code tracklight batch status RUN}: the run's ledger joined with Batch's view (DescribeJobs,
 * in calls of 100) and the committed results: per video its state, attempts, queue-to-start
 * time, wall time, fps, highlights and result URI; why RUNNABLE jobs wait; a cost estimate.
 * {@code --watch} repeats the report every interval until every video is finished: redrawn in
 * place on a terminal, else one timestamped report after another (logs, CI).
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a batch run's videos and cost.")
final class BatchStatusCommand implements Callable<Integer> {

  static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED");

  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String run;

  @Option(names = "--out", paramLabel = "S3_PREFIX",
      description = "Where the run's prefix is (its parent, e.g. s3://results; default: where this machine submitted it).")
  String out;

  @Option(names = "--watch", description = "Redraw until every video is done or failed.")
  boolean watch;

  @Option(names = "--interval", defaultValue = "10", paramLabel = "S", description = "--watch redraw interval (default: ${DEFAULT-VALUE}).")
  int intervalSeconds;

  @Option(names = "--json", description = "JSON output.")
  boolean json;

  @Option(names = "--instance-type", defaultValue = "g4dn.xlarge", paramLabel = "TYPE",
      description = "Instance type of the cost estimate (default: ${DEFAULT-VALUE}).")
  String instanceType;

  @Option(names = "--prices", paramLabel = "FILE", description = "Price table (default: the bundled on-demand table).")
  Path prices;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  Clock clock = Clock.systemUTC();
  /** Whether stdout is a terminal (redraw in place); tests set it. */
  boolean terminal = System.console() != null;
  /** Waits between --watch reports; tests pass one that advances the world instead of sleeping. */
  Sleeper sleeper = Thread::sleep;

  /** The wait between two --watch reports. */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /** What the cost estimate counts and what it leaves out (printed with it, and in --json). */
  static final String COST_NOTE = "job running time (each attempt's start to stop) x the on-demand price;"
      + " excludes instance start-up before a job starts, idle time before the compute environment"
      + " scales down, Spot discounts, EBS, S3 and data transfer";
  private static final ObjectMapper JSON = new ObjectMapper();

  static S3Uri prefix(String run, String out) {
    if (out != null) {
      S3Uri o = S3Uri.parse(out).asPrefix();
      return o.fileName().equals(run) ? o : o.resolve(run + "/");
    }
    return RunIndex.lookup(run).map(S3Uri::parse).orElseThrow(() -> new InvalidInputException(
        "run '" + run + "' was not submitted from this machine; expected --out s3://bucket/parent-prefix"));
  }

  @Override
  public Integer call() throws Exception {
    if (intervalSeconds < 1) {
      throw new InvalidInputException("--interval must be >= 1 second, got " + intervalSeconds);
    }
    PriceTable table = prices == null ? PriceTable.bundled() : PriceTable.load(prices);
    double pricePerHour = table.perHour(instanceType);
    AwsSettings aws = AwsSettings.fromEnvironment();
    PrintWriter stdout = spec.commandLine().getOut();
    try (S3Storage s3 = new S3Storage(aws); BatchAws batch = new BatchAws(aws)) {
      S3Uri prefix = prefix(run, out);
      int frames = 0;
      while (true) {
        byte[] bytes = s3.readIfExists(prefix.resolve(RunLedger.FILE)).orElseThrow(() ->
            new InvalidInputException("no run ledger at " + prefix.resolve(RunLedger.FILE) + " (expected a submitted run)"));
        RunLedger ledger = RunLedger.parse(bytes);
        Map<String, Object> report = report(s3, batch, ledger, prefix, pricePerHour, table.currency());
        if (watch && !json) {
          if (terminal) {
            stdout.print("\033[H\033[2J"); // redraw in place
          } else if (frames > 0) {
            stdout.println(); // periodic reports, one after another
          }
          if (!terminal) {
            stdout.println("-- " + clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
          }
        }
        frames++;
        if (json) {
          stdout.println(JSON.writeValueAsString(report));
        } else {
          print(stdout, report);
        }
        stdout.flush();
        if (!watch || (Boolean) report.get("finished")) {
          return 0;
        }
        sleeper.sleep(intervalSeconds * 1000L);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> report(S3Storage s3, BatchAws batch, RunLedger ledger, S3Uri prefix,
      double pricePerHour, String currency) throws Exception {
    List<RunLedger.Entry> entries = ledger.entries();
    List<String> ids = new ArrayList<>();
    for (RunLedger.Entry e : entries) {
      for (RunLedger.JobRef j : e.jobs()) {
        ids.add(j.describeId());
      }
    }
    Map<String, JobDetail> jobs = batch.describe(ids);
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    double instanceSeconds = 0;
    boolean runnable = false;
    boolean finished = true;
    long now = clock.millis();
    for (RunLedger.Entry e : entries) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", e.id());
      row.put("video", e.uri());
      S3Uri dir = prefix.resolve(e.id() + "/");
      JsonNode result = ResultCommit.read(s3, dir).orElse(null);
      int attempts = 0;
      JobDetail latest = null;
      for (RunLedger.JobRef j : e.jobs()) {
        JobDetail d = jobs.get(j.describeId());
        if (d == null) {
          continue;
        }
        latest = d;
        attempts += d.attempts() == null ? 0 : d.attempts().size();
        for (var a : d.attempts()) {
          if (a.startedAt() != null && a.startedAt() > 0) {
            long stop = a.stoppedAt() != null && a.stoppedAt() > 0 ? a.stoppedAt() : now;
            instanceSeconds += Math.max(0, stop - a.startedAt()) / 1000.0;
          }
        }
        if (d.attempts().isEmpty() && d.startedAt() != null && d.startedAt() > 0) {
          long stop = d.stoppedAt() != null && d.stoppedAt() > 0 ? d.stoppedAt() : now;
          instanceSeconds += Math.max(0, stop - d.startedAt()) / 1000.0;
        }
      }
      String batchState = latest == null ? (e.jobs().isEmpty() ? "NOT_SUBMITTED" : "UNKNOWN") : latest.statusAsString();
      String state;
      if (result != null) {
        state = result.path("status").asText(); // done | failed: committed, final
      } else if ("SUCCEEDED".equals(batchState)) {
        state = "incomplete"; // the job ended without a commit: never shown as done
      } else {
        state = batchState.toLowerCase(Locale.ROOT);
      }
      // Finished: committed, or nothing more will happen (Batch ended the job, or has no job to run:
      // never submitted, or forgotten, as Batch does some days after a job ends).
      if (!"done".equals(state) && !"failed".equals(state) && !"incomplete".equals(state)
          && !"FAILED".equals(batchState) && !"NOT_SUBMITTED".equals(batchState) && !"UNKNOWN".equals(batchState)) {
        finished = false;
      }
      runnable |= "RUNNABLE".equals(batchState);
      row.put("state", state);
      row.put("batch_status", batchState);
      if ("RUNNING".equals(batchState) && result == null) {
        // The worker's own count (one small GET per running video); none yet or garbled: no column.
        s3.readIfExists(dir.resolve(WorkerProgress.FILE)).flatMap(WorkerProgress::parse).ifPresent(p -> {
          row.put("frames_done", p.framesDone());
          row.put("frames_total", p.framesTotal());
          row.put("progress", Math.round(p.fraction() * 1000) / 10.0);
        });
      }
      row.put("attempts", attempts);
      if (latest != null) {
        if (latest.statusReason() != null) {
          row.put("status_reason", latest.statusReason());
        }
        if (latest.startedAt() != null && latest.startedAt() > 0 && latest.createdAt() != null) {
          row.put("queue_to_start_s", (latest.startedAt() - latest.createdAt()) / 1000.0);
        }
        if (latest.startedAt() != null && latest.startedAt() > 0 && latest.stoppedAt() != null && latest.stoppedAt() > 0) {
          row.put("wall_s", (latest.stoppedAt() - latest.startedAt()) / 1000.0);
        }
      }
      if (result != null) {
        JsonNode sum = result.path("summary");
        if (sum.has("frames")) {
          row.put("frames", sum.path("frames").asLong());
          row.put("highlights", sum.path("highlights").asLong());
          double replay = result.path("timings").path("replay_s").asDouble(0);
          if (replay > 0) {
            row.put("fps", Math.round(sum.path("frames").asLong() / replay * 10) / 10.0);
          }
        }
        if (result.has("error")) {
          row.put("error", result.path("error").asText());
        }
        row.put("result_uri", dir.resolve(ResultCommit.RESULT).toString());
      }
      counts.merge(state, 1, Integer::sum);
      rows.add(row);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("run", ledger.runId());
    report.put("out", prefix.toString());
    report.put("counts", counts);
    report.put("finished", finished);
    report.put("videos", rows);
    if (runnable) {
      var q = batch.queue(ledger.jobQueue());
      report.put("runnable_causes", ComputeDiagnosis.explainRunnable(q.stateAsString(), batch.environments(q)));
    }
    Map<String, Object> cost = new LinkedHashMap<>();
    cost.put("instance_type", instanceType);
    cost.put("instance_hours", Math.round(instanceSeconds / 3600 * 1e4) / 1e4);
    cost.put("price_per_hour", pricePerHour);
    cost.put("estimate", Math.round(instanceSeconds / 3600 * pricePerHour * 1e4) / 1e4);
    cost.put("currency", currency);
    cost.put("note", COST_NOTE);
    report.put("cost", cost);
    return report;
  }

  @SuppressWarnings("unchecked")
  private static void print(PrintWriter out, Map<String, Object> r) {
    out.printf(Locale.ROOT, "run %s (%s): %s%n", r.get("run"), r.get("out"), r.get("counts"));
    out.printf(Locale.ROOT, "%-40s %-12s %3s %8s %8s %7s %5s  %s%n", "VIDEO", "STATE", "ATT", "QUEUE_S", "WALL_S",
        "FPS", "HIGHL", "RESULT / REASON");
    for (Map<String, Object> v : (List<Map<String, Object>>) r.get("videos")) {
      Object tail = v.containsKey("error") ? v.get("error")
          : v.containsKey("result_uri") ? v.get("result_uri") : v.getOrDefault("status_reason", "");
      Object state = v.containsKey("progress") ? v.get("state") + " " + Math.round((Double) v.get("progress")) + "%"
          : v.get("state");
      out.printf(Locale.ROOT, "%-40s %-12s %3s %8s %8s %7s %5s  %s%n", v.get("id"), state, v.get("attempts"),
          num(v.get("queue_to_start_s")), num(v.get("wall_s")), num(v.get("fps")), v.getOrDefault("highlights", "-"), tail);
    }
    if (r.containsKey("runnable_causes")) {
      List<String> causes = (List<String>) r.get("runnable_causes");
      out.println(causes.isEmpty() ? "jobs are RUNNABLE: no cause found in the compute environments (capacity may be arriving)"
          : "jobs are RUNNABLE because:");
      causes.forEach(c -> out.println("  - " + c));
    }
    Map<String, Object> c = (Map<String, Object>) r.get("cost");
    out.printf(Locale.ROOT, "cost estimate: %.4f instance-hours x %s %.3f/h (%s) = %s %.4f%n", c.get("instance_hours"),
        c.get("currency"), c.get("price_per_hour"), c.get("instance_type"), c.get("currency"), c.get("estimate"));
    out.println("  (" + c.get("note") + ")");
  }

  private static String num(Object o) {
    return o == null ? "-" : String.format(Locale.ROOT, "%.1f", ((Number) o).doubleValue());
  }
}
