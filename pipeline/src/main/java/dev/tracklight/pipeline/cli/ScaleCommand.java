package dev.tracklight.pipeline.cli;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.job.JobRescaler;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracklight scale}: changes a running job's parallelism on a cluster with the adaptive
 * scheduler ({@link JobRescaler}); waits until it runs at the new parallelism and says how long the
 * job paused.
 */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Change a running job's parallelism (cluster with jobmanager.scheduler: adaptive).",
        "The job restarts from its latest checkpoint at the new parallelism: cameras move with their"
            + " state, track ids continue."})
final class ScaleCommand implements Callable<Integer> {

  @Option(names = "--jobmanager", required = true, paramLabel = "HOST:PORT",
      description = "REST address of the Flink cluster.")
  String jobManager;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job's id (replay and run print it).")
  String jobId;

  @Option(names = "--parallelism", required = true, paramLabel = "N", description = "Subtasks per operator.")
  int parallelism;

  @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "120",
      description = "Wait this long for the job to run at the new parallelism; 0: do not wait (default: ${DEFAULT-VALUE}).")
  double waitSeconds;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!(waitSeconds >= 0 && waitSeconds <= 3600)) {
      throw new InvalidInputException("--wait " + waitSeconds + ": expected 0..3600 seconds");
    }
    JobRescaler.Result r = JobRescaler.forRestAddress(jobManager)
        .rescale(jobId, parallelism, Duration.ofMillis((long) (waitSeconds * 1000)));
    PrintWriter out = spec.commandLine().getOut();
    if (waitSeconds == 0) {
      out.printf(Locale.ROOT, "asked job %s to run at parallelism %d (was %d)%n", jobId, parallelism, r.before());
    } else if (r.after() == parallelism) {
      out.printf(Locale.ROOT, "job %s runs at parallelism %d (was %d); paused %.1f s%n", jobId, r.after(),
          r.before(), r.pause().toMillis() / 1000.0);
    } else {
      out.printf(Locale.ROOT, "job %s runs at parallelism %d after %.0f s, not %d yet: the cluster has too few"
          + " free slots (add TaskManagers; the job scales up when they register)%n", jobId, r.after(),
          r.pause().toMillis() / 1000.0, parallelism);
      return 1;
    }
    return 0;
  }
}
