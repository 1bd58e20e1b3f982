package dev.tracklight.connectors.live;

import dev.tracklight.connectors.video.BgrFrames;
import dev.tracklight.connectors.video.FfmpegLogging;
import dev.tracklight.connectors.video.VideoFrame;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one live camera (RTSP) into {@link VideoFrame}s, forever: it reconnects on any failure with
 * exponential back-off until closed, and always hands the consumer the newest frames.
 *
 * <p><b>Threads and ownership.</b> {@link #start} spawns a decoder thread that owns the JavaCV
 * {@link FFmpegFrameGrabber} outright (it creates, starts, reads and releases every grabber; no
 * other thread touches native state, and a grabber never outlives its connection). The decoder
 * decodes continuously at the camera's rate, copies each kept picture into an owned {@code BgrImage}
 * and offers it to a bounded slot of the {@link LiveCameraOptions#frameSlots()} newest frames; when
 * the consumer is slower, the oldest frame is overwritten and counted as skipped
 * ({@link #framesSkipped()}) — "skip to stay real-time", never an unbounded queue, so memory is
 * bounded by {@code frameSlots + 2} frames (the slot, the one being copied, the one the consumer
 * holds). A watchdog thread checks the frame age ({@link FrameAge}) and reports a hung stream even
 * while the decoder is blocked inside FFmpeg. The consumer (any one thread) calls {@link #poll},
 * {@link #tryPoll} or {@link #available()}; frames it receives are its own.
 *
 * <p><b>Frames.</b> {@link VideoFrame#index()} is the camera's sequence number: it counts the frames
 * offered to the consumer from 0 and continues across reconnections, so a gap means skipped frames.
 * {@link VideoFrame#timestampMs()} is the event time: the wall-clock time (epoch ms, injected clock)
 * at which the frame was captured, estimated as arrival time minus the frame's age (so frames keep
 * their camera-side spacing even when FFmpeg hands over a burst).
 *
 * <p><b>Faults</b> (measured, docs/platform-notes.md "Live cameras (RTSP)"). JavaCV returns null from
 * {@code grabImage()} when the server goes away: a disconnect. A hung server blocks reads; FFmpeg's
 * {@code timeout} option (µs) bounds each read, and the frame-age watchdog
 * ({@link LiveCameraOptions#staleFrameTimeout()}) declares the stream hung. Either way the reader
 * reports {@link CameraState#RECONNECTING}, releases the connection, waits
 * {@link ReconnectBackoff#delayBefore} and tries again; attempts count from 1 again once a connection
 * delivers a frame. Health events go to the listener on every change.
 *
 * <p><b>Secrets.</b> Only {@link CameraUrl#redacted()} and messages passed through
 * {@link CameraUrl#redact} reach logs, health events and exceptions: JavaCV quotes the full URL in
 * its errors, so their messages are scrubbed and the exceptions themselves are never logged.
 */
public final class LiveCameraReader implements CameraFeed {

  private static final Logger LOG = LoggerFactory.getLogger(LiveCameraReader.class);

  /**
   * The watchdog looks this many times per stale-frame timeout, so a hang is reported at most 25%
   * after the timeout, at a cost of a few wake-ups per second per camera.
   */
  private static final int WATCHDOG_CHECKS_PER_TIMEOUT = 4;

  /**
   * Beyond the I/O timeout, how long {@link #close()} waits for the decoder thread to leave FFmpeg
   * and release the connection (an RTSP TEARDOWN and native frees take milliseconds; this covers a
   * loaded machine).
   */
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private final LiveCameraOptions options;
  private final String cameraId;
  private final CameraHealthListener listener;
  private final CameraClock clock;
  /** Jitter source; used by the decoder thread only. */
  private final RandomGenerator random;
  private final LatestFrames frames;
  private final FrameAge frameAge = new FrameAge();
  private final FrameRateGate rateGate;
  private final long staleNanos;
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final Thread decoder;
  private final ScheduledExecutorService watchdog;

  private final Object healthLock = new Object();
  private CameraHealth health; // guarded by healthLock

  private volatile boolean closed;
  /** True while a connection is delivering frames (the watchdog only judges those). */
  private volatile boolean streaming;
  /** Set by the watchdog when it declared the current connection hung; reset per connection. */
  private final AtomicBoolean hangDeclared = new AtomicBoolean();
  private final AtomicLong framesDecoded = new AtomicLong();
  private final AtomicLong framesDelivered = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  /** Decoder thread only: next sequence number, attempt counter, frames of this connection. */
  private long nextSequence;
  /** Written by the decoder thread only; volatile because close() reports it. */
  private volatile int attempt = 1;
  private long connectionFrames;

  private LiveCameraReader(LiveCameraOptions options, CameraHealthListener listener,
      CameraClock clock, RandomGenerator random) {
    this.options = options;
    this.cameraId = options.cameraId();
    this.listener = listener;
    this.clock = clock;
    this.random = random;
    this.frames = new LatestFrames(options.frameSlots());
    this.rateGate = new FrameRateGate(options.targetFps());
    this.staleNanos = options.staleFrameTimeout().toNanos();
    this.decoder = new Thread(this::runDecoder, "tracklight-camera-" + cameraId);
    // Daemon: a reader the application forgot to close must not keep the JVM alive.
    this.decoder.setDaemon(true);
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "tracklight-camera-" + cameraId + "-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.watchdog = executor;
  }

  /**
   * Starts reading a camera with the system clock and a fresh jitter source. Returns at once; the
   * connection is made on the reader's thread and reported to {@code listener}.
   *
   * @return the running reader; the caller owns it and must close it
   */
  public static LiveCameraReader start(LiveCameraOptions options, CameraHealthListener listener) {
    return start(options, listener, CameraClock.system(), new SplittableRandom());
  }

  /**
   * Starts reading a camera with an injected clock and jitter source.
   *
   * @param random used by the reader's decoder thread only (need not be thread-safe)
   */
  public static LiveCameraReader start(LiveCameraOptions options, CameraHealthListener listener,
      CameraClock clock, RandomGenerator random) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    FfmpegLogging.install();
    LiveCameraReader reader = new LiveCameraReader(options, listener, clock, random);
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(25),
        reader.staleNanos / WATCHDOG_CHECKS_PER_TIMEOUT);
    reader.watchdog.scheduleWithFixedDelay(reader::checkFrameAge, period, period,
        TimeUnit.NANOSECONDS);
    reader.decoder.start();
    return reader;
  }

  /**
   * The oldest waiting frame (with one frame slot: the newest frame), waiting up to
   * {@code timeout} for one.
   *
   * @return empty on timeout or once the reader is closed
   */
  public Optional<VideoFrame> poll(Duration timeout) throws InterruptedException {
    return delivered(frames.poll(timeout.toNanos()));
  }

  /** The oldest waiting frame, or empty if none is waiting; never blocks. */
  public Optional<VideoFrame> tryPoll() {
    return delivered(frames.poll());
  }

  /**
   * Completes when a frame is waiting or the reader is closed: lets a non-blocking consumer (a
   * Flink source reader) wait without a thread.
   */
  public CompletableFuture<Void> available() {
    return frames.available();
  }

  /** The latest health event (never null: CONNECTING before anything happened). */
  public CameraHealth health() {
    synchronized (healthLock) {
      return health != null ? health
          : new CameraHealth(cameraId, CameraState.CONNECTING, 1, null, clock.epochMillis());
    }
  }

  public LiveCameraOptions options() {
    return options;
  }

  /** Frames decoded since start, including those dropped by fps sampling or skipped. */
  public long framesDecoded() {
    return framesDecoded.get();
  }

  /** Frames handed to the consumer. */
  public long framesDelivered() {
    return framesDelivered.get();
  }

  /** Frames offered to the consumer but overwritten by newer ones before it took them. */
  public long framesSkipped() {
    return frames.skipped();
  }

  /** Frames waiting for the consumer now (at most {@link LiveCameraOptions#frameSlots()}). */
  public int framesWaiting() {
    return frames.size();
  }

  /** Successful connections so far (1 + reconnections that worked). */
  public long connections() {
    return connections.get();
  }

  /**
   * Stops the camera: wakes a waiting consumer, stops the watchdog and waits up to the I/O timeout
   * plus a grace period for the decoder thread to release the connection. If FFmpeg still blocks
   * then, close returns anyway (logged) and the decoder thread releases the connection as soon as
   * the read times out. Emits {@link CameraState#STOPPED}. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeSignal.countDown();
    frames.close();
    watchdog.shutdownNow();
    if (Thread.currentThread() != decoder) {
      try {
        decoder.join(options.ioTimeout().plus(CLOSE_GRACE).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (decoder.isAlive()) {
        LOG.warn("camera {}: decoder still blocked in FFmpeg after close; it releases the stream"
            + " when the read times out", cameraId);
      }
    }
    publish(CameraState.STOPPED, attempt, null);
    LOG.info("camera {} stopped: {} frames decoded, {} delivered, {} skipped, {} connections",
        cameraId, framesDecoded(), framesDelivered(), framesSkipped(), connections());
  }

  private Optional<VideoFrame> delivered(VideoFrame frame) {
    if (frame == null) {
      return Optional.empty();
    }
    framesDelivered.incrementAndGet();
    return Optional.of(frame);
  }

  /** The decoder thread: connect, stream until failure, back off, repeat until closed. */
  private void runDecoder() {
    try {
      publish(CameraState.CONNECTING, attempt, null);
      while (!closed) {
        String failure = connectAndStream();
        if (closed) {
          break;
        }
        boolean wasStreaming = connectionFrames > 0;
        attempt = wasStreaming ? 1 : attempt + 1;
        Duration delay = options.backoff().delayBefore(attempt, random);
        LOG.warn("camera {} ({}): {}", cameraId, options.url(), retryNote(failure, wasStreaming, attempt, delay));
        publish(CameraState.RECONNECTING, attempt, failure);
        if (closeSignal.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // only close() ends this thread; nothing else to do
    } catch (RuntimeException | Error e) {
      // A bug or an exhausted JVM: report it (redacted) rather than vanish silently.
      String message = options.url().redact(String.valueOf(e.getMessage()));
      LOG.error("camera {}: decoder thread failed: {}: {}", cameraId, e.getClass().getName(),
          message);
      publish(CameraState.STOPPED, attempt, e.getClass().getSimpleName() + ": " + message);
      frames.close();
    }
  }

  /**
   * The reconnect warning's text after {@code failure}: a stream that was running is "lost"; a
   * connection that never streamed counts the failed attempts in a row (the first warning says 1,
   * not the number of the attempt to come).
   *
   * @param nextAttempt the attempt about to be made, counted from 1 since the camera last streamed
   */
  static String retryNote(String failure, boolean wasStreaming, int nextAttempt, Duration delay) {
    if (wasStreaming) {
      return "stream lost: " + failure + "; reconnecting in " + delay.toMillis() + " ms";
    }
    int failed = nextAttempt - 1;
    return failure + "; trying again in " + delay.toMillis() + " ms (" + failed + " failed attempt"
        + (failed == 1 ? "" : "s") + " in a row)";
  }

  /**
   * One connection: opens the stream, decodes until it fails or the reader closes, and always
   * releases the grabber.
   *
   * @return why the connection ended (redacted), meaningless if the reader was closed
   */
  private String connectAndStream() {
    connectionFrames = 0;
    hangDeclared.set(false);
    FFmpegFrameGrabber grabber = newGrabber();
    try {
      grabber.start();
      connections.incrementAndGet();
      frameAge.reset(clock.monotonicNanos());
      return stream(grabber);
    } catch (FrameGrabber.Exception | RuntimeException e) {
      return connectionFrames > 0 ? "stream failed: " + describe(e)
          : "cannot connect: " + describe(e);
    } finally {
      streaming = false;
      release(grabber);
    }
  }

  private String stream(FFmpegFrameGrabber grabber) throws FrameGrabber.Exception {
    while (!closed) {
      Frame frame = grabber.grabImage();
      long now = clock.monotonicNanos();
      if (hangDeclared.get()) {
        return hungMessage(frameAge.ageNanos(now));
      }
      if (frame == null || frame.image == null) {
        return connectionFrames > 0 ? "stream ended (connection closed or timed out)"
            : "stream opened but delivered no frame";
      }
      long ageNanos = frameAge.onFrame(now, frame.timestamp);
      if (ageNanos > staleNanos) {
        return hungMessage(ageNanos); // FFmpeg trickling buffered frames from a hung server
      }
      framesDecoded.incrementAndGet();
      if (connectionFrames++ == 0) {
        streaming = true;
        LOG.info("camera {} streaming {}x{} from {} (attempt {})", cameraId, frame.imageWidth,
            frame.imageHeight, options.url(), attempt);
        publish(CameraState.STREAMING, attempt, null);
      }
      if (rateGate.keep(now)) {
        long captureMs = clock.epochMillis() - TimeUnit.NANOSECONDS.toMillis(ageNanos);
        frames.offer(new VideoFrame(nextSequence++, captureMs, BgrFrames.copyOf(frame)));
      }
    }
    return "closed";
  }

  /** Watchdog thread: reports a hung stream while the decoder may be blocked inside FFmpeg. */
  private void checkFrameAge() {
    if (!streaming || closed) {
      return;
    }
    long age = frameAge.ageNanos(clock.monotonicNanos());
    if (age > staleNanos && hangDeclared.compareAndSet(false, true)) {
      String message = hungMessage(age);
      LOG.warn("camera {} ({}): {}", cameraId, options.url(), message);
      publish(CameraState.RECONNECTING, 1, message);
    }
  }

  private String hungMessage(long ageNanos) {
    return "stream hung: newest frame is " + TimeUnit.NANOSECONDS.toMillis(ageNanos)
        + " ms old (stale-frame timeout " + options.staleFrameTimeout().toMillis() + " ms)";
  }

  private FFmpegFrameGrabber newGrabber() {
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(options.url().connectionString());
    grabber.setOption("rtsp_transport", options.transport().ffmpegName());
    // Socket I/O timeout in µs (FFmpeg >= 5 calls it "timeout"; "stimeout"/"rw_timeout" have no
    // effect on RTSP, measured): bounds connect and every read against a hung server.
    grabber.setOption("timeout", Long.toString(options.ioTimeout().toNanos() / 1000));
    // Cameras often send audio; we never decode it, so do not ask for it.
    grabber.setOption("allowed_media_types", "video");
    grabber.setImageMode(FrameGrabber.ImageMode.COLOR); // BGR24, the BgrImage layout
    grabber.setImageScalingFlags(swscale.SWS_BICUBIC); // as VideoReader: matches OpenCV's decode
    grabber.setVideoOption("threads", Integer.toString(options.decoderThreads()));
    return grabber;
  }

  private void release(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      LOG.debug("camera {}: releasing the stream failed: {}", cameraId,
          options.url().redact(e.getMessage()));
    }
  }

  /** One line saying what failed, with the URL's secrets scrubbed. */
  private String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return options.url().redact(FfmpegErrors.withReason(message));
  }

  /**
   * Sends a health event unless it repeats the current state and attempt (the watchdog and the
   * decoder may both report one hang), and never after STOPPED.
   */
  private void publish(CameraState state, int attemptNumber, String error) {
    synchronized (healthLock) {
      if (health != null && (health.state() == CameraState.STOPPED
          || (health.state() == state && health.attempt() == attemptNumber))) {
        return;
      }
      health = new CameraHealth(cameraId, state, attemptNumber, error, clock.epochMillis());
      try {
        listener.onHealth(health);
      } catch (RuntimeException e) {
        LOG.warn("camera {}: health listener failed: {}", cameraId, e.toString());
      }
    }
  }
}
