package dev.tracklight.connectors.alerts;

import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Checks, before a job starts, that an alert sink's Kinesis stream exists and takes records: the
 * sink would otherwise fail inside the running job, restart and give up, where one line before the
 * start names the stream and what was expected. Runs where the job is submitted, with that
 * machine's AWS configuration (TaskManagers should have the same).
 */
public final class KinesisReachability {

  /** How long DescribeStreamSummary may take, retries included: it answers in milliseconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private KinesisReachability() {}

  /**
   * Fails unless the stream exists and is ACTIVE or UPDATING (both accept records).
   *
   * @param what the setting the stream comes from, for the message ({@code sinks.alerts.kinesis})
   * @throws InvalidInputException naming the stream and what was expected
   */
  public static void require(String what, KinesisAlertSinkOptions stream, Duration timeout) {
    try (KinesisClient client = stream.newClient(timeout)) {
      DescribeStreamSummaryRequest.Builder request = DescribeStreamSummaryRequest.builder();
      if (stream.isArn()) {
        request.streamARN(stream.stream());
      } else {
        request.streamName(stream.stream());
      }
      StreamDescriptionSummary summary = client.describeStreamSummary(request.build()).streamDescriptionSummary();
      if (summary.streamStatus() != StreamStatus.ACTIVE && summary.streamStatus() != StreamStatus.UPDATING) {
        throw new InvalidInputException(what + ": stream '" + stream.stream() + "' is "
            + summary.streamStatusAsString() + "; expected an ACTIVE stream");
      }
    } catch (ResourceNotFoundException e) {
      throw new InvalidInputException(what + ": stream '" + stream.stream() + "' does not exist in this"
          + " account and region; expected an existing stream (create it with the CLI or CloudFormation)");
    } catch (AwsServiceException e) {
      throw new InvalidInputException(what + ": Kinesis refused DescribeStreamSummary for '" + stream.stream()
          + "' (" + e.awsErrorDetails().errorCode() + "); expected credentials that may describe and write it");
    } catch (SdkClientException e) {
      throw new InvalidInputException(what + ": Kinesis did not answer for stream '" + stream.stream()
          + "' within " + timeout.toSeconds() + " s (" + firstLine(e.getMessage()) + "); expected a reachable"
          + " endpoint and a configured region");
    }
  }

  private static String firstLine(String s) {
    return s == null ? "no detail" : s.lines().findFirst().orElse(s);
  }
}
