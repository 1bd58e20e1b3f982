package dev.tracklight.connectors.live;

import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Configuration of one {@link LiveCameraReader}. Validated on construction: a bad value fails fast
 * with an {@link InvalidInputException} naming it, never silently adjusted.
 *
 * @param cameraId stable id of the camera (health events, thread names, metrics): 1-64 characters
 *     from {@code [A-Za-z0-9._-]}, starting with a letter or digit
 * @param url the camera's address (credentials allowed; only its redacted form is ever shown)
 * @param transport RTP transport; {@link RtspTransport#TCP} unless the camera is on a clean LAN
 * @param targetFps frames per second to keep (by the monotonic clock, evenly spaced), or 0 to keep
 *     every decoded frame. Frames not kept are never copied out of the decoder.
 * @param ioTimeout FFmpeg's socket {@code timeout}: how long one connect or read may block. Bounds
 *     how long a hung camera can hold the decoder thread, and therefore how long {@code close()} and
 *     a reconnection can take.
 * @param staleFrameTimeout the frame-age watchdog: no new frame for this long while streaming means
 *     the stream is hung; the reader reports RECONNECTING and reconnects. Must exceed the camera's
 *     longest normal frame interval (e.g. 2 s for a camera that drops to 1 fps at night).
 * @param backoff delays between reconnection attempts
 * @param frameSlots how many of the newest decoded frames are kept for the consumer (1 = only the
 *     latest: a slow consumer always gets the freshest picture); older ones are dropped and counted
 *     as skipped
 * @param decoderThreads FFmpeg decoder threads; 0 lets FFmpeg choose (one per core). With many
 *     cameras per machine, 1 avoids oversubscribing the cores.
 */
public record LiveCameraOptions(String cameraId, CameraUrl url, RtspTransport transport,
    double targetFps, Duration ioTimeout, Duration staleFrameTimeout, ReconnectBackoff backoff,
    int frameSlots, int decoderThreads) {

  private static final Pattern CAMERA_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /**
   * FFmpeg's timeout (µs) and JavaCV's reads are too coarse below this; a smaller value would make
   * every brief network hiccup a reconnect.
   */
  private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);

  /** Above this a hung camera goes unnoticed too long for "live" to mean anything. */
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  /**
   * A larger buffer defeats "skip to stay real-time" (the consumer would lag by that many frames)
   * and costs memory: 16 frames of 4K BGR are 400 MB.
   */
  public static final int MAX_FRAME_SLOTS = 16;

  public LiveCameraOptions {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(backoff, "backoff");
    if (cameraId == null || !CAMERA_ID.matcher(cameraId).matches()) {
      throw new InvalidInputException("camera id '" + cameraId + "' is invalid; expected 1-64"
          + " characters from [A-Za-z0-9._-] starting with a letter or digit");
    }
    if (!(targetFps >= 0) || Double.isInfinite(targetFps)) {
      throw new InvalidInputException("camera " + cameraId + ": target fps must be 0 (every frame)"
          + " or a positive number, got " + targetFps);
    }
    requireTimeout(cameraId, "I/O timeout", ioTimeout);
    requireTimeout(cameraId, "stale-frame timeout", staleFrameTimeout);
    if (frameSlots < 1 || frameSlots > MAX_FRAME_SLOTS) {
      throw new InvalidInputException("camera " + cameraId + ": frame slots must be in 1.."
          + MAX_FRAME_SLOTS + ", got " + frameSlots);
    }
    if (decoderThreads < 0) {
      throw new InvalidInputException("camera " + cameraId + ": decoder threads must be >= 0"
          + " (0 = automatic), got " + decoderThreads);
    }
  }

  /**
   * Defaults for a camera: TCP, every frame, 5 s I/O timeout (a healthy camera never pauses that
   * long; a dead one is noticed within seconds), 5 s stale-frame watchdog, default back-off, one
   * frame slot (always the newest frame), automatic decoder threads.
   */
  public static LiveCameraOptions of(String cameraId, CameraUrl url) {
    return new LiveCameraOptions(cameraId, url, RtspTransport.TCP, 0, Duration.ofSeconds(5),
        Duration.ofSeconds(5), ReconnectBackoff.defaults(), 1, 0);
  }

  public LiveCameraOptions withTransport(RtspTransport value) {
    return new LiveCameraOptions(cameraId, url, value, targetFps, ioTimeout, staleFrameTimeout,
        backoff, frameSlots, decoderThreads);
  }

  public LiveCameraOptions withTargetFps(double value) {
    return new LiveCameraOptions(cameraId, url, transport, value, ioTimeout, staleFrameTimeout,
        backoff, frameSlots, decoderThreads);
  }

  public LiveCameraOptions withTimeouts(Duration io, Duration staleFrame) {
    return new LiveCameraOptions(cameraId, url, transport, targetFps, io, staleFrame, backoff,
        frameSlots, decoderThreads);
  }

  public LiveCameraOptions withBackoff(ReconnectBackoff value) {
    return new LiveCameraOptions(cameraId, url, transport, targetFps, ioTimeout, staleFrameTimeout,
        value, frameSlots, decoderThreads);
  }

  public LiveCameraOptions withFrameSlots(int value) {
    return new LiveCameraOptions(cameraId, url, transport, targetFps, ioTimeout, staleFrameTimeout,
        backoff, value, decoderThreads);
  }

  public LiveCameraOptions withDecoderThreads(int value) {
    return new LiveCameraOptions(cameraId, url, transport, targetFps, ioTimeout, staleFrameTimeout,
        backoff, frameSlots, value);
  }

  /** The URL is shown redacted, so options can be logged as they are. */
  @Override
  public String toString() {
    return "LiveCameraOptions[cameraId=" + cameraId + ", url=" + url + ", transport=" + transport
        + ", targetFps=" + targetFps + ", ioTimeout=" + ioTimeout + ", staleFrameTimeout="
        + staleFrameTimeout + ", backoff=" + backoff + ", frameSlots=" + frameSlots
        + ", decoderThreads=" + decoderThreads + "]";
  }

  private static void requireTimeout(String cameraId, String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.compareTo(MIN_TIMEOUT) < 0 || value.compareTo(MAX_TIMEOUT) > 0) {
      throw new InvalidInputException("camera " + cameraId + ": " + what + " must be between "
          + MIN_TIMEOUT.toMillis() + " ms and " + MAX_TIMEOUT.toMinutes() + " min, got " + value);
    }
  }
}
