package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.alerts.AlertFeed;
import dev.tracklight.connectors.alerts.JsonLinesFollower;
import dev.tracklight.connectors.alerts.KafkaAlertFeed;
import dev.tracklight.connectors.alerts.KinesisAlertFeed;
import dev.tracklight.connectors.alerts.KinesisAlertSinkOptions;
import dev.tracklight.connectors.sink.JsonLinesFileSink;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.job.LiveJob;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import dev.tracklight.operators.highlights.Severity;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracklight alerts tail}: follows an alert stream (a Kafka topic with a read_committed
 * consumer, a Kinesis data stream across its shards, or a JSON-lines file like {@code tail -f})
 * and prints each matching alert as a line for people, or as its raw JSON. Runs until Ctrl-C,
 * {@code --max} alerts, or {@code --timeout}.
 *
 * <p>Each alert id is printed once: a file sink that rolls back on restore, and the at-least-once
 * Kinesis sink after a restore, write some alerts again, with the same deterministic ids. A status
 * line on stderr says what is followed once the
 * start position is fixed; alerts written after it are never missed.
 *
 * <p>Files: a job's JSON-lines sink holds a lock on its file while it runs. Without
 * {@code --from-beginning}, a file that no job writes is finished (or its job has not started):
 * its last {@value #LAST_LINES_OF_FINISHED_FILE} lines are shown with a note saying so, then new
 * lines as they come. With {@code --config}, the job's file may not exist yet (it is created with
 * the first alert): the command says so and waits for it.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Follow live alerts from Kafka, Kinesis or a JSON-lines file and print them.",
        "One line per alert: event time (UTC, or +m:ss.SSS into a replayed video), camera, "
            + "severity, type, rule, tracks, classes, clip and thumbnail if any."})
final class AlertsTailCommand implements Callable<Integer> {

  /** How long one poll waits; bounds how late --timeout is noticed. */
  static final Duration POLL = Duration.ofMillis(200);
  /** Ids remembered for de-duplication: hours of alerts of a large fleet, a few MB. */
  static final int REMEMBERED_IDS = 100_000;
  /** Lines of a finished alerts file shown first, like {@code tail}'s default. */
  static final int LAST_LINES_OF_FINISHED_FILE = 10;

  @Option(names = "--kafka", paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers to read the alert topic from.")
  String kafka;

  @Option(names = "--topic", paramLabel = "TOPIC", description = "Alert topic (with --kafka; default: ${DEFAULT-VALUE}).",
      defaultValue = "tracklight-alerts")
  String topic;

  @Option(names = "--file", paramLabel = "FILE", description = "Alerts JSON-lines file to follow instead.")
  String file;

  @Option(names = "--kinesis", paramLabel = "STREAM",
      description = "Kinesis data stream (name or ARN) to follow instead, across all its shards; region,"
          + " credentials and endpoint from the standard AWS configuration (AWS_REGION, AWS_ENDPOINT_URL).")
  String kinesis;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Follow where the live job of this cameras.yaml sends alerts: its Kafka topic if it"
          + " has one, else its Kinesis stream, else its alerts JSON-lines file (the config may be an s3:// object).")
  String config;

  @Option(names = "--from-beginning", description = "Print what is already there first (default: only new alerts).")
  boolean fromBeginning;

  @Option(names = "--camera", paramLabel = "ID", description = "Only this camera's alerts; repeatable.")
  List<String> cameras = List.of();

  @Option(names = "--type", paramLabel = "TYPE", description = "Only alerts of this type (entry, loiter, "
      + "crossing, highlight, ...); repeatable.")
  List<String> types = List.of();

  @Option(names = "--min-severity", paramLabel = "LEVEL", defaultValue = "info",
      description = "Only alerts at least this severe: info, warning, critical (default: ${DEFAULT-VALUE}).")
  Severity minSeverity;

  @Option(names = "--json", description = "Print each alert's JSON line as received.")
  boolean json;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N alerts.")
  Integer max;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Stop after this many seconds.")
  Double timeoutSeconds;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    AlertFilter filter = new AlertFilter(Set.copyOf(cameras), Set.copyOf(types), minSeverity);
    if (max != null && max < 1) {
      throw new InvalidInputException("--max " + max + ": expected at least 1");
    }
    if (timeoutSeconds != null && !(timeoutSeconds > 0 && timeoutSeconds <= Duration.ofDays(365).toSeconds())) {
      throw new InvalidInputException("--timeout " + timeoutSeconds + ": expected seconds > 0");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long deadline = timeoutSeconds == null ? Long.MAX_VALUE
        : System.nanoTime() + (long) (timeoutSeconds * 1e9);
    // --timeout bounds the whole run, connecting included (scripts rely on it).
    Duration connect = timeoutSeconds == null ? KafkaAlertFeed.CONNECT_TIMEOUT
        : min(KafkaAlertFeed.CONNECT_TIMEOUT, Duration.ofNanos(deadline - System.nanoTime()));
    try (AlertFeed feed = openFeed(err, connect, deadline)) {
      if (feed == null) {
        return 0; // --timeout passed while waiting for the file to appear
      }
      err.println("tracklight: following " + feed.describe() + "; Ctrl-C stops");
      err.flush();
      follow(feed, filter, deadline, out, err);
    }
    return 0;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private AlertFeed openFeed(PrintWriter err, Duration connectTimeout, long deadline)
      throws InterruptedException {
    boolean topicGiven = spec.commandLine().getParseResult().hasMatchedOption("--topic");
    int sources = (kafka == null ? 0 : 1) + (file == null ? 0 : 1) + (config == null ? 0 : 1)
        + (kinesis == null ? 0 : 1);
    if (sources != 1) {
      throw new InvalidInputException("expected exactly one of --config cameras.yaml, --kafka HOST:PORT,"
          + " --kinesis STREAM or --file FILE");
    }
    if (kinesis != null) {
      if (topicGiven) {
        throw new InvalidInputException("--topic goes with --kafka, not with --kinesis");
      }
      KinesisAlertSinkOptions stream;
      try {
        stream = KinesisAlertSinkOptions.of(kinesis);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--kinesis: " + e.getMessage());
      }
      return KinesisAlertFeed.open(stream, fromBeginning, connectTimeout);
    }
    if (config != null) {
      if (topicGiven) {
        throw new InvalidInputException("--topic goes with --kafka; with --config the topic is the"
            + " config's sinks.alerts.kafka.topic");
      }
      JobConfig loaded;
      try (Locations locations = Locations.fromEnvironment()) {
        loaded = RunCommand.load(locations, config);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      JobConfig.Alerts alerts = LiveJob.alertSinks(loaded.sinks());
      if (alerts.kafka().isPresent()) {
        JobConfig.Kafka k = alerts.kafka().get();
        return KafkaAlertFeed.open(k.bootstrapServers(), k.topic(), fromBeginning, connectTimeout);
      }
      if (alerts.kinesis().isPresent()) {
        return KinesisAlertFeed.open(alerts.kinesis().get(), fromBeginning, connectTimeout);
      }
      if (alerts.jsonl().isEmpty()) {
        throw new InvalidInputException(config + ": sinks.alerts sends alerts only to stdout; expected a"
            + " kafka topic, a kinesis stream or a jsonl file to follow");
      }
      // The loader resolved a relative sink path against the config file's folder, as the job does.
      Path alertsFile = Path.of(alerts.jsonl().get());
      if (!Files.exists(alertsFile)) {
        // The job creates the file with its first alert: wait for it, saying so.
        note(err, alertsFile + " does not exist yet (the job creates it with its first alert); waiting for it");
        while (!Files.exists(alertsFile)) {
          if (deadline - System.nanoTime() <= 0) {
            return null;
          }
          Thread.sleep(POLL.toMillis());
        }
      }
      return followFile(alertsFile, err);
    }
    if (file != null) {
      if (topicGiven) {
        throw new InvalidInputException("--topic goes with --kafka, not with --file");
      }
      if (dev.tracklight.connectors.s3.S3Uri.isS3(file)) {
        // An S3 object is written whole, never appended to: there is nothing to follow.
        throw new InvalidInputException("--file " + file + " is an S3 object, which cannot be followed; expected a"
            + " local alerts file, or --kafka (download a finished replay's alerts with any S3 client)");
      }
      return followFile(Path.of(file), err);
    }
    return KafkaAlertFeed.open(kafka, topic, fromBeginning, connectTimeout);
  }

  /**
   * A JSON-lines file: from its end while a job writes it; a finished file (no job has it open) ends
   * with nothing new, so its last alerts are shown first, and the user is told.
   */
  private AlertFeed followFile(Path path, PrintWriter err) {
    Consumer<String> notices = n -> note(err, n);
    if (!fromBeginning && Files.isRegularFile(path) && !JsonLinesFileSink.isBeingWritten(path)) {
      note(err, "no job is writing " + path + " now; showing its last " + LAST_LINES_OF_FINISHED_FILE
          + " lines (--from-beginning shows all), then waiting for new ones");
      return JsonLinesFollower.openAtLastLines(path, LAST_LINES_OF_FINISHED_FILE, notices);
    }
    return JsonLinesFollower.open(path, fromBeginning, notices);
  }

  private static void note(PrintWriter err, String note) {
    err.println("tracklight: " + note);
    err.flush();
  }

  private void follow(AlertFeed feed, AlertFilter filter, long deadline, PrintWriter out,
      PrintWriter err) throws InterruptedException {
    Map<String, Boolean> printed = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > REMEMBERED_IDS;
      }
    };
    int count = 0;
    while (max == null || count < max) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      for (String line : feed.poll(Duration.ofNanos(Math.min(left, POLL.toNanos())))) {
        Alert alert;
        try {
          alert = AlertJson.parse(line);
        } catch (RuntimeException e) { // malformed JSON, a foreign schema, a wrong field type
          err.println("tracklight: skipped a line that is not an alert: " + e.getMessage());
          continue;
        }
        if (!filter.matches(alert) || printed.put(alert.id(), Boolean.TRUE) != null) {
          continue;
        }
        out.println(json ? line : AlertLine.of(alert));
        count++;
        if (max != null && count >= max) {
          break;
        }
      }
      out.flush();
      err.flush();
    }
  }
}
