package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.inference.InvalidInputException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code replay}'s options for Kinesis Video inputs ({@code kvs://NAME} or a stream ARN): the
 * producer-time range and, as a {@code kvs:} camera's {@code region} and {@code endpoint} in
 * {@code cameras.yaml}, the stream's region (default: the ARN's, else the standard AWS chain,
 * {@code AWS_REGION}) and an archived-media endpoint instead of GetDataEndpoint's answer.
 */
final class KvsArchiveOptions {

  @Option(names = "--from", paramLabel = "TIME",
      description = "kvs:// inputs: first producer time of the range, ISO-8601 (2017-11-28T06:55:08.513Z).")
  String from;

  @Option(names = "--to", paramLabel = "TIME",
      description = "kvs:// inputs: last producer time of the range, ISO-8601, after --from.")
  String to;

  @Option(names = "--kvs-region", paramLabel = "REGION",
      description = "kvs:// inputs: the streams' AWS region (default: the ARN's, else AWS_REGION or the profile's).")
  String region;

  @Option(names = "--kvs-endpoint", paramLabel = "URL",
      description = "kvs:// inputs: archived-media endpoint (ListFragments, GetMediaForFragmentList) to use"
          + " instead of GetDataEndpoint's answer.")
  String endpoint;

  /**
   * The Kinesis Video streams among {@code inputs}, by argument, checked (name or ARN, region,
   * endpoint, range) before anything runs; empty when there is none (then --from and --to must
   * not be given).
   *
   * @throws InvalidInputException one line naming the option
   */
  Map<String, KvsCamera> streams(List<String> inputs, AwsSettings aws) {
    List<String> kvs = inputs.stream().filter(KvsCamera::isKvs).toList();
    if (kvs.isEmpty()) {
      if (from != null || to != null || region != null || endpoint != null) {
        throw new InvalidInputException("--from, --to, --kvs-region and --kvs-endpoint are for kvs:// inputs;"
            + " no input is a Kinesis Video stream");
      }
      return Map.of();
    }
    Instant start = time("--from", from);
    Instant end = time("--to", to);
    if (!start.isBefore(end)) {
      throw new InvalidInputException("--to " + end + " is not after --from " + start
          + "; expected a producer-time range");
    }
    Map<String, KvsCamera> streams = new LinkedHashMap<>();
    for (String url : kvs) {
      // As a kvs: camera: an explicit region, else the ARN's, else the standard chain's.
      String r = region != null ? region : url.startsWith(KvsCamera.SCHEME) ? aws.region().id() : null;
      try {
        streams.put(url, KvsCamera.of(url, r, start.toString(), endpoint));
      } catch (InvalidInputException e) {
        // KvsCamera names the cameras.yaml keys; here they are options.
        throw new InvalidInputException(e.getMessage().replace("kvs.region", "--kvs-region")
            .replace("kvs.endpoint", "--kvs-endpoint"), e);
      }
    }
    return streams;
  }

  Instant from() {
    return time("--from", from);
  }

  Instant to() {
    return time("--to", to);
  }

  private static Instant time(String option, String value) {
    if (value == null) {
      throw new InvalidInputException(option + " is required with a kvs:// input; expected an ISO-8601"
          + " producer time such as 2017-11-28T06:55:08.513Z");
    }
    try {
      return OffsetDateTime.parse(value.trim()).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(option + " '" + value + "' is not an ISO-8601 producer time; expected"
          + " one with an offset such as 2017-11-28T06:55:08.513Z");
    }
  }
}
