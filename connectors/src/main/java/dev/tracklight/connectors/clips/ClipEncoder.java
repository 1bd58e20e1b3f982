package dev.tracklight.connectors.clips;

import dev.tracklight.connectors.media.AtomicRename;
import dev.tracklight.connectors.media.JpegCodec;
import dev.tracklight.connectors.media.Thumbnails;
import dev.tracklight.connectors.video.VideoWriteOptions;
import dev.tracklight.connectors.video.VideoWriter;
import dev.tracklight.inference.BgrImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes one highlight's thumbnail and clip from its buffered JPEG frames, synchronously (the
 * {@link LiveClipWriter} runs it on its own threads).
 *
 * <p>The thumbnail is the buffered JPEG nearest to the peak frame (already annotated), written as
 * is when it is at most {@link Thumbnails#MAX_WIDTH} px wide, else scaled down to that width and
 * encoded again ({@link Thumbnails#fit}). The clip is H.264 MP4 through {@link VideoWriter}
 * (browser-playable, {@code +faststart}) at the rate and frame placement {@link ClipTimeline}
 * plans; each source frame is decoded once even when it fills several slots. Both files appear
 * atomically (hidden temporary sibling, then rename): a failed or interrupted write leaves neither a
 * partial file nor a stray temporary one.
 *
 * <p>A frame of another size than the clip's first (the camera changed resolution across a
 * reconnect) is replaced by the previous frame rather than failing the clip.
 */
public final class ClipEncoder {

  /**
   * What one clip took.
   *
   * @param frames output frames written
   * @param repeated output frames that repeat a frame (gaps)
   * @param dropped buffered frames not shown (jitter, or faster than 60 fps)
   * @param frameRate the clip's frame rate, frames per second
   * @param millis wall time spent, decode and encode
   */
  public record Result(int frames, int repeated, int dropped, double frameRate, long millis) {}

  private ClipEncoder() {}

  /**
   * Writes {@code request}'s thumbnail, then its clip, creating their directories.
   *
   * @throws InterruptedException if the thread was interrupted between frames (nothing published
   *     for the clip; the thumbnail may exist)
   * @throws UncheckedIOException if a file cannot be written
   */
  public static Result write(ClipRequest request) throws InterruptedException {
    long started = System.nanoTime();
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("clip " + request.clip() + " abandoned before it started");
    }
    writeThumbnail(thumbnailJpeg(request.thumbnailFrame().jpeg()), request.thumbnail());
    List<BufferedFrame> frames = request.frames();
    long[] times = new long[frames.size()];
    for (int i = 0; i < times.length; i++) {
      times[i] = frames.get(i).timestampMs();
    }
    ClipTimeline plan = ClipTimeline.plan(times);
    createParent(request.clip());
    try (JpegCodec jpeg = JpegCodec.create(JpegCodec.DEFAULT_QUALITY)) {
      BgrImage first = jpeg.decode(frames.get(0).jpeg(), null);
      BgrImage current = first;
      BgrImage scratch = null; // decode target for frames after the first
      int shown = 0;
      try (VideoWriter out = VideoWriter.create(request.clip(), first.width(), first.height(),
          VideoWriteOptions.h264(plan.frameRate()).withPadToEven())) {
        try {
          for (int slot = 0; slot < plan.slots(); slot++) {
            if (Thread.currentThread().isInterrupted()) {
              throw new InterruptedException("clip " + request.clip() + " abandoned at frame " + slot);
            }
            int source = plan.source(slot);
            if (source != shown) {
              scratch = jpeg.decode(frames.get(source).jpeg(), scratch);
              if (scratch.width() == first.width() && scratch.height() == first.height()) {
                current = scratch;
              }
              shown = source;
            }
            out.write(current);
          }
        } catch (InterruptedException | RuntimeException e) {
          out.abort();
          throw e;
        }
      }
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    return new Result(plan.slots(), plan.repeated(), plan.dropped(frames.size()),
        plan.frameRate().fps(), millis);
  }

  /** {@code jpeg} if it is thumbnail-sized, else the image scaled to {@link Thumbnails#MAX_WIDTH}. */
  static byte[] thumbnailJpeg(byte[] jpeg) {
    try (JpegCodec codec = JpegCodec.create(JpegCodec.DEFAULT_QUALITY)) {
      BgrImage frame = codec.decode(jpeg, null);
      BgrImage thumb = Thumbnails.fit(frame);
      return thumb == frame ? jpeg : codec.encode(thumb);
    }
  }

  /** The JPEG bytes at {@code target}, published by rename. */
  static void writeThumbnail(byte[] jpeg, Path target) {
    createParent(target);
    Path temp = AtomicRename.temporarySibling(target);
    try {
      Files.write(temp, jpeg, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      AtomicRename.replace(temp, target);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // The write failure is the one to report.
      }
      throw new UncheckedIOException("cannot write thumbnail " + target + ": " + e.getMessage(), e);
    }
  }

  private static void createParent(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
    }
  }
}
