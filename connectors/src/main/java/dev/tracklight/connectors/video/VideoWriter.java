package dev.tracklight.connectors.video;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import dev.tracklight.connectors.media.AtomicRename;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes browser-playable MP4 video: H.264 (OpenH264 by default), {@code yuv420p}, the index
 * ({@code moov}) before the media data ({@code +faststart}) so playback starts before the download
 * ends, at the exact frame rate given (a rational, so 24000/1001 or 179/6 keep their duration).
 *
 * <p><b>Atomic output.</b> Frames go to a hidden temporary file in the target's directory; only a
 * successful {@link #close()} renames it to the target. {@link #abort()}, a failed write, or a
 * failed finish deletes the temporary file, so a crashed or failed run never leaves a file that
 * looks complete. A caller whose own code fails mid-video must call {@link #abort()} (then
 * {@code close()} is a no-op):
 *
 * <pre>{@code
 * try (VideoWriter out = VideoWriter.create(path, w, h, VideoWriteOptions.h264(info.frameRate()))) {
 *   try { ...out.write(image)... } catch (RuntimeException e) { out.abort(); throw e; }
 * }
 * }</pre>
 *
 * <p><b>Encoder.</b> JavaCV ships an LGPL FFmpeg whose only software H.264 encoder is
 * {@code libopenh264} (Constrained Baseline profile). Never ask it for {@code libx264}: JavaCV
 * silently falls back to the MP4 default encoder and writes MPEG-4 Part 2, which browsers do not
 * play; this class instead rejects an encoder the build lacks. To use x264 (better quality per bit,
 * faster presets), replace the dependency {@code org.bytedeco:ffmpeg:7.1.1-1.5.12:linux-x86_64} by
 * {@code org.bytedeco:ffmpeg:7.1.1-1.5.12:linux-x86_64-gpl} (not both) and pass
 * {@code options.withEncoder("libx264")}; the output is then GPL-encumbered. See the connectors
 * README.
 *
 * <p><b>Ownership and threading.</b> {@link #write} copies the image into a native buffer reused
 * for every frame, so the caller keeps ownership of its image and may change it as soon as
 * {@code write} returns. Not thread-safe: one writer per thread.
 */
public final class VideoWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VideoWriter.class);

  private enum State { OPEN, FAILED, CLOSED }

  private final Path target;
  private final Path temp;
  /** Size of the frames the caller writes. */
  private final int width;
  private final int height;
  /** Size of the encoded picture: the frame size, or one more where padding makes it even. */
  private final int codedWidth;
  private final int codedHeight;
  private final FFmpegFrameRecorder recorder;
  /** Reused native staging buffer for one BGR frame (see class note on ownership). */
  private final ByteBuffer staging;
  private long framesWritten;
  private State state = State.OPEN;

  private VideoWriter(Path target, Path temp, int width, int height, FFmpegFrameRecorder recorder) {
    this.target = target;
    this.temp = temp;
    this.width = width;
    this.height = height;
    this.codedWidth = width + width % 2;
    this.codedHeight = height + height % 2;
    this.recorder = recorder;
    // Zero-filled, and the padding column/row is never written: it stays black.
    this.staging = ByteBuffer.allocateDirect(codedWidth * codedHeight * 3);
  }

  /**
   * Starts a video at {@code target} (created on {@link #close()}, replacing any existing file).
   *
   * @throws InvalidInputException if the size is not positive, or odd without
   *     {@link VideoWriteOptions#padToEven()} (4:2:0 chroma needs even dimensions), the encoder is not in this FFmpeg build or is not a video encoder, or the
   *     target directory does not exist
   * @throws IllegalStateException if the encoder cannot start (e.g. the directory is not writable)
   */
  public static VideoWriter create(Path target, int width, int height, VideoWriteOptions options) {
    FfmpegLogging.install();
    if (width <= 0 || height <= 0) {
      throw new InvalidInputException("video size must be positive, got " + width + "x" + height);
    }
    if (!options.padToEven() && (width % 2 != 0 || height % 2 != 0)) {
      throw new InvalidInputException("video size must be even for yuv420p H.264, got " + width
          + "x" + height + "; pad or crop the frames, or enable VideoWriteOptions.withPadToEven()");
    }
    AVCodec codec = avcodec_find_encoder_by_name(options.encoder());
    if (codec == null || codec.isNull()) {
      throw new InvalidInputException("video encoder '" + options.encoder() + "' is not in this"
          + " FFmpeg build; expected 'libopenh264' (LGPL build) or, with the GPL ffmpeg jar"
          + " (classifier linux-x86_64-gpl), 'libx264'");
    }
    if (codec.type() != AVMEDIA_TYPE_VIDEO) {
      throw new InvalidInputException("'" + options.encoder() + "' is not a video encoder;"
          + " expected e.g. 'libopenh264'");
    }
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      throw new InvalidInputException("output directory does not exist: " + directory
          + " (expected an existing, writable directory)");
    }
    Path temp = AtomicRename.temporarySibling(absolute);
    int codedWidth = width + width % 2;
    int codedHeight = height + height % 2;
    FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(temp.toFile(), codedWidth, codedHeight, 0);
    recorder.setFormat("mp4"); // the temp name's extension must not choose the container
    recorder.setVideoCodecName(options.encoder());
    recorder.setVideoCodec(codec.id());
    recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
    // JavaCV turns the double back into a rational with av_d2q, which recovers n/1001 and 179/6.
    recorder.setFrameRate(options.frameRate().fps());
    recorder.setVideoBitrate(Math.toIntExact(options.effectiveBitrate(codedWidth, codedHeight)));
    recorder.setGopSize(options.keyframeIntervalFrames()); // OpenH264: its intra (IDR) period
    recorder.setOption("movflags", "+faststart");
    if (!options.deblocking() && VideoWriteOptions.DEFAULT_ENCODER.equals(options.encoder())) {
      recorder.setVideoOption("loopfilter", "0");
    }
    try {
      recorder.start();
    } catch (FrameRecorder.Exception e) {
      releaseQuietly(recorder);
      deleteQuietly(temp);
      throw new IllegalStateException("cannot start the " + options.encoder() + " encoder for "
          + width + "x" + height + " @ " + options.frameRate() + ": " + e.getMessage(), e);
    }
    return new VideoWriter(absolute, temp, width, height, recorder);
  }

  /**
   * Encodes one frame (copied; see the class note on ownership).
   *
   * @throws IllegalArgumentException if the image size differs from the video's (the writer stays
   *     usable)
   * @throws IllegalStateException if the writer is closed or failed, or the encoder fails (the
   *     writer is then failed and its temporary file deleted)
   */
  public void write(BgrImage image) {
    if (state != State.OPEN) {
      throw new IllegalStateException("VideoWriter for " + target + " is " + state.name().toLowerCase());
    }
    if (image.width() != width || image.height() != height) {
      throw new IllegalArgumentException("frame is " + image.width() + "x" + image.height()
          + " but the video is " + width + "x" + height);
    }
    staging.clear();
    if (codedWidth == width) {
      staging.put(image.pixels()); // rows are contiguous; any padding row stays black
    } else {
      for (int y = 0; y < height; y++) {
        staging.put(y * codedWidth * 3, image.pixels(), y * width * 3, width * 3);
      }
    }
    staging.position(0).limit(codedWidth * codedHeight * 3);
    try {
      recorder.recordImage(codedWidth, codedHeight, Frame.DEPTH_UBYTE, 3, codedWidth * 3,
          AV_PIX_FMT_BGR24, staging);
    } catch (FrameRecorder.Exception e) {
      fail();
      throw new IllegalStateException("encoding frame " + framesWritten + " of " + target
          + " failed: " + e.getMessage(), e);
    }
    framesWritten++;
  }

  /** Frames encoded so far. */
  public long framesWritten() {
    return framesWritten;
  }

  /** The final path (exists only after a successful {@link #close()}). */
  public Path target() {
    return target;
  }

  /** Discards the video: stops the encoder and deletes the temporary file. Idempotent. */
  public void abort() {
    if (state == State.OPEN) {
      fail();
    }
  }

  /**
   * Finishes the video and renames it into place; after {@link #abort()} or a failure this only
   * makes sure the temporary file is gone.
   *
   * @throws IllegalStateException if no frame was written (nothing is published) or finishing the
   *     file fails (the temporary file is deleted)
   */
  @Override
  public void close() {
    if (state != State.OPEN) {
      deleteQuietly(temp);
      state = State.CLOSED;
      return;
    }
    if (framesWritten == 0) {
      fail();
      state = State.CLOSED;
      throw new IllegalStateException("no frame was written to " + target + "; nothing published");
    }
    try {
      recorder.stop(); // flushes delayed frames, writes the trailer and (faststart) moves moov
      recorder.release();
      AtomicRename.replace(temp, target);
      state = State.CLOSED;
    } catch (IOException e) { // FrameRecorder.Exception is an IOException
      fail();
      state = State.CLOSED;
      throw new IllegalStateException("finishing " + target + " failed: " + e.getMessage(), e);
    }
  }

  private void fail() {
    state = State.FAILED;
    releaseQuietly(recorder);
    deleteQuietly(temp);
  }

  private static void releaseQuietly(FFmpegFrameRecorder recorder) {
    try {
      recorder.release();
    } catch (FrameRecorder.Exception e) {
      LOG.debug("releasing the encoder failed", e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("could not delete temporary video {}: {}", path, e.getMessage());
    }
  }
}
