package dev.tracklight.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.batching.BatchingConfig;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.highlights.RuleParser;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.pipeline.config.JobConfig;
import dev.tracklight.pipeline.config.JobConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink names each chain of operators after them and warns when a name passes 80 characters (it is
 * cut for metrics): at parallelism 1, where everything chains, the replay with alerts and the live
 * job with every sink keep their chains' names under that.
 */
class OperatorNamesTest {

  private static final int FLINK_METRIC_NAME_LIMIT = 80;

  @TempDir
  Path tmp;

  private static void assertShortNames(StreamExecutionEnvironment env) {
    List<String> names = new ArrayList<>();
    for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) {
      names.add(v.getName());
    }
    for (String name : names) {
      assertTrue(name.length() <= FLINK_METRIC_NAME_LIMIT, name.length() + " characters: " + name + " (all: " + names + ")");
    }
  }

  @Test
  void replayWithAlerts() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    List<ReplayJob.Input> inputs = ReplayInputs.probe(
        List.of(TestAssets.file("videos/persons_one_by_one_432p.mp4")), tmp.resolve("out"));
    DataStream<Alert> alerts = ReplayJob.build(env, inputs, VideoReadOptions.defaults(),
        DetectorOptions.forModel("yolox-nano"), BatchingConfig.defaults(), ByteTrackConfig.defaults(),
        AnnotationStyle.defaults(), ClassNames.COCO.names(), Map.of(), Duration.ofMinutes(1),
        RuleParser.defaults(), UnaryOperator.identity());
    AlertSinks.attach(alerts, new JobConfig.Alerts(Optional.of(tmp.resolve("alerts.jsonl").toString()), true,
        Optional.empty()));
    assertShortNames(env);
  }

  @Test
  void liveJobWithEverySink() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    JobConfig config = JobConfigLoader.parse("cameras.yaml", """
        cameras: [{id: lobby, url: 'rtsp://127.0.0.1:1/x'}]
        sinks: {jsonl: %s, stdout: true, alerts: {jsonl: %s, stdout: true}}
        """.formatted(tmp.resolve("tracks.jsonl"), tmp.resolve("alerts.jsonl")));
    LiveJob.build(env, config, config.detector(), ClassNames.COCO.names());
    assertShortNames(env);
  }
}
