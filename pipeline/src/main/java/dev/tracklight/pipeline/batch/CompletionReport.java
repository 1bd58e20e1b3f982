package dev.tracklight.pipeline.batch;

import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.inference.InvalidInputException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where a batch worker reports a committed result (the web app "listening for the workers'
 * response"): an SQS message whose body is the result record, or an EventBridge event whose
 * {@code detail} is the result record ({@link #SOURCE}, {@link #DETAIL_TYPE}), or nowhere.
 * Exactly one is configured, by option or by the job definition's environment
 * ({@link #QUEUE_ENV} / {@link #BUS_ENV}); both at once is ambiguous and refused up front.
 */
public sealed interface CompletionReport {

  String QUEUE_ENV = "TRACKLIGHT_COMPLETION_QUEUE_URL";
  String BUS_ENV = "TRACKLIGHT_COMPLETION_EVENT_BUS";
  /** The event's source and detail-type: what an EventBridge rule matches on. */
  String SOURCE = "tracklight.batch";
  String DETAIL_TYPE = "Tracklight Video Result";

  /** No report (a result is still committed; readers poll {@code batch status}). */
  record None() implements CompletionReport {}

  /** SendMessage to a queue URL; the body is the result record. */
  record Sqs(String queueUrl) implements CompletionReport {}

  /** PutEvents on a bus (name or ARN); the event's detail is the result record. */
  record EventBridge(String eventBus) implements CompletionReport {}

  /**
   * The configured report: options, if any is given, else the environment (an option of either
   * kind overrides the job definition's setting). A queue and a bus both configured at the same
   * level is one line (exit 2): the web app listens to one of them.
   */
  static CompletionReport resolve(String queueOption, String busOption, Map<String, String> env) {
    boolean options = nonBlank(queueOption).isPresent() || nonBlank(busOption).isPresent();
    Optional<String> queue = options ? nonBlank(queueOption) : nonBlank(env.get(QUEUE_ENV));
    Optional<String> bus = options ? nonBlank(busOption) : nonBlank(env.get(BUS_ENV));
    if (queue.isPresent() && bus.isPresent()) {
      throw new InvalidInputException("both a completion queue (" + queue.get() + ") and an event bus ("
          + bus.get() + ") are configured; expected one (--completion-queue or " + QUEUE_ENV
          + ", --completion-event-bus or " + BUS_ENV + ")");
    }
    if (queue.isPresent()) {
      return new Sqs(queue.get());
    }
    return bus.<CompletionReport>map(EventBridge::new).orElseGet(None::new);
  }

  /**
   * Sends the record. A failure throws (the worker then exits 1, Batch retries the job, and the
   * retry finds the committed result and reports it again): delivery is at least once.
   */
  static void send(CompletionReport where, String recordJson, AwsSettings aws) {
    try {
      if (where instanceof Sqs q) {
        try (SqsClient sqs = aws.configure(SqsClient.builder(), "SQS").build()) {
          sqs.sendMessage(b -> b.queueUrl(q.queueUrl()).messageBody(recordJson));
        }
      } else if (where instanceof EventBridge e) {
        try (EventBridgeClient events = aws.configure(EventBridgeClient.builder(), "EVENTBRIDGE").build()) {
          PutEventsResponse r = events.putEvents(b -> b.entries(x -> x.eventBusName(e.eventBus())
              .source(SOURCE).detailType(DETAIL_TYPE).detail(recordJson)));
          // PutEvents answers 200 with per-entry failures: a dropped event must not pass silently.
          if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
            PutEventsResultEntry f = r.entries().get(0);
            throw new IllegalStateException("EventBridge refused the completion event on bus " + e.eventBus()
                + ": " + f.errorCode() + " " + f.errorMessage());
          }
        }
      }
    } catch (SdkClientException e) {
      throw S3Storage.clientProblem(e);
    }
  }

  /** Where the report goes, for the worker's log (no secrets: a queue URL or bus name). */
  static String describe(CompletionReport where) {
    if (where instanceof Sqs q) {
      return "completion message sent to " + q.queueUrl();
    } else if (where instanceof EventBridge e) {
      return "completion event sent to event bus " + e.eventBus();
    }
    return "no completion queue or event bus configured: result committed, no report sent";
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }
}
