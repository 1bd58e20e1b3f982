package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.batch.RunLedger;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * {@code tracklight batch cancel RUN}: ends every job of the run that has not finished, with
 * TerminateJob for all of them: Batch cancels a job that has not reached STARTING (SUBMITTED,
 * PENDING, RUNNABLE) and stops one that is STARTING or RUNNING, whereas CancelJob would leave a
 * running job alone. Committed results stay; a video whose job is ended has no result.json.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a batch run's unfinished jobs.")
final class BatchCancelCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String run;

  @Option(names = "--out", paramLabel = "S3_PREFIX", description = "Where the run's prefix is (see batch status).")
  String out;

  /** The status reason Batch records on each ended job. */
  static final String REASON_PREFIX = "tracklight batch cancel ";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    AwsSettings aws = AwsSettings.fromEnvironment();
    try (S3Storage s3 = new S3Storage(aws); BatchAws batch = new BatchAws(aws)) {
      S3Uri prefix = BatchStatusCommand.prefix(run, out);
      RunLedger ledger = RunLedger.parse(s3.readIfExists(prefix.resolve(RunLedger.FILE)).orElseThrow(() ->
          new InvalidInputException("no run ledger at " + prefix.resolve(RunLedger.FILE) + " (expected a submitted run)")));
      // Terminating an array's parent ends all its children: one call per job, not per video.
      Set<String> parents = new LinkedHashSet<>();
      for (RunLedger.Entry e : ledger.entries()) {
        e.latest().ifPresent(j -> parents.add(j.arrayJobId().orElse(j.jobId())));
      }
      var described = batch.describe(parents.stream().toList());
      int queued = 0;
      int running = 0;
      for (String id : parents) {
        JobDetail d = described.get(id);
        if (d == null || BatchStatusCommand.TERMINAL.contains(d.statusAsString())) {
          continue;
        }
        batch.call(() -> batch.batch.terminateJob(b -> b.jobId(id).reason(REASON_PREFIX + run)));
        if (Set.of("STARTING", "RUNNING").contains(d.statusAsString())) {
          running++;
        } else {
          queued++;
        }
      }
      spec.commandLine().getOut().printf("run %s: %d job(s) cancelled (%d queued, %d running terminated)%n",
          run, queued + running, queued, running);
      return 0;
    }
  }
}
