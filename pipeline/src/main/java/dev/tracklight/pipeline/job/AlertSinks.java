package dev.tracklight.pipeline.job;

import dev.tracklight.connectors.alerts.KafkaAlertSink;
import dev.tracklight.connectors.alerts.KafkaAlertSinkOptions;
import dev.tracklight.connectors.alerts.KafkaAlertSinkOptions.Delivery;
import dev.tracklight.connectors.alerts.KinesisAlertSink;
import dev.tracklight.connectors.live.LiveStatusBoard;
import dev.tracklight.connectors.sink.JsonLinesFileSink;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import dev.tracklight.pipeline.config.JobConfig;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Attaches the configured alert sinks to a job's alert stream. Alerts are small records, so they
 * leave the per-camera chains here: each sink runs with parallelism 1 (a file has one writer; one
 * Kafka producer keeps per-camera order, which the topic's camera-id key preserves per partition,
 * and so does one Kinesis writer for the camera-id partition key's shard). Their maximum
 * parallelism is 1 too: the adaptive scheduler ({@code tracklight scale}) and reactive mode scale
 * every operator up to its maximum. And they never chain to the operator before them: chained at
 * parallelism 1 they would be checkpointed under that operator's maximum parallelism, and a job
 * rescaled to 2 (the sink then a task of its own) could not be restored.
 */
public final class AlertSinks {

  private AlertSinks() {}

  /** Adds a sink for each configured alert destination; returns how many were added. */
  public static int attach(DataStream<Alert> emitted, JobConfig.Alerts config) {
    if (config.none()) {
      return 0;
    }
    // A chain of its own: alerts are a few small records, and the frames' chain keeps a name under
    // Flink's 80-character limit for metric names (it warned on every replay with alerts).
    DataStream<Alert> alerts = emitted.map(new CountAlerts()).returns(Alert.typeInfo())
        .name("alert-count").uid("alert-count").startNewChain();
    int n = 0;
    if (config.jsonl().isPresent() || config.stdout()) {
      DataStream<String> lines = alerts.map(AlertJson::toJson).returns(Types.STRING)
          .name("alert-json").uid("alert-json");
      if (config.jsonl().isPresent()) {
        lines.sinkTo(new JsonLinesFileSink(Path.of(config.jsonl().get()))).setParallelism(1).setMaxParallelism(1)
            .disableChaining()
            .name("alerts-jsonl").uid("alerts-jsonl");
        n++;
      }
      if (config.stdout()) {
        lines.print().setParallelism(1).setMaxParallelism(1).disableChaining().name("alerts-stdout").uid("alerts-stdout");
        n++;
      }
    }
    if (config.kafka().isPresent()) {
      JobConfig.Kafka k = config.kafka().get();
      KafkaAlertSink.sinkTo(alerts, KafkaAlertSinkOptions.of(k.bootstrapServers(), k.topic())
              .withDelivery(k.exactlyOnce() ? Delivery.EXACTLY_ONCE : Delivery.AT_LEAST_ONCE)
              .withTransactionalIdPrefix(k.transactionalIdPrefix()))
          .setParallelism(1).setMaxParallelism(1).disableChaining();
      n++;
    }
    if (config.kinesis().isPresent()) {
      // One writer: with one call in flight, a camera's alerts reach its shard in order.
      KinesisAlertSink.sinkTo(alerts, config.kinesis().get()).setParallelism(1).setMaxParallelism(1)
          .disableChaining();
      n++;
    }
    return n;
  }

  /** Counts each camera's alerts for the CLI's live status ({@link LiveStatusBoard}); passes them on. */
  static final class CountAlerts implements MapFunction<Alert, Alert> {
    private static final long serialVersionUID = 1L;

    @Override
    public Alert map(Alert alert) {
      LiveStatusBoard.alert(alert.camera());
      return alert;
    }
  }
}
