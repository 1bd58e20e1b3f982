package dev.tracklight.connectors.alerts;

import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Follows an alert stream on Kinesis Data Streams across all its shards: ListShards (page by
 * page), one shard iterator each, GetRecords in turn. Starts at the end of every open shard
 * (iterators taken in {@link #open}, so alerts put after it returns are never missed) or at the
 * oldest record kept (TRIM_HORIZON). A shard closed by resharding hands over to its children, read
 * from their start. The stream is at least once: the caller de-duplicates by alert id.
 *
 * <p>Limits: GetRecords is allowed 5 calls per second per shard, so each shard is read at most
 * every {@link #SHARD_POLL_MS} ms and waits {@link #THROTTLED_MS} ms after a throttling answer.
 * Time is injected ({@code nanoTime}) for the tests.
 *
 * <p>Ownership: the feed owns its client. Single-threaded: one thread polls and closes.
 */
public final class KinesisAlertFeed implements AlertFeed {

  /** Per shard, at most one GetRecords call this often: the API allows 5 per second per shard. */
  static final long SHARD_POLL_MS = 200;
  /** A throttled shard rests this long: its read budget renews every second. */
  static final long THROTTLED_MS = 1_000;
  /** Records per GetRecords call at most (alerts are small; the API allows 10,000). */
  static final int RECORDS_PER_CALL = 1_000;

  private final KinesisClient client;
  private final KinesisAlertSinkOptions stream;
  private final LongSupplier nanoTime;
  /** Open shard → its reader, in discovery order. */
  private final Map<String, ShardReader> shards = new LinkedHashMap<>();
  private final String description;

  /** Where one shard is read from, and when it may be read next. */
  private static final class ShardReader {
    String iterator;
    String lastSequence;
    long notBeforeNanos;

    ShardReader(String iterator) {
      this.iterator = iterator;
    }
  }

  private KinesisAlertFeed(KinesisClient client, KinesisAlertSinkOptions stream, LongSupplier nanoTime,
      boolean fromBeginning) {
    this.client = client;
    this.stream = stream;
    this.nanoTime = nanoTime;
    for (Shard shard : listShards()) {
      boolean open = shard.sequenceNumberRange().endingSequenceNumber() == null;
      // From the end: closed shards take no new records. From the beginning: all, parents first
      // (ListShards returns them in that order), so each camera's alerts come in order.
      if (fromBeginning || open) {
        shards.put(shard.shardId(), new ShardReader(iterator(shard.shardId(),
            fromBeginning ? ShardIteratorType.TRIM_HORIZON : ShardIteratorType.LATEST, null)));
      }
    }
    this.description = stream + " (" + shards.size() + " shard" + (shards.size() == 1 ? "" : "s")
        + ", from the " + (fromBeginning ? "oldest record kept" : "end") + ")";
  }

  /**
   * Connects, lists the shards and positions a reader on each.
   *
   * @throws InvalidInputException if the stream does not exist
   * @throws IllegalStateException if Kinesis cannot be reached within {@code connectTimeout}
   */
  public static KinesisAlertFeed open(KinesisAlertSinkOptions stream, boolean fromBeginning, Duration connectTimeout) {
    KinesisClient client = stream.newClient(connectTimeout);
    try {
      return new KinesisAlertFeed(client, stream, System::nanoTime, fromBeginning);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private List<Shard> listShards() {
    ListShardsRequest.Builder request = ListShardsRequest.builder();
    if (stream.isArn()) {
      request.streamARN(stream.stream());
    } else {
      request.streamName(stream.stream());
    }
    try {
      // The SDK has no paginator for ListShards: a next page is asked for by its token alone.
      List<Shard> all = new ArrayList<>();
      var page = client.listShards(request.build());
      all.addAll(page.shards());
      while (page.nextToken() != null) {
        String token = page.nextToken();
        page = client.listShards(r -> r.nextToken(token));
        all.addAll(page.shards());
      }
      return all;
    } catch (ResourceNotFoundException e) {
      throw new InvalidInputException("--kinesis '" + stream.stream() + "': no such stream"
          + " in this account and region; expected the stream the job's sinks.alerts.kinesis writes to");
    } catch (SdkClientException e) {
      throw new IllegalStateException("cannot reach Kinesis for " + stream + ": " + e.getMessage(), e);
    }
  }

  private String iterator(String shardId, ShardIteratorType type, String afterSequence) {
    GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().shardId(shardId)
        .shardIteratorType(type);
    if (afterSequence != null) {
      request.startingSequenceNumber(afterSequence);
    }
    if (stream.isArn()) {
      request.streamARN(stream.stream());
    } else {
      request.streamName(stream.stream());
    }
    return client.getShardIterator(request.build()).shardIterator();
  }

  @Override
  public List<String> poll(Duration timeout) throws InterruptedException {
    long deadline = nanoTime.getAsLong() + timeout.toNanos();
    List<String> lines = new ArrayList<>();
    while (true) {
      long soonest = Long.MAX_VALUE;
      for (var entry : List.copyOf(shards.entrySet())) {
        ShardReader reader = entry.getValue();
        long now = nanoTime.getAsLong();
        if (now - reader.notBeforeNanos < 0) {
          soonest = Math.min(soonest, reader.notBeforeNanos);
          continue;
        }
        read(entry.getKey(), reader, lines);
        soonest = Math.min(soonest, reader.notBeforeNanos);
      }
      long now = nanoTime.getAsLong();
      if (!lines.isEmpty() || deadline - now <= 0) {
        return lines;
      }
      long waitNanos = Math.min(deadline - now, soonest == Long.MAX_VALUE ? deadline - now : soonest - now);
      if (waitNanos > 0) {
        Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
      }
    }
  }

  /** One GetRecords call on a shard; a closed shard is replaced by its children. */
  private void read(String shardId, ShardReader reader, List<String> lines) {
    GetRecordsResponse response;
    try {
      response = client.getRecords(r -> r.shardIterator(reader.iterator).limit(RECORDS_PER_CALL));
    } catch (ProvisionedThroughputExceededException e) {
      reader.notBeforeNanos = nanoTime.getAsLong() + THROTTLED_MS * 1_000_000;
      return;
    } catch (ExpiredIteratorException e) {
      // Iterators live 5 minutes: a reader that slept longer picks up after its last record.
      reader.iterator = reader.lastSequence == null
          ? iterator(shardId, ShardIteratorType.LATEST, null)
          : iterator(shardId, ShardIteratorType.AFTER_SEQUENCE_NUMBER, reader.lastSequence);
      return;
    }
    for (Record r : response.records()) {
      lines.add(r.data().asUtf8String());
      reader.lastSequence = r.sequenceNumber();
    }
    reader.notBeforeNanos = nanoTime.getAsLong() + SHARD_POLL_MS * 1_000_000;
    if (response.nextShardIterator() == null) {
      // The shard was closed (split or merged) and read to its end: read its children from their start.
      shards.remove(shardId);
      for (Shard child : listShards()) {
        if ((shardId.equals(child.parentShardId()) || shardId.equals(child.adjacentParentShardId()))
            && !shards.containsKey(child.shardId())) {
          shards.put(child.shardId(), new ShardReader(iterator(child.shardId(), ShardIteratorType.TRIM_HORIZON,
              null)));
        }
      }
    } else {
      reader.iterator = response.nextShardIterator();
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    client.close();
  }
}
