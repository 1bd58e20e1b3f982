package dev.tracklight.connectors.live;

/**
 * Estimates how old the newest decoded frame of a live stream is, from its presentation timestamp.
 *
 * <p><b>Why timestamps and not arrival gaps.</b> When an RTSP server hangs, FFmpeg's I/O timeout
 * makes each read return after about that timeout with one more frame from its buffer, so frames keep
 * arriving, one per timeout, and a "time since the last frame" watchdog never fires. Their
 * timestamps, though, advance by one frame period per second of waiting. So the capture time of each
 * frame is estimated as {@code pts + offset}, with {@code offset = min(arrival - pts)} over the
 * session: the minimum-latency anchor, robust to the burst of frames FFmpeg buffered while opening
 * the stream and to network jitter; the frame age is then {@code now - (newest pts + offset)}. It
 * stays near the network latency while the stream is healthy and grows with wall time while it is
 * hung, whatever trickles out of FFmpeg's buffer.
 *
 * <p>A timestamp that does not advance (a camera that restarted its clock, or a stream without
 * timestamps) re-anchors the estimate at that frame, which degrades gracefully to an arrival-time
 * watchdog. A forward jump lowers {@code arrival - pts} and so re-anchors by itself.
 *
 * <p>Threading: {@link #reset} and {@link #onFrame} are called by the decoder thread only;
 * {@link #ageNanos} may be called from any thread (one volatile field carries the estimate).
 */
final class FrameAge {

  private boolean anchored;
  private long lastPtsMicros;
  private long offsetNanos;
  /** Monotonic-clock estimate of when the newest frame was captured. */
  private volatile long newestCaptureNanos;

  /** Starts a new session: until the first frame, age counts from {@code nowNanos}. */
  void reset(long nowNanos) {
    anchored = false;
    newestCaptureNanos = nowNanos;
  }

  /**
   * Records a frame.
   *
   * @param arrivalNanos monotonic time at which the decoder returned it
   * @param ptsMicros its presentation timestamp
   * @return the frame's age at arrival, in nanoseconds (>= 0)
   */
  long onFrame(long arrivalNanos, long ptsMicros) {
    long ptsNanos = ptsMicros * 1000;
    long candidate = arrivalNanos - ptsNanos;
    if (!anchored || ptsMicros <= lastPtsMicros) {
      offsetNanos = candidate;
      anchored = true;
    } else {
      offsetNanos = Math.min(offsetNanos, candidate);
    }
    lastPtsMicros = ptsMicros;
    long capture = ptsNanos + offsetNanos;
    newestCaptureNanos = capture;
    return arrivalNanos - capture;
  }

  /** Age of the newest frame at {@code nowNanos} (since the reset if no frame came yet). */
  long ageNanos(long nowNanos) {
    return nowNanos - newestCaptureNanos;
  }
}
