package dev.tracklight.connectors.video;

import dev.tracklight.connectors.media.AtomicRename;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * Joins MP4 segments written by {@link VideoWriter} with the same settings into one MP4 without
 * re-encoding: FFmpeg's concat demuxer (which shifts each segment's timestamps to follow the
 * previous one) feeding a stream-copy muxer with {@code +faststart}. Each segment starts with a
 * keyframe (a fresh encoder), so the joins are clean. The result appears under its name only when
 * complete ({@link AtomicRename}).
 */
public final class VideoConcat {

  private VideoConcat() {}

  /** Writes the concatenation of {@code segments}, in order, to {@code target}. */
  public static void concat(List<Path> segments, Path target) {
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("nothing to concatenate into " + target);
    }
    FfmpegLogging.install();
    Path temp = AtomicRename.temporarySibling(target);
    Path list = AtomicRename.temporarySibling(target.resolveSibling(target.getFileName() + ".ffconcat"));
    try {
      StringBuilder sb = new StringBuilder("ffconcat version 1.0\n");
      for (Path s : segments) {
        sb.append("file '").append(s.toAbsolutePath().toString().replace("'", "'\\''")).append("'\n");
      }
      Files.writeString(list, sb.toString(), StandardCharsets.UTF_8);
      FFmpegFrameGrabber in = new FFmpegFrameGrabber(list.toFile());
      in.setFormat("concat");
      in.setOption("safe", "0");
      in.start();
      try {
        FFmpegFrameRecorder out = new FFmpegFrameRecorder(temp.toFile(), in.getImageWidth(), in.getImageHeight(), 0);
        out.setFormat("mp4");
        out.setOption("movflags", "+faststart");
        out.setFrameRate(in.getFrameRate());
        out.start(in.getFormatContext());
        try {
          for (AVPacket p = in.grabPacket(); p != null; p = in.grabPacket()) {
            try {
              out.recordPacket(p);
            } finally {
              avcodec.av_packet_unref(p);
            }
          }
          out.stop();
        } finally {
          out.release();
        }
      } finally {
        in.release();
      }
      AtomicRename.replace(temp, target);
    } catch (IOException e) { // FrameGrabber/FrameRecorder exceptions are IOExceptions
      throw new UncheckedIOException("cannot join " + segments.size() + " video segments into "
          + target + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
      deleteQuietly(list);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A leftover hidden .part file never looks like a result.
    }
  }

}
