package dev.tracklight.connectors.kvs;

import dev.tracklight.connectors.live.CameraClock;
import dev.tracklight.connectors.live.CameraFeed;
import dev.tracklight.connectors.live.CameraHealth;
import dev.tracklight.connectors.live.CameraHealthListener;
import dev.tracklight.connectors.live.CameraState;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.inference.BgrImage;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * Reads one Kinesis Video Streams camera (GetMedia) into {@link VideoFrame}s until closed.
 *
 * <p><b>Frames and time.</b> Every H.264 block of every fragment is decoded in order; a frame's
 * event time ({@link VideoFrame#timestampMs()}) is its fragment's producer timestamp plus its
 * offset in the fragment ({@link MkvFragmentReader}), never the reader's clock, so gaps between
 * fragments stay gaps. {@link VideoFrame#index()} counts the frames handed out from 0. With a target
 * fps, frames are sampled by event time ({@link EventTimeSampler}).
 *
 * <p><b>Resume.</b> The service ends GetMedia responses now and then, and connections fail: the
 * reader reconnects from the last continuation token and skips the blocks it already processed
 * ({@link KvsResume}), so the frames handed out are those of one uninterrupted read. A response
 * that ended after delivering fragments is continued at once; a failure (refused, corrupt or
 * truncated MKV, read timeout) is reported as {@link CameraState#RECONNECTING} and retried after
 * {@link dev.tracklight.connectors.live.ReconnectBackoff} with jitter, as RTSP cameras are. Each
 * handed-out frame carries the {@link KvsPosition} after it, and {@link #position()} is the one of
 * the last frame taken: the checkpoint of the Flink split, from which a restored reader starts.
 *
 * <p><b>Threads.</b> {@link #start} spawns the reader thread, which owns the HTTP response, the MKV
 * reader and the native decoder. Decoded frames wait in a small bounded queue; when it is full the
 * reader waits (no frame is dropped: KVS retains the media, and {@link #millisBehindNow()} shows how
 * far behind the live edge the camera is). The consumer (one thread) calls {@link #tryPoll},
 * {@link #available} and {@link #position}. {@link #close()} may come from any thread.
 */
public final class KvsCameraReader implements CameraFeed {

  private static final Logger LOG = LoggerFactory.getLogger(KvsCameraReader.class);
  /** How long close() waits for the reader thread to leave the decoder and the socket. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /** A decoded frame and the position after it. */
  private record Delivery(VideoFrame frame, KvsPosition after) {}

  private final KvsReaderOptions options;
  private final String cameraId;
  private final KvsMedia media;
  private final CameraHealthListener listener;
  private final CameraClock clock;
  private final RandomGenerator random;
  private final ArrayBlockingQueue<Delivery> queue;
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final Thread thread;

  private final Object lock = new Object();
  private CompletableFuture<Void> waiting; // guarded by lock
  private CameraHealth health; // guarded by lock

  private volatile boolean closed;
  private volatile InputStream body;
  private volatile long millisBehindNow = -1;
  private final AtomicLong framesDecoded = new AtomicLong();
  private final AtomicLong framesDelivered = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong fragments = new AtomicLong();

  // Reader thread only.
  private final KvsResume resume;
  private final EventTimeSampler sampler;
  private final Map<Long, MkvFragmentReader.Block> pending = new HashMap<>();
  private MkvFragmentReader.FragmentStart fragment;
  private H264Decoder decoder;
  private long nextIndex;
  private long connectionFrames;
  private int attempt = 1;

  // Consumer thread only.
  private KvsPosition position;

  private KvsCameraReader(KvsReaderOptions options, KvsMedia media, KvsPosition restored,
      CameraHealthListener listener, CameraClock clock, RandomGenerator random) {
    this.options = options;
    this.cameraId = options.cameraId();
    this.media = media;
    this.listener = listener;
    this.clock = clock;
    this.random = random;
    this.queue = new ArrayBlockingQueue<>(options.queueFrames());
    this.resume = KvsResume.of(options.camera().start(), restored);
    this.sampler = new EventTimeSampler(options.targetFps(), restored == null ? -1 : restored.previousEventMs());
    this.position = restored;
    this.thread = new Thread(this::run, "tracklight-kvs-" + cameraId);
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading; returns at once.
   *
   * @param media GetMedia for this camera; the reader owns and closes it
   * @param restored the checkpointed position to resume at, or null to start at the camera's start
   */
  public static KvsCameraReader start(KvsReaderOptions options, KvsMedia media, KvsPosition restored,
      CameraHealthListener listener) {
    return start(options, media, restored, listener, CameraClock.system(), new SplittableRandom());
  }

  public static KvsCameraReader start(KvsReaderOptions options, KvsMedia media, KvsPosition restored,
      CameraHealthListener listener, CameraClock clock, RandomGenerator random) {
    KvsCameraReader reader = new KvsCameraReader(options, media, restored, listener, clock, random);
    reader.thread.start();
    return reader;
  }

  @Override
  public Optional<VideoFrame> tryPoll() {
    Delivery d = queue.poll();
    if (d == null) {
      return Optional.empty();
    }
    position = d.after();
    framesDelivered.incrementAndGet();
    return Optional.of(d.frame());
  }

  /** Waits up to {@code timeout} for a frame (tests and tools; the Flink source uses tryPoll). */
  public Optional<VideoFrame> poll(Duration timeout) throws InterruptedException {
    Delivery d = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (d == null) {
      return Optional.empty();
    }
    position = d.after();
    framesDelivered.incrementAndGet();
    return Optional.of(d.frame());
  }

  @Override
  public CompletableFuture<Void> available() {
    synchronized (lock) {
      if (!queue.isEmpty() || closed) {
        return CompletableFuture.completedFuture(null);
      }
      if (waiting == null) {
        waiting = new CompletableFuture<>();
      }
      return waiting;
    }
  }

  private void signal() {
    CompletableFuture<Void> w;
    synchronized (lock) {
      w = waiting;
      waiting = null;
    }
    if (w != null) {
      w.complete(null);
    }
  }

  @Override
  public Optional<KvsPosition> position() {
    return Optional.ofNullable(position);
  }

  @Override
  public CameraHealth health() {
    synchronized (lock) {
      return health != null ? health
          : new CameraHealth(cameraId, CameraState.CONNECTING, 1, null, clock.epochMillis());
    }
  }

  @Override
  public long connections() {
    return connections.get();
  }

  /** Always 0: a KVS camera waits instead of skipping frames. */
  @Override
  public long framesSkipped() {
    return 0;
  }

  @Override
  public long framesDecoded() {
    return framesDecoded.get();
  }

  public long framesDelivered() {
    return framesDelivered.get();
  }

  /** Fragments read whole so far. */
  public long fragments() {
    return fragments.get();
  }

  @Override
  public long millisBehindNow() {
    return millisBehindNow;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeSignal.countDown();
    abort(body);
    signal();
    if (Thread.currentThread() != thread) {
      thread.interrupt(); // wakes a reader waiting for queue space
      try {
        thread.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    media.close();
    publish(CameraState.STOPPED, attempt, null);
    LOG.info("camera {} ({}) stopped: {} fragments, {} frames decoded, {} delivered, {} connections",
        cameraId, options.camera().label(), fragments(), framesDecoded(), framesDelivered(), connections());
  }

  private void run() {
    try {
      publish(CameraState.CONNECTING, attempt, null);
      while (!closed) {
        long before = connectionFrames = 0;
        long fragmentsBefore = fragments.get();
        String failure = connectAndRead();
        if (closed) {
          break;
        }
        boolean progressed = fragments.get() > fragmentsBefore || connectionFrames > before;
        if (failure == null && progressed) {
          LOG.debug("camera {}: GetMedia response ended; continuing at {}", cameraId, resume);
          continue; // the service ends responses now and then: continue at once
        }
        attempt = progressed ? 1 : attempt + 1;
        Duration delay = options.backoff().delayBefore(attempt, random);
        if (failure == null) {
          // Nothing new (a stream whose producer stopped, the end of an archive): not a fault, ask
          // again later, backing off while it stays quiet.
          LOG.info("camera {} ({}): no new fragment; asking again in {} ms", cameraId,
              options.camera().label(), delay.toMillis());
          if (closeSignal.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
            break;
          }
          continue;
        }
        LOG.warn("camera {} ({}): {}; reconnecting at {} in {} ms (attempt {})", cameraId,
            options.camera().label(), failure, resume.selector().type(), delay.toMillis(), attempt);
        publish(CameraState.RECONNECTING, attempt, failure);
        if (closeSignal.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // only close() interrupts
    } catch (RuntimeException | Error e) {
      LOG.error("camera {}: reader thread failed: {}", cameraId, e.toString());
      publish(CameraState.STOPPED, attempt, e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      releaseDecoder();
      signal();
    }
  }

  /** One GetMedia: null when the response ended between fragments, else why it failed. */
  private String connectAndRead() throws InterruptedException {
    KvsSelector selector = resume.selector();
    try (InputStream in = media.getMedia(selector)) {
      body = in;
      if (closed) {
        return null;
      }
      connections.incrementAndGet();
      MkvFragmentReader mkv = new MkvFragmentReader(in);
      MkvFragmentReader.Item item;
      while (!closed && (item = mkv.next()) != null) {
        if (item instanceof MkvFragmentReader.FragmentStart start) {
          if (decoder == null || !decoder.configuredFor(start.codecPrivate())) {
            releaseDecoder();
            decoder = new H264Decoder(start.codecPrivate());
          }
          fragment = start;
          pending.clear();
        } else if (item instanceof MkvFragmentReader.Block block) {
          pending.put((long) block.offset(), block);
          decoder.decode(block.data(), block.keyFrame(), block.offset(), pictures);
        } else if (item instanceof MkvFragmentReader.FragmentEnd end) {
          decoder.drain(pictures);
          resume.fragmentEnded(end.fragmentNumber(), end.continuationToken());
          end.millisBehindNow().ifPresent(ms -> millisBehindNow = ms);
          fragments.incrementAndGet();
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      // RuntimeException: the SDK's own (AbortedException when close() aborts the response, a
      // client exception while reading), the parser library's Validate failures.
      if (closed) {
        return null;
      }
      // A cut fragment's decoder state is useless to the next connection (it restarts at a key frame).
      releaseDecoder();
      return (connectionFrames > 0 ? "stream failed: " : "cannot read: ") + oneLine(e);
    } finally {
      body = null;
    }
  }

  /** The decoder's pictures: sampled out before their BGR conversion, kept ones to {@link #onPicture}. */
  private final H264Decoder.Pictures pictures = new H264Decoder.Pictures() {
    @Override
    public void accept(long tag, BgrImage image) throws InterruptedException {
      onPicture(tag, image);
    }

    @Override
    public boolean wants(long tag) {
      MkvFragmentReader.Block block = pending.get(tag);
      // The sampler decides here, once per picture and in order, so that a dropped picture is
      // never converted; onPicture then sees it as a null image.
      return block != null && !resume.alreadyProcessed(block.fragmentNumber(), block.offset())
          && sampler.keep(block.eventTimeMs());
    }
  };

  /** A decoded picture: {@code image} null when the sampler dropped it ({@link #pictures}). */
  private void onPicture(long tag, BgrImage image) throws InterruptedException {
    MkvFragmentReader.Block block = pending.remove(tag);
    if (block == null) {
      return; // a picture FFmpeg produced without its own packet (never for KVS H.264)
    }
    framesDecoded.incrementAndGet();
    if (resume.alreadyProcessed(block.fragmentNumber(), block.offset())) {
      return;
    }
    boolean keep = image != null;
    resume.processed(block.fragmentNumber(), fragment.producerTimeMs(), block.offset(), block.eventTimeMs());
    if (connectionFrames++ == 0) {
      LOG.info("camera {} streaming {} from {} at {}", cameraId,
          image == null ? "(first picture sampled out)" : image.width() + "x" + image.height(),
          options.camera().label(), block.fragmentNumber());
      attempt = 1;
      publish(CameraState.STREAMING, 1, null);
    }
    if (!keep) {
      return;
    }
    KvsPosition after = new KvsPosition(block.fragmentNumber(), fragment.producerTimeMs(), block.offset() + 1,
        block.eventTimeMs());
    Delivery d = new Delivery(new VideoFrame(nextIndex++, block.eventTimeMs(), image), after);
    while (!queue.offer(d, 100, TimeUnit.MILLISECONDS)) {
      if (closed) {
        return;
      }
    }
    signal();
  }

  private void releaseDecoder() {
    if (decoder != null) {
      decoder.close();
      decoder = null;
    }
    pending.clear();
  }

  private static void abort(InputStream in) {
    if (in instanceof ResponseInputStream<?> response) {
      response.abort(); // closing would first drain the rest of a live response
    } else if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // closing to unblock a read; nothing to do if that fails
      }
    }
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  /** Sends a health event unless it repeats the current state and attempt; never after STOPPED. */
  private void publish(CameraState state, int attemptNumber, String error) {
    synchronized (lock) {
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
