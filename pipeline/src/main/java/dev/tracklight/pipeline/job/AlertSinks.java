package dev.tracklight.pipeline.job;

import dev.tracklight.connectors.alerts.KafkaAlertSink;
import dev.tracklight.connectors.alerts.KafkaAlertSinkOptions;
import dev.tracklight.connectors.alerts.KafkaAlertSinkOptions.Delivery;
import dev.tracklight.connectors.sink.JsonLinesFileSink;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import dev.tracklight.pipeline.config.JobConfig;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Attaches the configured alert sinks to a job's alert stream. Alerts are small records, so they
 * leave the per-camera chains here: each sink runs with parallelism 1 (a file has one writer; one
 * Kafka producer keeps per-camera order, which the topic's camera-id key preserves per partition).
 */
public final class AlertSinks {

  private AlertSinks() {}

  /** Adds a sink for each configured alert destination; returns how many were added. */
  public static int attach(DataStream<Alert> alerts, JobConfig.Alerts config) {
    int n = 0;
    if (config.jsonl().isPresent() || config.stdout()) {
      DataStream<String> lines = alerts.map(AlertJson::toJson).returns(Types.STRING)
          .name("alert-json").uid("alert-json");
      if (config.jsonl().isPresent()) {
        lines.sinkTo(new JsonLinesFileSink(Path.of(config.jsonl().get()))).setParallelism(1)
            .name("alerts-jsonl").uid("alerts-jsonl");
        n++;
      }
      if (config.stdout()) {
        lines.print().setParallelism(1).name("alerts-stdout").uid("alerts-stdout");
        n++;
      }
    }
    if (config.kafka().isPresent()) {
      JobConfig.Kafka k = config.kafka().get();
      KafkaAlertSink.sinkTo(alerts, KafkaAlertSinkOptions.of(k.bootstrapServers(), k.topic())
              .withDelivery(k.exactlyOnce() ? Delivery.EXACTLY_ONCE : Delivery.AT_LEAST_ONCE)
              .withTransactionalIdPrefix(k.transactionalIdPrefix()))
          .setParallelism(1);
      n++;
    }
    return n;
  }
}
