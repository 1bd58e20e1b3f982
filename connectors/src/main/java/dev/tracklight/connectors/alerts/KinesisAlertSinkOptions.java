package dev.tracklight.connectors.alerts;

import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.inference.InvalidInputException;
import java.io.Serializable;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

/**
 * Where and how alerts go to a Kinesis data stream ({@code sinks.alerts.kinesis}), validated when
 * built so that a bad name is a one-line configuration error before any job starts.
 *
 * <p>The batching limits are those of Flink's async sink, which the sink is built on; the defaults
 * favour latency, since alerts are few and someone is waiting for them. Nullable components rather
 * than {@code Optional}: the options travel inside the job graph, which Java-serializes them.
 *
 * @param stream the stream's name, or its ARN ({@code arn:aws:kinesis:REGION:ACCOUNT:stream/NAME})
 * @param region the stream's region; null: the ARN's, else the standard chain ({@code AWS_REGION}, profile)
 * @param endpoint an endpoint override (a Kinesis-compatible server); null: the standard
 *     {@code AWS_ENDPOINT_URL_KINESIS} / {@code AWS_ENDPOINT_URL}, else AWS
 * @param maxBatchSize records per PutRecords call at most (the API allows 500)
 * @param maxInFlightRequests PutRecords calls under way at once; 1 keeps each camera's alerts in
 *     order (except records a partial failure retries)
 * @param maxBufferedRequests alerts buffered at most; a full buffer back-pressures the job
 * @param maxTimeInBufferMs how long an alert waits for a fuller batch at most
 */
public record KinesisAlertSinkOptions(String stream, String region, URI endpoint,
    int maxBatchSize, int maxInFlightRequests, int maxBufferedRequests, long maxTimeInBufferMs)
    implements Serializable {

  /** PutRecords takes at most 500 records. */
  public static final int API_MAX_BATCH_SIZE = 500;
  /** PutRecords takes at most 5 MiB per call (data and partition keys). */
  public static final long API_MAX_BATCH_BYTES = 5L << 20;
  /** A record's data and partition key take at most 1 MiB. */
  public static final long API_MAX_RECORD_BYTES = 1L << 20;
  /** One batch fills a call; most alerts leave alone, within the buffer time. */
  public static final int DEFAULT_MAX_BATCH_SIZE = API_MAX_BATCH_SIZE;
  /** One call at a time: per-camera order; alerts come at far less than a shard's 1,000 records/s. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 1;
  /** Minutes of a busy fleet's alerts while the stream throttles, before the job slows down. */
  public static final int DEFAULT_MAX_BUFFERED = 10_000;
  /** An alert is readable within about this much plus the call's round trip. */
  public static final long DEFAULT_MAX_TIME_IN_BUFFER_MS = 100;

  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
  private static final Pattern ARN =
      Pattern.compile("arn:aws[a-z-]*:kinesis:([a-z0-9-]+):([0-9]{12}):stream/([a-zA-Z0-9_.-]{1,128})");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");

  private static final long serialVersionUID = 1L;

  public KinesisAlertSinkOptions {
    if (stream == null || !(NAME.matcher(stream).matches() || ARN.matcher(stream).matches())) {
      throw new InvalidInputException("stream '" + stream + "' is neither a Kinesis stream name (1-128 of"
          + " letters, digits, '_', '.', '-') nor a stream ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)");
    }
    if (region != null && !REGION.matcher(region).matches()) {
      throw new InvalidInputException("region '" + region + "' is not an AWS region; expected e.g."
          + " us-east-1 or eu-west-2");
    }
    Matcher arn = ARN.matcher(stream);
    if (arn.matches() && region != null && !region.equals(arn.group(1))) {
      throw new InvalidInputException("region '" + region + "' differs from the stream ARN's region '"
          + arn.group(1) + "'; expected the same region or none");
    }
    if (endpoint != null) {
      URI e = endpoint;
      if (e.getScheme() == null || !(e.getScheme().equals("http") || e.getScheme().equals("https"))
          || e.getHost() == null) {
        throw new InvalidInputException("endpoint '" + e + "' is not an http(s) URL; expected e.g."
            + " https://kinesis.us-east-1.amazonaws.com or http://localhost:5000");
      }
    }
    check("max_batch_size", maxBatchSize, 1, API_MAX_BATCH_SIZE);
    check("max_in_flight_requests", maxInFlightRequests, 1, 64);
    check("max_buffered_requests", maxBufferedRequests, maxBatchSize, 1_000_000);
    check("max_time_in_buffer_ms", maxTimeInBufferMs, 1, 60_000);
  }

  /** The defaults for {@code stream}, with the region and endpoint from the standard configuration. */
  public static KinesisAlertSinkOptions of(String stream) {
    return new KinesisAlertSinkOptions(stream, null, null, DEFAULT_MAX_BATCH_SIZE,
        DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_BUFFERED, DEFAULT_MAX_TIME_IN_BUFFER_MS);
  }

  /** Parses {@code value} as a URI for the endpoint, with the one-line error if it is none. */
  public static URI endpointUri(String value) {
    try {
      return URI.create(value.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("endpoint '" + value + "' is not a URL; expected e.g. http://localhost:5000");
    }
  }

  /** True when {@link #stream} is an ARN (requests then name the stream by ARN). */
  public boolean isArn() {
    return ARN.matcher(stream).matches();
  }

  /** The stream's name, from the ARN if it is one. */
  public String streamName() {
    Matcher arn = ARN.matcher(stream);
    return arn.matches() ? arn.group(3) : stream;
  }

  /**
   * A client for the stream's region and endpoint, with the default credentials chain. The caller
   * owns it and closes it.
   */
  public KinesisClient newClient() {
    return newClient(null);
  }

  /** {@link #newClient()} whose every call (retries included) ends within {@code apiCallTimeout}. */
  public KinesisClient newClient(java.time.Duration apiCallTimeout) {
    AwsSettings settings = AwsSettings.fromEnvironment();
    KinesisClientBuilder builder = KinesisClient.builder();
    Matcher arn = ARN.matcher(stream);
    builder.region(region != null ? Region.of(region) : arn.matches() ? Region.of(arn.group(1)) : settings.region());
    Optional<URI> override = endpoint != null ? Optional.of(endpoint) : settings.endpoint("KINESIS");
    override.ifPresent(builder::endpointOverride);
    if (apiCallTimeout != null) {
      builder.overrideConfiguration(c -> c.apiCallTimeout(apiCallTimeout));
    }
    return builder.build();
  }

  @Override
  public String toString() {
    // The ARN names an account: fine in logs (no secret), and it says which stream.
    return "kinesis stream " + stream;
  }

  private static void check(String key, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidInputException(key + " " + value + " is out of range; expected " + min + ".." + max);
    }
  }
}
