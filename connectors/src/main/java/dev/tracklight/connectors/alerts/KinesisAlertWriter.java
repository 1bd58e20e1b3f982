package dev.tracklight.connectors.alerts;

import dev.tracklight.operators.alerts.Alert;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The Kinesis alert sink's writer: Flink's {@link AsyncSinkWriter} batches, buffers (part of the
 * checkpoint) and back-pressures; this class makes the PutRecords calls.
 *
 * <p>Threads: the SDK's synchronous client runs on a pool of {@code maxInFlightRequests} daemon
 * threads owned by the writer, so the task thread never blocks on the network; results go back
 * through the {@link ResultHandler}, which hands them to the task's mailbox. Records the stream
 * refused (throttling, an internal error) and whole calls that failed on the way (network,
 * timeouts, 5xx) are retried after a back-off that doubles from {@link #FIRST_BACKOFF_MS} to
 * {@link #MAX_BACKOFF_MS} and resets on success; a stream that does not exist or may not be written
 * fails the job, with the stream named.
 *
 * <p>Ownership: the writer owns its client and pool; {@link #close()} (after Flink's final flush)
 * closes both.
 */
final class KinesisAlertWriter extends AsyncSinkWriter<Alert, KinesisAlertRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisAlertWriter.class);

  /** First wait before a retry: a throttled shard frees up within its next second. */
  static final long FIRST_BACKOFF_MS = 100;
  /** Longest wait between retries: an outage is noticed again within this. */
  static final long MAX_BACKOFF_MS = 5_000;

  private final KinesisAlertSinkOptions options;
  private final KinesisClient client;
  private final ExecutorService calls;
  /** Current back-off; touched by the call threads only (volatile: there may be several). */
  private volatile long backoffMs;

  KinesisAlertWriter(ElementConverter<Alert, KinesisAlertRecord> converter, WriterInitContext context,
      KinesisAlertSinkOptions options, int maxBatchSize, int maxInFlight, int maxBuffered, long maxBatchBytes,
      long maxTimeInBufferMs, long maxRecordBytes, long requestTimeoutMs,
      Collection<BufferedRequestState<KinesisAlertRecord>> state) {
    super(converter, context, AsyncSinkWriterConfiguration.builder()
        .setMaxBatchSize(maxBatchSize)
        .setMaxBatchSizeInBytes(maxBatchBytes)
        .setMaxInFlightRequests(maxInFlight)
        .setMaxBufferedRequests(maxBuffered)
        .setMaxTimeInBufferMS(maxTimeInBufferMs)
        .setMaxRecordSizeInBytes(maxRecordBytes)
        .setRequestTimeoutMS(requestTimeoutMs)
        .setFailOnTimeout(false)
        .build(), state);
    this.options = options;
    this.client = options.newClient();
    this.calls = Executors.newFixedThreadPool(maxInFlight, r -> {
      Thread t = new Thread(r, "kinesis-alerts-" + options.streamName());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  protected void submitRequestEntries(List<KinesisAlertRecord> batch, ResultHandler<KinesisAlertRecord> result) {
    calls.execute(() -> put(batch, result));
  }

  private void put(List<KinesisAlertRecord> batch, ResultHandler<KinesisAlertRecord> result) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
    for (KinesisAlertRecord r : batch) {
      entries.add(PutRecordsRequestEntry.builder().partitionKey(r.partitionKey())
          .data(SdkBytes.fromUtf8String(r.json())).build());
    }
    PutRecordsRequest.Builder request = PutRecordsRequest.builder().records(entries);
    if (options.isArn()) {
      request.streamARN(options.stream());
    } else {
      request.streamName(options.stream());
    }
    PutRecordsResponse response;
    try {
      response = client.putRecords(request.build());
    } catch (ResourceNotFoundException | AccessDeniedException | InvalidArgumentException e) {
      // Retrying cannot help: the job fails (and its restart strategy decides what next).
      result.completeExceptionally(new IllegalStateException(options + ": "
          + e.awsErrorDetails().errorMessage() + " (" + e.awsErrorDetails().errorCode() + ")", e));
      return;
    } catch (AwsServiceException | SdkClientException e) {
      LOG.warn("{}: PutRecords of {} alerts failed, retrying in {} ms: {}", options, batch.size(), nextBackoff(),
          e.getMessage());
      sleepBackoff();
      result.retryForEntries(batch);
      return;
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
      backoffMs = 0;
      result.complete();
      return;
    }
    List<KinesisAlertRecord> refused = new ArrayList<>();
    String firstError = null;
    List<PutRecordsResultEntry> results = response.records();
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).errorCode() != null) {
        refused.add(batch.get(i));
        if (firstError == null) {
          firstError = results.get(i).errorCode() + ": " + results.get(i).errorMessage();
        }
      }
    }
    LOG.warn("{}: {} of {} alerts refused ({}), retrying them in {} ms", options, refused.size(), batch.size(),
        firstError, nextBackoff());
    sleepBackoff();
    result.retryForEntries(refused);
  }

  private long nextBackoff() {
    return Math.min(MAX_BACKOFF_MS, Math.max(FIRST_BACKOFF_MS, backoffMs * 2));
  }

  /** Waits on the call thread (never the task thread), so back-pressure builds while it waits. */
  private void sleepBackoff() {
    backoffMs = nextBackoff();
    try {
      Thread.sleep(backoffMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  protected long getSizeInBytes(KinesisAlertRecord record) {
    return record.sizeInBytes();
  }

  @Override
  public void close() {
    try {
      super.close();
    } finally {
      calls.shutdownNow();
      try {
        calls.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      client.close();
    }
  }
}
