package dev.tracklight.pipeline.cli;

import dev.tracklight.pipeline.job.EarlyLocalCluster;
import dev.tracklight.pipeline.job.JobEnvironments;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import picocli.CommandLine.Command;

/**
 * {@code tracklight cds-training} (hidden): runs a tiny job on an embedded MiniCluster and exits, so
 * that {@code bin/tracklight} can record the classes a local Flink run loads into a class-data
 * sharing archive ({@code -XX:ArchiveClassesAtExit}) once per jar build. Later JVMs map those
 * classes from the archive instead of loading and verifying them from the jar: the MiniCluster's
 * start (actor systems, REST endpoint, TaskManager) is mostly class loading, about 1 s of a
 * replay's start on 2 cores (docs/platform-notes.md). Needs no model and no video.
 */
@Command(name = "cds-training", hidden = true, mixinStandardHelpOptions = true,
    description = "Run a tiny local Flink job (for the launcher's class-data sharing archive).")
final class ClassDataTrainingCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    // The same path as a replay: early cluster, its environment, a source-map-sink chain.
    try (EarlyLocalCluster cluster = EarlyLocalCluster.start(
        JobEnvironments.configuration(Optional.empty(), Duration.ZERO, Optional.empty()), 1)) {
      StreamExecutionEnvironment env = cluster.environment();
      env.fromSequence(1, 100).map(x -> x * 2).returns(Types.LONG).sinkTo(new DiscardingSink<>());
      env.execute("tracklight cds-training");
    }
    return 0;
  }
}
