package dev.tracklight.operators.flink;

import dev.tracklight.inference.batching.BatchStatistics;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;

/**
 * Flink view of a shared inference service's batch sizes ({@link BatchStatistics} keeps a count per
 * size): quantiles, mean, min and max over every batch since the service started. Read-only; every
 * subtask that shares the service reports the same distribution.
 */
final class BatchSizeHistogram implements Histogram {

  private final BatchStatistics stats;
  private final int maxBatch;

  BatchSizeHistogram(BatchStatistics stats, int maxBatch) {
    this.stats = stats;
    this.maxBatch = Math.min(maxBatch, BatchStatistics.MAX_TRACKED_BATCH);
  }

  @Override
  public void update(long value) {
    throw new UnsupportedOperationException("batch sizes are recorded by the inference service");
  }

  @Override
  public long getCount() {
    return stats.batches();
  }

  @Override
  public HistogramStatistics getStatistics() {
    long[] counts = new long[maxBatch + 1];
    long total = 0;
    for (int s = 1; s <= maxBatch; s++) {
      counts[s] = stats.batchesOfSize(s);
      total += counts[s];
    }
    return new Snapshot(counts, total);
  }

  /** Statistics of one read of the counts. */
  private static final class Snapshot extends HistogramStatistics {
    private final long[] counts;
    private final long total;

    Snapshot(long[] counts, long total) {
      this.counts = counts;
      this.total = total;
    }

    @Override
    public double getQuantile(double quantile) {
      if (total == 0) {
        return 0;
      }
      long rank = (long) Math.ceil(quantile * total);
      long seen = 0;
      for (int s = 1; s < counts.length; s++) {
        seen += counts[s];
        if (seen >= Math.max(rank, 1)) {
          return s;
        }
      }
      return counts.length - 1;
    }

    @Override
    public long[] getValues() {
      return counts.clone();
    }

    @Override
    public int size() {
      return (int) Math.min(total, Integer.MAX_VALUE);
    }

    @Override
    public double getMean() {
      if (total == 0) {
        return 0;
      }
      double sum = 0;
      for (int s = 1; s < counts.length; s++) {
        sum += (double) s * counts[s];
      }
      return sum / total;
    }

    @Override
    public double getStdDev() {
      if (total == 0) {
        return 0;
      }
      double mean = getMean();
      double sq = 0;
      for (int s = 1; s < counts.length; s++) {
        sq += counts[s] * (s - mean) * (s - mean);
      }
      return Math.sqrt(sq / total);
    }

    @Override
    public long getMax() {
      for (int s = counts.length - 1; s >= 1; s--) {
        if (counts[s] > 0) {
          return s;
        }
      }
      return 0;
    }

    @Override
    public long getMin() {
      for (int s = 1; s < counts.length; s++) {
        if (counts[s] > 0) {
          return s;
        }
      }
      return 0;
    }
  }
}
