package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.alerts.KafkaReachability;
import dev.tracklight.connectors.alerts.KinesisReachability;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.ModelInfo;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.config.JobConfigLoader;
import dev.tracklight.pipeline.job.JobEnvironments;
import dev.tracklight.pipeline.job.LiveJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracklight run --config cameras.yaml}: the live job, until it is cancelled (Ctrl-C for the
 * embedded MiniCluster, or from the cluster). The configuration, the reachability of a Kafka alert
 * sink and the model are checked before anything starts. With the embedded MiniCluster it shows a
 * live status per camera ({@link LiveStatusPrinter}) and one summary line per camera on stop.
 * The configuration and its model file may be {@code s3://} objects, downloaded before the checks;
 * the outputs of a live job are appended to as it runs, so they stay local (or Kafka).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the live job over the cameras in a configuration file.")
final class RunCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "cameras.yaml, a file or an s3:// object (see README).")
  String config;

  @Option(names = "--parallelism", defaultValue = "1", paramLabel = "N",
      description = "Flink parallelism: camera subtasks (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--jobmanager", paramLabel = "HOST:PORT",
      description = "Submit to this Flink cluster (REST address) instead of the embedded MiniCluster.")
  String jobManager;

  @Option(names = "--status-file", paramLabel = "FILE",
      description = "Where the embedded run writes its camera status every second for the web console"
          + " (default: status.json beside the configuration; 'none': not written).")
  String statusFile;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (Locations locations = Locations.fromEnvironment()) {
      return run(locations);
    }
  }

  /**
   * The configuration: a local file with relative paths against its folder, as always; an S3
   * object is downloaded, and its relative output paths resolve against the working directory,
   * since the object's S3 prefix is no place a live job can append to.
   */
  static JobConfig load(Locations locations, String config) throws java.io.IOException {
    return S3Uri.isS3(config)
        ? JobConfigLoader.load(locations.file(config), config, Path.of("").toAbsolutePath())
        : JobConfigLoader.load(Path.of(config));
  }

  /** {@link #load}, and an {@code s3://} model file downloaded: what the live job runs with. */
  static JobConfig loadWithModel(Locations locations, String config) throws java.io.IOException {
    JobConfig job = load(locations, config);
    return new JobConfig(job.cameras(), locations.localModel(job.detector()), job.batching(), job.tracking(),
        job.checkpointing(), job.sinks(), job.highlights());
  }

  private int run(Locations locations) throws Exception {
    if (statusFile != null && S3Uri.isS3(statusFile)) {
      throw new dev.tracklight.inference.InvalidInputException("--status-file: " + statusFile
          + ": the status is rewritten every second, which an S3 object cannot take; give a local file");
    }
    JobConfig job = loadWithModel(locations, config);
    // A sink that cannot be reached is a configuration error: say so before anything starts.
    JobConfig.Alerts alerts = LiveJob.alertSinks(job.sinks());
    if (alerts.kafka().isPresent()) {
      JobConfig.Kafka kafka = alerts.kafka().get();
      KafkaReachability.require(config + ": sinks.alerts.kafka", kafka.bootstrapServers(),
          kafka.exactlyOnce() ? Optional.of(kafka.topic()) : Optional.empty(),
          KafkaReachability.DEFAULT_TIMEOUT);
    }
    if (alerts.kinesis().isPresent()) {
      KinesisReachability.require(config + ": sinks.alerts.kinesis", alerts.kinesis().get(),
          KinesisReachability.DEFAULT_TIMEOUT);
    }
    List<String> classNames;
    ModelInfo model;
    try (YoloDetector probe = YoloDetector.open(job.detector(), ModelRegistry.fromEnvironment())) {
      classNames = probe.classNames().names();
      model = probe.info();
    }
    // Rules name the model's classes: validate every camera's now, before anything connects.
    job.rules(new dev.tracklight.inference.ClassNames(classNames));
    DetectorOptions pinned = job.detector().pinnedTo(model);
    StreamExecutionEnvironment env = JobEnvironments.create(Optional.ofNullable(jobManager), parallelism,
        job.checkpointing().interval(), job.checkpointing().directory());
    LiveJob.build(env, job, pinned, classNames);
    PrintWriter err = spec.commandLine().getErr();
    err.println("tracklight: live job over " + job.cameras().size()
        + " camera(s) with " + model.name() + " on " + model.device() + "; alerts to "
        + describe(LiveJob.alertSinks(job.sinks())) + "; Ctrl-C stops it");
    err.flush();
    if (jobManager != null || JobEnvironments.startedByCluster()) {
      // The operators run in the cluster's TaskManagers: their figures are Flink metrics there.
      env.execute("tracklight live: " + jobName());
      return 0;
    }
    List<String> ids = job.cameras().stream().map(JobConfig.Camera::id).toList();
    boolean terminal = System.console() != null;
    List<String> urls = job.cameras().stream().map(JobConfig.Camera::url).toList();
    Optional<Path> statusPath = statusPath();
    try (LiveStatusPrinter status = LiveStatusPrinter.start(err, ids, terminal,
        terminal ? LiveStatusPrinter.TERMINAL_REFRESH : LiveStatusPrinter.LOG_INTERVAL);
        AutoCloseable file = statusFile(statusPath, ids, urls, err)) {
      // Ctrl-C or SIGTERM ends the JVM with the job still running: the summary is printed (and the
      // status file marked stopped) from a shutdown hook then; a job that ends by itself (a
      // failure) does both on the way out.
      Thread hook = new Thread(() -> {
        status.stop();
        closeQuietly(file);
      }, "tracklight-summary");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        env.execute("tracklight live: " + jobName());
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or about to: it prints the summary
        }
      }
    }
    return 0;
  }

  /**
   * The status file of an embedded run: {@code --status-file}, or {@code status.json} beside a
   * local configuration (in the working directory for an {@code s3://} one, like its outputs).
   */
  private Optional<Path> statusPath() {
    if ("none".equals(statusFile)) {
      return Optional.empty();
    }
    if (statusFile != null) {
      return Optional.of(Path.of(statusFile));
    }
    Path dir = S3Uri.isS3(config) ? Path.of("") : Path.of(config).toAbsolutePath().getParent();
    return Optional.of(dir.resolve("status.json"));
  }

  /**
   * Starts the status file. A file named with {@code --status-file} that cannot be written is an
   * error (exit 2); the default one beside a configuration in a read-only folder (/etc) is only a
   * warning: the run itself does not need it.
   */
  private AutoCloseable statusFile(Optional<Path> path, List<String> ids, List<String> urls, PrintWriter err) {
    if (path.isEmpty()) {
      return () -> { };
    }
    try {
      return RunStatusFile.start(path.get(), jobName(), ids, urls);
    } catch (dev.tracklight.inference.InvalidInputException e) {
      if (statusFile != null) {
        throw e;
      }
      err.println("tracklight: warning: " + e.getMessage() + "; the console's Live page shows no cameras"
          + " (give --status-file FILE, or none)");
      err.flush();
      return () -> { };
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // the status file's own close logs its one warning
    }
  }

  private String jobName() {
    return S3Uri.isS3(config) ? S3Uri.parse(config).fileName() : Path.of(config).getFileName().toString();
  }

  private static String describe(JobConfig.Alerts alerts) {
    List<String> where = new java.util.ArrayList<>();
    alerts.jsonl().ifPresent(where::add);
    if (alerts.stdout()) {
      where.add("stdout");
    }
    alerts.kafka().ifPresent(k -> where.add("kafka topic " + k.topic()));
    alerts.kinesis().ifPresent(k -> where.add(k.toString()));
    return String.join(", ", where);
  }
}
