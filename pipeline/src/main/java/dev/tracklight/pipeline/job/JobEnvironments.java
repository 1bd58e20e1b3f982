package dev.tracklight.pipeline.job;

import dev.tracklight.inference.InvalidInputException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where a job runs: an embedded MiniCluster in this process (the default: nothing to install), or a
 * running Flink cluster reached through its REST endpoint ({@code --jobmanager HOST:PORT}), to which
 * the same shaded jar is shipped, or, when the CLI's main runs inside a Flink cluster's JobManager
 * (application mode: the Flink Kubernetes Operator's {@code FlinkDeployment} with {@code job.jarURI},
 * or {@code flink run}), the environment that cluster provides. The graph is identical either way.
 */
public final class JobEnvironments {

  private JobEnvironments() {}

  /**
   * @param jobManager {@code HOST:PORT} of a cluster's REST endpoint, or empty for local
   * @param parallelism subtasks per operator (local: also the number of slots)
   * @param checkpointInterval zero for no checkpoints
   * @param checkpointDir checkpoint storage URI, required with checkpoints on a cluster
   */
  public static StreamExecutionEnvironment create(Optional<String> jobManager, int parallelism,
      Duration checkpointInterval, Optional<String> checkpointDir) {
    requireParallelism(parallelism);
    Configuration conf = configuration(jobManager, checkpointInterval, checkpointDir);
    StreamExecutionEnvironment env;
    if (jobManager.isPresent()) {
      String[] hostPort = jobManager.get().split(":", 2);
      int port;
      try {
        port = Integer.parseInt(hostPort.length == 2 ? hostPort[1] : "");
      } catch (NumberFormatException e) {
        throw new InvalidInputException("--jobmanager '" + jobManager.get() + "' is not HOST:PORT;"
            + " expected the REST address of a Flink cluster, e.g. flink-jm:8081");
      }
      env = StreamExecutionEnvironment.createRemoteEnvironment(hostPort[0], port, conf, ownJar().toString());
    } else if (clusterContext(conf) instanceof StreamContextEnvironment context) {
      // Started by a cluster (application mode): an embedded MiniCluster inside a JobManager would
      // run the job on the JobManager's own CPU and memory, so the cluster's environment is used.
      env = context;
    } else {
      env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    }
    env.setParallelism(parallelism);
    return env;
  }

  /**
   * The environment Flink's client set for this thread, when the main was started by a cluster
   * ({@link StreamContextEnvironment}); anything else (a plain local environment, or a test's
   * MiniCluster context) keeps the embedded cluster the CLI always started.
   */
  private static StreamExecutionEnvironment clusterContext(Configuration conf) {
    return StreamExecutionEnvironment.getExecutionEnvironment(conf);
  }

  /** Whether a cluster started this main (application mode): see {@link #clusterContext}. */
  public static boolean startedByCluster() {
    return clusterContext(new Configuration()) instanceof StreamContextEnvironment;
  }

  /** Fails fast on a parallelism out of {@code 1..}{@link ReplayJob#MAX_PARALLELISM}. */
  static void requireParallelism(int parallelism) {
    if (parallelism < 1 || parallelism > ReplayJob.MAX_PARALLELISM) {
      throw new InvalidInputException("--parallelism must be in 1.." + ReplayJob.MAX_PARALLELISM
          + ", got " + parallelism);
    }
  }

  /**
   * Longest a checkpoint may take before the job fails over: three intervals, at least
   * {@link #MIN_CHECKPOINT_TIMEOUT}.
   */
  public static Duration checkpointTimeout(Duration interval) {
    Duration three = interval.multipliedBy(3);
    return three.compareTo(MIN_CHECKPOINT_TIMEOUT) > 0 ? three : MIN_CHECKPOINT_TIMEOUT;
  }

  /**
   * Shortest checkpoint timeout: room for a loaded machine's slow checkpoint (a second or two
   * here), short enough that alerts stuck behind an unreachable sink are noticed within a minute.
   */
  public static final Duration MIN_CHECKPOINT_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The job's Flink configuration: restart strategy, and checkpointing with its storage (a temp
   * folder locally when none is given). Also what {@link EarlyLocalCluster} starts with.
   */
  public static Configuration configuration(Optional<String> jobManager, Duration checkpointInterval,
      Optional<String> checkpointDir) {
    // An embedded cluster reports metrics as a cluster configured by the same config.yaml would
    // (the container image's `run` and `batch-worker` serve Prometheus like its TaskManagers); a
    // remote cluster has its own configuration.
    String confDir = System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR);
    Configuration conf = jobManager.isEmpty() && confDir != null && !confDir.isBlank()
        ? metricSettings(Path.of(confDir)) : new Configuration();
    if (checkpointInterval.isZero()) {
      // Without checkpoints a restart would replay from the start: fail fast and say why instead.
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    } else {
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
      // A sink whose service went away (a Kafka broker down) blocks the checkpoint in its flush,
      // and with it the alerts behind it, silently, until the checkpoint times out (Flink's default
      // is 10 minutes). The job's own state checkpoints in well under a second, so a checkpoint
      // still open after checkpointTimeout() means a stuck sink: the job fails over to the last
      // checkpoint (no failed checkpoint is tolerated) under the bounded restart strategy below.
      conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, checkpointTimeout(checkpointInterval));
      conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, 0);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
      // In-flight frames are part of a checkpoint (megabytes each): they need file storage, not
      // the JobManager's heap. Locally a temp folder will do; a cluster needs a shared one.
      conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
      if (checkpointDir.isPresent()) {
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.get());
      } else if (jobManager.isPresent()) {
        throw new InvalidInputException("--checkpoint-dir is required with checkpoints on a cluster;"
            + " expected a URI all TaskManagers reach, e.g. s3://bucket/chk or file:///shared/chk");
      } else if (!startedByCluster()) {
        try {
          conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
              Files.createTempDirectory("tracklight-checkpoints").toUri().toString());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      // else started by a cluster (application mode): its execution.checkpointing.dir applies; a
      // temp folder on the JobManager would be out of the TaskManagers' reach.
    }
    return conf;
  }

  /**
   * The {@code metrics.*} settings (reporters, scope formats) of the Flink configuration in
   * {@code confDir}, and nothing else: memory, addresses and ports there are meant for standalone
   * processes, not for an embedded cluster.
   */
  static Configuration metricSettings(Path confDir) {
    if (!Files.isRegularFile(confDir.resolve(GlobalConfiguration.FLINK_CONF_FILENAME))) {
      throw new InvalidInputException(ConfigConstants.ENV_FLINK_CONF_DIR + "=" + confDir + " has no "
          + GlobalConfiguration.FLINK_CONF_FILENAME + "; unset it or point it at a Flink configuration folder");
    }
    Configuration all = GlobalConfiguration.loadConfiguration(confDir.toString());
    java.util.Map<String, String> metrics = new java.util.HashMap<>();
    all.toMap().forEach((key, value) -> {
      if (key.startsWith("metrics.")) {
        metrics.put(key, value);
      }
    });
    return Configuration.fromMap(metrics);
  }

  /** The shaded jar this CLI runs from, shipped to the cluster as the job jar. */
  static Path ownJar() {
    try {
      Path p = Path.of(JobEnvironments.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
        throw new InvalidInputException("--jobmanager needs the shaded jar (bin/tracklight); running from "
            + p + " instead");
      }
      return p;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
