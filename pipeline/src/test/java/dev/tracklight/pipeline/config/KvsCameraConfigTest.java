package dev.tracklight.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.connectors.kvs.KvsStart;
import dev.tracklight.inference.InvalidInputException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Kinesis Video cameras in {@code cameras.yaml}: a good one parses; a bad stream name or ARN, an
 * unknown region, a missing or malformed start, a bad endpoint, a {@code kvs:} section on an RTSP
 * camera are each one line naming the file and key, before any job starts.
 */
class KvsCameraConfigTest {

  private static JobConfig parse(String camera) {
    return JobConfigLoader.parse("cameras.yaml", "cameras:\n  - " + camera + "\n");
  }

  private static String error(String camera) {
    String message = assertThrows(InvalidInputException.class, () -> parse(camera)).getMessage();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.startsWith("cameras.yaml: "), message);
    return message;
  }

  @Test
  void parsesNameOrArnWithRegionStartAndEndpoint() {
    KvsCamera byName = parse("{id: gate, url: 'kvs://gate-cam_1.a', kvs: {region: eu-west-1, start: now,"
        + " endpoint: 'https://s-1.kinesisvideo.eu-west-1.amazonaws.com'}}").cameras().get(0).kvs().orElseThrow();
    assertEquals("gate-cam_1.a", byName.streamName());
    assertNull(byName.streamArn());
    assertEquals("eu-west-1", byName.region());
    assertEquals(KvsStart.NOW, byName.start());
    assertEquals("https://s-1.kinesisvideo.eu-west-1.amazonaws.com", byName.mediaEndpoint());

    String arn = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/dock/1511852108513";
    KvsCamera byArn = parse("{id: dock, url: '" + arn + "', kvs: {start: '2017-11-28T06:55:08.513Z'}}")
        .cameras().get(0).kvs().orElseThrow();
    assertEquals("dock", byArn.streamName());
    assertEquals(arn, byArn.streamArn());
    assertEquals("us-east-1", byArn.region(), "the ARN's region");
    assertEquals(Instant.ofEpochMilli(1511852108513L), byArn.start().at());
    assertEquals(KvsStart.EARLIEST, parse("{id: a, url: 'kvs://a', kvs: {region: us-east-1, start: earliest}}")
        .cameras().get(0).kvs().orElseThrow().start());
    assertTrue(parse("{id: r, url: 'rtsp://10.0.0.7/s'}").cameras().get(0).kvs().isEmpty());
  }

  @Test
  void badCamerasAreOneLineErrors() {
    assertTrue(error("{id: a, url: 'kvs://bad name', kvs: {region: us-east-1, start: now}}")
        .contains("not a valid Kinesis Video stream"));
    assertTrue(error("{id: a, url: 'kvs://', kvs: {region: us-east-1, start: now}}")
        .contains("not a valid Kinesis Video stream"));
    assertTrue(error("{id: a, url: 'arn:aws:kinesisvideo:us-east-1:1234:stream/x/1', kvs: {start: now}}")
        .contains("not a Kinesis Video stream ARN"));
    assertTrue(error("{id: a, url: 'kvs://a', kvs: {region: mars-north-1, start: now}}")
        .contains("unknown AWS region 'mars-north-1'"));
    assertTrue(error("{id: a, url: 'kvs://a', kvs: {start: now}}").contains("no region"));
    assertTrue(error("{id: a, url: 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/x/1', kvs: {region: eu-west-1,"
        + " start: now}}").contains("differs from the ARN's region"));
    String missing = error("{id: a, url: 'kvs://a', kvs: {region: us-east-1}}");
    assertTrue(missing.contains("cameras[0].kvs.start") && missing.contains("is required"), missing);
    assertTrue(error("{id: a, url: 'kvs://a', kvs: {region: us-east-1, start: yesterday}}")
        .contains("'yesterday' is not a start; expected now, earliest or an ISO-8601"));
    assertTrue(error("{id: a, url: 'kvs://a', kvs: {region: us-east-1, start: '2017-11-28 06:55'}}")
        .contains("ISO-8601"));
    assertTrue(error("{id: a, url: 'kvs://a', kvs: {region: us-east-1, start: now, endpoint: 'ftp://x'}}")
        .contains("kvs.endpoint 'ftp://x' is not an http(s) URL"));
    assertTrue(error("{id: a, url: 'kvs://a'}").contains("kvs: is required for a Kinesis Video camera"));
    assertTrue(error("{id: a, url: 'rtsp://10.0.0.7/s', kvs: {region: us-east-1, start: now}}")
        .contains("only for kvs:// cameras"));
    assertTrue(error("{id: a, url: 'kvs://a', kvs: {region: us-east-1, start: now, stream: b}}")
        .contains("stream"), "unknown keys are errors");
  }
}
