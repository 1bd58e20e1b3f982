package dev.tracklight.pipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.KeyValuePair;

/**
 * Plays AWS Batch's compute environment for moto (which records jobs but runs nothing): a job's
 * command and environment from DescribeJobs (over its definition's), run as a child process of
 * this class path's CLI with {@code AWS_BATCH_JOB_*} set as Batch sets them.
 */
final class BatchWorkerPlayer {

  record Played(int exitCode, String output) {}

  private BatchWorkerPlayer() {}

  static Played play(BatchClient batch, String jobId, Map<String, String> awsEnv, Path tmp) throws Exception {
    JobDetail job = batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
    Map<String, String> env = new java.util.HashMap<>(awsEnv);
    var definition = batch.describeJobDefinitions(b -> b.jobDefinitions(job.jobDefinition())).jobDefinitions().get(0);
    for (KeyValuePair kv : definition.containerProperties().environment()) {
      env.put(kv.name(), kv.value());
    }
    for (KeyValuePair kv : job.container().environment()) {
      env.put(kv.name(), kv.value());
    }
    env.put("AWS_BATCH_JOB_ID", jobId);
    env.put("AWS_BATCH_JOB_ATTEMPT", "1");
    List<String> command = job.container().command();
    if (!command.get(0).equals("tracklight")) {
      throw new AssertionError("the job runs the image's launcher, not " + command);
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), TracklightMain.class.getName()));
    cmd.addAll(command.subList(1, command.size()));
    Path log = Files.createTempFile(tmp, "worker-", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
    pb.environment().putAll(env);
    pb.environment().put("TRACKLIGHT_SCRATCH", tmp.resolve("scratch").toString());
    pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      p.waitFor();
    }
    return new Played(p.exitValue(), readQuietly(log));
  }

  private static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
