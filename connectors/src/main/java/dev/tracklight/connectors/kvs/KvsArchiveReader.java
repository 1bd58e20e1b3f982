package dev.tracklight.connectors.kvs;

import dev.tracklight.connectors.media.InputFiles;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.connectors.video.FrameReader;
import dev.tracklight.connectors.video.FrameSampling;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoInfo;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a Kinesis Video archive that {@link KvsArchive#download} saved (a media body: one MKV
 * segment per fragment, in producer-time order; file name {@code NAME.kvs}) as a replay's frames.
 *
 * <p><b>Why not FFmpeg's demuxer.</b> It stops at the boundary between joined fragment segments
 * (165-180 of 300 frames of the real capture, reported as a truncated file). This reader parses
 * the body with {@link MkvFragmentReader} and decodes each block with {@link H264Decoder}, as the
 * live KVS camera does, so every frame of every fragment is decoded once, in order.
 *
 * <p><b>Time.</b> A frame's {@link VideoFrame#timestampMs()} is its event time: the fragment's
 * producer timestamp plus the block's timecode in it, epoch milliseconds (not relative to the first
 * frame as for a file). Gaps between fragments stay gaps; nothing is invented. {@link
 * VideoFrame#index()} counts the decoded frames from 0, whatever the sampling.
 *
 * <p><b>Opening.</b> A first pass parses the whole body without decoding (fragments, blocks per
 * fragment, frame rate from the block timecodes), so {@link #info()} has an exact frame count and
 * {@link #seekToFrame} can skip whole fragments (closed groups of pictures) without decoding them.
 * A body that ends inside a fragment or turns to garbage ends the frames there and reports
 * {@link #truncated()}. Not thread-safe; {@link #close()} frees the native decoder.
 */
public final class KvsArchiveReader implements FrameReader {

  private static final Logger LOG = LoggerFactory.getLogger(KvsArchiveReader.class);

  /** The file extension of a saved archive body (the replay source reads such files with this class). */
  public static final String EXTENSION = ".kvs";

  private final Path path;
  private final VideoReadOptions options;
  /** Blocks (frames) per fragment, in file order, from the first pass. */
  private final int[] fragmentBlocks;
  private final boolean cut;
  private VideoInfo info;

  // Decoding pass.
  private InputStream in;
  private MkvFragmentReader mkv;
  private H264Decoder decoder;
  private final Map<Long, MkvFragmentReader.Block> pending = new HashMap<>();
  private final ArrayDeque<VideoFrame> ready = new ArrayDeque<>();
  private EventTimeSampler sampler;
  private long seq;
  private long nextIndex;
  private long target;
  private int fragmentOrdinal;
  private boolean skippingFragment;
  private boolean ended;
  private boolean truncated;

  /** True for the files this class reads: a saved archive body, {@code NAME.kvs}. */
  public static boolean isArchive(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().endsWith(EXTENSION);
  }

  /**
   * Opens a saved archive body.
   *
   * @throws InvalidInputException if the file is missing or not a Kinesis Video media body with at
   *     least one decodable H.264 frame
   */
  public static KvsArchiveReader open(Path path, VideoReadOptions options) {
    InputFiles.requireReadableFile(path, "Kinesis Video archive");
    Scan scan = scan(path);
    KvsArchiveReader reader = new KvsArchiveReader(path, options, scan);
    try {
      reader.restart(0);
      BgrImage first = reader.peek();
      if (first == null) {
        throw new InvalidInputException(path + " contains no decodable video frame; expected a Kinesis Video"
            + " archive with at least one H.264 frame");
      }
      reader.info = new VideoInfo(first.width(), first.height(), scan.rate(), scan.blocks(), scan.durationMs(),
          "h264", "unknown", "kvs-mkv");
      return reader;
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** What the first pass found. */
  private record Scan(int[] fragmentBlocks, int blocks, FrameRate rate, long durationMs, boolean cut) {}

  private KvsArchiveReader(Path path, VideoReadOptions options, Scan scan) {
    this.path = path;
    this.options = options;
    this.fragmentBlocks = scan.fragmentBlocks();
    this.cut = scan.cut();
  }

  private static Scan scan(Path path) {
    List<Integer> perFragment = new ArrayList<>();
    long firstMs = -1;
    long lastMs = -1;
    long steps = 0;
    long stepMs = 0;
    int blocks = 0;
    boolean cut = false;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      MkvFragmentReader mkv = new MkvFragmentReader(in);
      long previous = -1;
      int inFragment = 0;
      try {
        MkvFragmentReader.Item item;
        while ((item = mkv.next()) != null) {
          if (item instanceof MkvFragmentReader.FragmentStart) {
            previous = -1;
            inFragment = 0;
          } else if (item instanceof MkvFragmentReader.Block b) {
            if (previous >= 0 && b.eventTimeMs() > previous) {
              steps++;
              stepMs += b.eventTimeMs() - previous;
            }
            previous = b.eventTimeMs();
            firstMs = firstMs < 0 ? b.eventTimeMs() : Math.min(firstMs, b.eventTimeMs());
            lastMs = Math.max(lastMs, b.eventTimeMs());
            inFragment++;
            blocks++;
          } else if (item instanceof MkvFragmentReader.FragmentEnd) {
            perFragment.add(inFragment);
            inFragment = 0;
          }
        }
      } catch (IOException e) {
        if (blocks == 0) {
          throw new InvalidInputException(path + " is not a Kinesis Video media body (" + e.getMessage()
              + "); expected the MKV fragments of GetMedia or GetMediaForFragmentList");
        }
        LOG.warn("{} is cut off or corrupt: {}", path, e.getMessage());
        perFragment.add(inFragment); // the frames of the cut fragment before the damage
        cut = true;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    FrameRate rate = frameRate(steps, stepMs);
    long durationMs = blocks == 0 ? 0 : lastMs - firstMs + Math.round(1000 / rate.fps());
    return new Scan(perFragment.stream().mapToInt(Integer::intValue).toArray(), blocks, rate, durationMs, cut);
  }

  /**
   * The rate of the blocks within fragments (gaps between fragments are not frames): snapped to
   * whole frames per second when within 2% (timecodes are whole milliseconds, 30 fps is 33/34 ms),
   * else in millihertz. One frame per second when no fragment has two frames.
   */
  static FrameRate frameRate(long steps, long stepMs) {
    if (steps == 0 || stepMs == 0) {
      return new FrameRate(1, 1);
    }
    double fps = steps * 1000.0 / stepMs;
    long whole = Math.round(fps);
    if (whole > 0 && Math.abs(fps - whole) / whole < 0.02) {
      return new FrameRate(whole, 1);
    }
    return new FrameRate(Math.round(fps * 1000), 1000);
  }

  @Override
  public VideoInfo info() {
    return info;
  }

  @Override
  public Optional<VideoFrame> next() {
    requireOpen();
    while (ready.isEmpty() && !ended) {
      advance();
    }
    return Optional.ofNullable(ready.poll());
  }

  @Override
  public boolean truncated() {
    return ended && truncated;
  }

  /** Next decoded frame is {@code index}; fragments wholly before it are skipped undecoded. */
  @Override
  public void seekToFrame(long index) {
    requireOpen();
    if (index < 0) {
      throw new InvalidInputException("frame index must be >= 0, got " + index);
    }
    restart(index);
  }

  private void restart(long index) {
    closeDecoding();
    try {
      in = new BufferedInputStream(Files.newInputStream(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    mkv = new MkvFragmentReader(in);
    sampler = newSampler();
    target = index;
    seq = 0;
    nextIndex = 0;
    fragmentOrdinal = 0;
    skippingFragment = false;
    ended = false;
    truncated = false;
  }

  private EventTimeSampler newSampler() {
    double fps = options.sampling() instanceof FrameSampling.TargetFps t ? t.fps() : 0;
    return new EventTimeSampler(fps, -1);
  }

  /** Decodes until the first frame is ready; its picture (null if none decodes). */
  private BgrImage peek() {
    while (ready.isEmpty() && !ended) {
      advance();
    }
    return ready.isEmpty() ? null : ready.peek().image();
  }

  /** Reads one item of the body and decodes what it holds. */
  private void advance() {
    MkvFragmentReader.Item item;
    try {
      item = mkv.next();
      if (item == null) {
        ended = true;
        truncated = cut;
        return;
      }
      if (item instanceof MkvFragmentReader.FragmentStart start) {
        int blocks = fragmentOrdinal < fragmentBlocks.length ? fragmentBlocks[fragmentOrdinal] : Integer.MAX_VALUE;
        fragmentOrdinal++;
        // A fragment is a closed group of pictures: one wholly before the seek target is not decoded.
        skippingFragment = nextIndex + blocks <= target;
        if (!skippingFragment && (decoder == null || !decoder.configuredFor(start.codecPrivate()))) {
          releaseDecoder();
          decoder = new H264Decoder(start.codecPrivate());
        }
      } else if (item instanceof MkvFragmentReader.Block block) {
        if (!skippingFragment) {
          pending.put(seq, block);
          decoder.decode(block.data(), block.keyFrame(), seq++, pictures);
        }
      } else if (item instanceof MkvFragmentReader.FragmentEnd end) {
        if (skippingFragment) {
          nextIndex += end.blocks();
          skippingFragment = false;
        } else {
          decoder.drain(pictures);
        }
      }
    } catch (IOException e) {
      // Cut off or corrupt: the pictures still in the decoder are whole; nothing after the damage is.
      LOG.warn("decoding {} stopped after frame {}: {}", path, nextIndex - 1, e.getMessage());
      try {
        if (decoder != null && !skippingFragment) {
          decoder.drain(pictures);
        }
      } catch (IOException | InterruptedException suppressed) {
        LOG.debug("draining after the failure failed", suppressed);
      }
      ended = true;
      truncated = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // onPicture never blocks; only an interrupt of the task gets here
      throw new IllegalStateException("interrupted while decoding " + path, e);
    }
  }

  /**
   * The decoder's pictures: whether a picture is kept (past the seek target, not sampled out) is
   * decided before its BGR conversion, once per picture and in order, so a dropped one is never
   * converted; {@link #onPicture} then gets it as a null image.
   */
  private final H264Decoder.Pictures pictures = new H264Decoder.Pictures() {
    @Override
    public void accept(long tag, BgrImage image) {
      onPicture(tag, image);
    }

    @Override
    public boolean wants(long tag) {
      MkvFragmentReader.Block block = pending.get(tag);
      long index = nextIndex; // onPicture numbers this picture next
      return block != null && index >= target && (options.sampling() instanceof FrameSampling.EveryNth every
          ? index % every.n() == 0 : sampler.keep(block.eventTimeMs()));
    }
  };

  /** A decoded picture: {@code image} null when {@link #pictures} did not want it. */
  private void onPicture(long tag, BgrImage image) {
    MkvFragmentReader.Block block = pending.remove(tag);
    if (block == null) {
      return; // a picture without its own packet (never for KVS H.264)
    }
    long index = nextIndex++;
    if (image != null) {
      ready.add(new VideoFrame(index, block.eventTimeMs(), image));
    }
  }

  private void requireOpen() {
    if (mkv == null) {
      throw new IllegalStateException("KvsArchiveReader for " + path + " is closed");
    }
  }

  private void releaseDecoder() {
    if (decoder != null) {
      decoder.close();
      decoder = null;
    }
    pending.clear();
  }

  private void closeDecoding() {
    releaseDecoder();
    ready.clear();
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        LOG.debug("closing {} failed", path, e);
      }
      in = null;
    }
    mkv = null;
  }

  @Override
  public void close() {
    closeDecoding();
  }
}
