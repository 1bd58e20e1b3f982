package dev.tracklight.inference.batching;

/**
 * A snapshot of one camera's counters in a {@link BatchingDetectionService}, all since the service
 * started. Every submitted frame ends in exactly one other counter once its future completes
 * (frames still queued or running are in none of them).
 *
 * @param submitted frames passed to {@code submit}
 * @param completed frames detected successfully
 * @param failed frames whose batch the detector failed on, or that the service's closing caught
 * @param timedOut frames that expired in the queue
 * @param rejected frames refused because the queue stayed full
 * @param cancelled frames skipped because the caller completed or cancelled the future first
 */
public record CameraStats(long submitted, long completed, long failed, long timedOut,
    long rejected, long cancelled) {

  /** Frames submitted but not (yet) accounted for: queued or running. */
  public long pending() {
    return submitted - completed - failed - timedOut - rejected - cancelled;
  }
}
