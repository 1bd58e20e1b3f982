package dev.tracklight.connectors.alerts;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * One alert as a Kinesis record: partition key = the camera id (a camera's alerts share a shard),
 * data = the alert's JSON line in UTF-8. What the async sink buffers and checkpoints.
 *
 * @param partitionKey the camera id
 * @param json the alert's {@code AlertJson} line
 */
public record KinesisAlertRecord(String partitionKey, String json) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Bytes the record counts against PutRecords' limits (key and data, as the API counts them). */
  public long sizeInBytes() {
    return partitionKey.getBytes(StandardCharsets.UTF_8).length + json.getBytes(StandardCharsets.UTF_8).length;
  }
}
