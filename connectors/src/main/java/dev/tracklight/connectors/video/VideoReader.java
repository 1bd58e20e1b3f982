package dev.tracklight.connectors.video;

import dev.tracklight.connectors.media.ImageFiles;
import dev.tracklight.connectors.media.InputFiles;
import dev.tracklight.connectors.media.MediaKind;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the first video stream of a file (any container and codec FFmpeg reads) into
 * {@link VideoFrame}s, with sampling, exact frame seeking and truncation detection.
 *
 * <p><b>Design.</b> A thin owner of one JavaCV {@link FFmpegFrameGrabber}. Frames are numbered by
 * decode order ({@code index}); JavaCV's picture buffer is reused for every frame, so each frame
 * that is returned is copied into a fresh {@link BgrImage} (frames dropped by sampling are never
 * copied). The first frame is decoded when the file is opened: that proves the file decodes, and its
 * timestamp is the zero of {@link VideoFrame#timestampMs()}.
 *
 * <p><b>End of stream.</b> {@link #next()} returns {@link Optional#empty()} at the end. FFmpeg (and
 * JavaCV) report a cut-off file as a normal end, so the reader compares what it decoded with what the
 * container announced: fewer frames than an MP4's sample table, or a last timestamp well short of a
 * WebM's duration, ends as {@link ReadCompletion#TRUNCATED}; see {@link #completion()}.
 *
 * <p><b>Seeking.</b> {@link #seekToFrame(long)} is exact: it seeks to the keyframe before the target
 * and decodes forward, discarding, until the frame with that index; after a seek, indices are derived
 * from timestamps and the frame rate, which is exact for constant-frame-rate video (all camera and
 * phone footage we target) and nearest-frame for variable-rate files.
 *
 * <p><b>Threading.</b> Not thread-safe; one reader per thread (a Flink source split). Close it to
 * free the native decoder.
 */
public final class VideoReader implements FrameReader {

  private static final Logger LOG = LoggerFactory.getLogger(VideoReader.class);
  private static final Pattern FFMPEG_ERROR = Pattern.compile("error (-\\d+)");

  /**
   * A file whose last decoded frame ends this far before the container duration is truncated.
   * Containers round durations and audio can outlast video by a few frames; two frame periods plus
   * 100 ms absorbs both while a truncation worth reporting loses seconds.
   */
  private static final long DURATION_SLACK_MICROS = 100_000;

  /**
   * Extra seconds by which successive seek attempts aim before the target. Every attempt aims 1.5
   * frames early so that JavaCV's own seek stops before the target and this class decodes forward to
   * it exactly; if the demuxer still lands past the target (a coarse index), the next attempt backs
   * off further, and as a last resort the file is decoded from the start.
   */
  private static final double[] SEEK_BACKOFF_SECONDS = {0, 1, 10};

  private final Path path;
  private final FFmpegFrameGrabber grabber;
  private final VideoInfo info;
  private final FrameSampler sampler;
  /** Frames the container's index announces, or -1 where it has none (WebM, MKV, TS). */
  private final long indexedFrameCount;
  private final long firstTimestampMicros;

  /** A decoded frame not yet offered to the sampling (the first frame, or the seek target). */
  private VideoFrame pending;
  private long pendingMicros;
  private long nextIndex;
  private long lastDecodedIndex = -1;
  private long lastDecodedMicros = Long.MIN_VALUE;
  private ReadCompletion completion = ReadCompletion.IN_PROGRESS;
  private boolean closed;

  private VideoReader(Path path, FFmpegFrameGrabber grabber, VideoInfo info, long indexedFrameCount,
      FrameSampling sampling) {
    this.path = path;
    this.grabber = grabber;
    this.info = info;
    this.indexedFrameCount = indexedFrameCount;
    this.sampler = new FrameSampler(sampling);
    Frame first = grabOrNull();
    if (first == null) {
      throw new InvalidInputException(path + " contains no decodable video frame; expected a video"
          + " with at least one frame");
    }
    firstTimestampMicros = first.timestamp;
    pending = toVideoFrame(0, first);
    pendingMicros = first.timestamp;
    lastDecodedIndex = 0;
    lastDecodedMicros = first.timestamp;
    nextIndex = 1;
  }

  /**
   * Opens {@code path} for decoding.
   *
   * @return an open reader; the caller owns it and must close it
   * @throws InvalidInputException if the file is missing, unreadable, empty, a still image, not a
   *     video, or has no decodable video frame
   */
  public static VideoReader open(Path path, VideoReadOptions options) {
    java.util.Objects.requireNonNull(path, "path");
    java.util.Objects.requireNonNull(options, "options");
    FfmpegLogging.install();
    InputFiles.requireReadableFile(path, "video");
    MediaKind kind = ImageFiles.kindOf(path);
    if (kind == MediaKind.IMAGE) {
      throw new InvalidInputException(path + " is an image, not a video; expected a video file"
          + " (MP4, WebM, MKV, AVI, ...)");
    }
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(path.toFile());
    grabber.setImageMode(FrameGrabber.ImageMode.COLOR); // BGR24, the BgrImage layout
    // YUV -> BGR with bicubic chroma upsampling, as OpenCV's VideoCapture does: detections then
    // match references made with cv2 (JavaCV's default, bilinear, shifts chroma edges slightly).
    grabber.setImageScalingFlags(org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC);
    grabber.setVideoOption("threads", Integer.toString(options.decoderThreads()));
    try {
      grabber.start();
    } catch (FrameGrabber.Exception e) {
      releaseQuietly(grabber);
      throw new InvalidInputException(path + " is not a video FFmpeg can read ("
          + describe(e, kind) + "); expected a video file (MP4, WebM, MKV, AVI, ...)", e);
    }
    try {
      String container = grabber.getFormat();
      if (isStillImageDemuxer(container)) {
        throw new InvalidInputException(path + " is an image, not a video (FFmpeg format '"
            + container + "'); expected a video file (MP4, WebM, MKV, AVI, ...)");
      }
      if (kind == MediaKind.UNKNOWN && "tty".equals(container)) {
        throw new InvalidInputException(path + " is a text file, not a video; expected a video file"
            + " (MP4, WebM, MKV, AVI, ...)");
      }
      if (!grabber.hasVideo() || grabber.getImageWidth() <= 0) {
        throw new InvalidInputException(path + " has no video stream (container '" + container
            + "'); expected a file with a video track");
      }
      AVStream stream = videoStream(grabber.getFormatContext());
      FrameRate rate = frameRateOf(stream, path);
      long indexed = stream.nb_frames() > 0 ? stream.nb_frames() : -1;
      long durationMicros = durationMicros(grabber.getFormatContext(), stream);
      long frameCount = indexed > 0 ? indexed
          : Math.round(durationMicros / 1_000_000.0 * rate.fps());
      VideoInfo info = new VideoInfo(grabber.getImageWidth(), grabber.getImageHeight(), rate,
          frameCount, durationMicros / 1000,
          avcodec.avcodec_get_name(stream.codecpar().codec_id()).getString(),
          pixelFormatName(stream.codecpar().format()), container);
      return new VideoReader(path, grabber, info, indexed, options.sampling());
    } catch (RuntimeException e) {
      releaseQuietly(grabber);
      throw e;
    }
  }

  /** Stream properties read at open time. */
  public VideoInfo info() {
    return info;
  }

  /**
   * The next frame the sampling keeps, or empty at the end of the stream (then see
   * {@link #completion()} for whether the whole file was read).
   */
  public Optional<VideoFrame> next() {
    requireOpen();
    if (pending != null) {
      VideoFrame frame = pending;
      pending = null;
      if (sampler.keep(frame.index(), pendingMicros - firstTimestampMicros)) {
        return Optional.of(frame);
      }
    }
    while (true) {
      Frame frame = grabOrNull();
      if (frame == null) {
        finish();
        return Optional.empty();
      }
      long index = nextIndex++;
      lastDecodedIndex = index;
      lastDecodedMicros = frame.timestamp;
      if (sampler.keep(index, frame.timestamp - firstTimestampMicros)) {
        return Optional.of(toVideoFrame(index, frame));
      }
    }
  }

  /**
   * Whether the end of the stream has been reached and, if so, whether it was the real end.
   * {@link ReadCompletion#TRUNCATED} means the file is cut off or corrupt after the last frame
   * returned.
   */
  public ReadCompletion completion() {
    return completion;
  }

  /** Shorthand for {@code completion() == TRUNCATED}. */
  public boolean truncated() {
    return completion == ReadCompletion.TRUNCATED;
  }

  /**
   * Positions the reader so that the next frame decoded is frame {@code index} (returned by
   * {@link #next()} if the sampling keeps it; sampling restarts at that frame).
   *
   * @throws InvalidInputException if {@code index} is negative or past the container's frame count
   */
  public void seekToFrame(long index) {
    requireOpen();
    if (index < 0) {
      throw new InvalidInputException("frame index must be >= 0, got " + index);
    }
    if (indexedFrameCount > 0 && index >= indexedFrameCount) {
      throw new InvalidInputException("frame " + index + " is past the end of " + path + " ("
          + indexedFrameCount + " frames); expected an index in 0.." + (indexedFrameCount - 1));
    }
    sampler.restart();
    completion = ReadCompletion.IN_PROGRESS;
    long periodMicros = info.frameRate().frameTimeMicros(1);
    for (double backoff : SEEK_BACKOFF_SECONDS) {
      // Aim 1.5 frames early so JavaCV's seek ends before the target, never on or after it.
      long aim = firstTimestampMicros + info.frameRate().frameTimeMicros(index)
          - periodMicros * 3 / 2 - (long) (backoff * 1_000_000);
      if (seekAndDecodeTo(index, aim)) {
        return;
      }
    }
    // The container's index is unusable for seeking: decode from the start (slow but exact).
    seekAndDecodeTo(index, Long.MIN_VALUE);
  }

  /**
   * Positions the reader at the first frame whose timestamp is at or after {@code timestampMs}
   * (sampling restarts there). A time past the last frame positions the reader at the end:
   * {@link #next()} returns empty and {@link #completion()} reports how the file ends.
   *
   * @throws InvalidInputException if {@code timestampMs} is negative
   */
  public void seekToTimestamp(long timestampMs) {
    requireOpen();
    if (timestampMs < 0) {
      throw new InvalidInputException("timestamp must be >= 0 ms, got " + timestampMs);
    }
    long target = (long) Math.ceil(timestampMs * info.fps() / 1000.0 - 1e-6);
    if (target >= info.frameCount()) {
      seekToEnd(); // seeking past the end is allowed: next() then ends the stream
      return;
    }
    seekToFrame(target);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      pending = null;
      releaseQuietly(grabber);
    }
  }

  /**
   * Seeks to {@code aimMicros} (start of file if MIN_VALUE) and decodes until frame {@code target}.
   *
   * @return false if the seek landed after the target (the caller retries further back)
   */
  private boolean seekAndDecodeTo(long target, long aimMicros) {
    try {
      grabber.setVideoTimestamp(Math.max(0, aimMicros == Long.MIN_VALUE ? 0 : aimMicros));
    } catch (FrameGrabber.Exception e) {
      throw new IllegalStateException("seek failed in " + path + ": " + e.getMessage(), e);
    }
    pending = null;
    boolean countFromStart = aimMicros == Long.MIN_VALUE;
    long counted = 0;
    boolean sawFrame = false;
    while (true) {
      Frame frame = grabOrNull();
      if (frame == null) {
        if (sawFrame) {
          nextIndex = lastDecodedIndex + 1;
          finish();
        } else {
          // Nothing decodes after the seek point: the end if the target lies beyond the duration
          // the container declares, missing data if the container promised frames there.
          nextIndex = target;
          long targetMicros = info.frameRate().frameTimeMicros(target);
          completion = info.durationMs() > 0 && targetMicros
              < info.durationMs() * 1000 - info.frameRate().frameTimeMicros(1) - DURATION_SLACK_MICROS
              ? ReadCompletion.TRUNCATED : ReadCompletion.COMPLETE;
        }
        return true;
      }
      sawFrame = true;
      long index = countFromStart ? counted++
          : info.frameRate().frameIndexAt(frame.timestamp - firstTimestampMicros);
      if (index > target) {
        return false;
      }
      lastDecodedIndex = index;
      lastDecodedMicros = frame.timestamp;
      if (index == target) {
        pending = toVideoFrame(index, frame);
        pendingMicros = frame.timestamp;
        nextIndex = index + 1;
        return true;
      }
    }
  }

  /** Positions the reader after the last frame, so that {@link #next()} ends the stream. */
  private void seekToEnd() {
    // The last frame the container announces (an estimate without an index); decoding on from it
    // to the real end keeps completion() honest either way.
    seekToFrame(Math.max(0, info.frameCount() - 1));
    pending = null;
    Frame frame;
    while ((frame = grabOrNull()) != null) {
      lastDecodedIndex = nextIndex++;
      lastDecodedMicros = frame.timestamp;
    }
    finish();
  }

  /** Decodes the next picture; null at the end of the stream or on an unrecoverable read error. */
  private Frame grabOrNull() {
    try {
      return grabber.grabImage();
    } catch (FrameGrabber.Exception e) {
      // JavaCV throws on errors it does not treat as the end; the frames before it were fine.
      LOG.warn("decoding {} stopped after frame {}: {}", path, lastDecodedIndex, e.getMessage());
      return null;
    }
  }

  private void finish() {
    boolean complete;
    if (indexedFrameCount > 0) {
      complete = lastDecodedIndex + 1 >= indexedFrameCount;
    } else {
      long durationMicros = info.durationMs() * 1000;
      long endMicros = lastDecodedMicros - firstTimestampMicros
          + info.frameRate().frameTimeMicros(1);
      complete = durationMicros <= 0
          || endMicros + 2 * info.frameRate().frameTimeMicros(1) + DURATION_SLACK_MICROS
              >= durationMicros;
    }
    completion = complete ? ReadCompletion.COMPLETE : ReadCompletion.TRUNCATED;
    if (!complete) {
      LOG.warn("{} is truncated: decoding ended after frame {} of ~{}", path, lastDecodedIndex,
          info.frameCount());
    }
  }

  /** Copies JavaCV's reused picture buffer into a new frame ({@link BgrFrames#copyOf}). */
  private VideoFrame toVideoFrame(long index, Frame frame) {
    return new VideoFrame(index, (frame.timestamp - firstTimestampMicros) / 1000, BgrFrames.copyOf(frame));
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("VideoReader for " + path + " is closed");
    }
  }

  private static AVStream videoStream(AVFormatContext context) {
    for (int i = 0; i < context.nb_streams(); i++) {
      AVStream stream = context.streams(i);
      if (stream.codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
        return stream; // JavaCV decodes the first video stream too
      }
    }
    throw new IllegalStateException("JavaCV reported video but the container has no video stream");
  }

  private static FrameRate frameRateOf(AVStream stream, Path path) {
    for (AVRational r : new AVRational[] {stream.r_frame_rate(), stream.avg_frame_rate()}) {
      if (r.num() > 0 && r.den() > 0) {
        return new FrameRate(r.num(), r.den());
      }
    }
    throw new InvalidInputException(path + " declares no frame rate; expected a video stream with"
        + " a frame rate");
  }

  private static long durationMicros(AVFormatContext context, AVStream stream) {
    if (stream.duration() > 0) {
      AVRational tb = stream.time_base();
      return Math.round(stream.duration() * 1_000_000.0 * tb.num() / tb.den());
    }
    return Math.max(0, context.duration()); // AV_TIME_BASE is microseconds
  }

  private static String pixelFormatName(int format) {
    var name = avutil.av_get_pix_fmt_name(format);
    return name == null || name.isNull() ? "unknown" : name.getString();
  }

  /** FFmpeg demuxers that present a still picture as a one-frame video. */
  private static boolean isStillImageDemuxer(String container) {
    return container.equals("image2") || container.endsWith("_pipe") || container.equals("ico")
        || container.equals("gif");
  }

  private static String describe(FrameGrabber.Exception e, MediaKind kind) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Matcher m = FFMPEG_ERROR.matcher(message);
    String reason = m.find() ? ffmpegErrorText(Integer.parseInt(m.group(1))) : message;
    if (kind == MediaKind.VIDEO) {
      return reason + "; the file looks like a video container but may be truncated or corrupt";
    }
    return reason + "; unrecognised content";
  }

  private static String ffmpegErrorText(int code) {
    byte[] buffer = new byte[256];
    if (avutil.av_strerror(code, buffer, buffer.length) < 0) {
      return "FFmpeg error " + code;
    }
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void releaseQuietly(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      LOG.debug("releasing the decoder failed", e);
    }
  }
}
