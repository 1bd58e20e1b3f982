package dev.tracklight.connectors.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import dev.tracklight.connectors.media.AtomicRename;
import dev.tracklight.connectors.media.InputFiles;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Cuts time ranges of a video into new MP4 files by stream copy (no decoding, no re-encoding), the
 * way an NVR exports an event clip.
 *
 * <p><b>Where a clip starts.</b> A copied stream can only start at a keyframe, so a clip of
 * {@code [startMs, endMs]} starts at the last keyframe at or before {@code startMs}: up to one
 * keyframe interval early (NVRs such as Frigate do the same; replays write their annotated video
 * with a 1 s interval, see {@link VideoWriteOptions#withKeyframeInterval}). It holds every frame
 * from there whose timestamp is before {@code endMs} (so it ends within one frame period after
 * {@code endMs}, or at the end of the source). {@link Clip} reports the range actually copied.
 * Timestamps are rebased to start at 0; the index is written first ({@code +faststart}).
 *
 * <p><b>Scope.</b> Only the first video stream is copied (Tracklight's videos have no audio). Cut
 * points are decided on decode timestamps, which equal presentation timestamps in streams without
 * B-frames, as every video {@link VideoWriter} produces; a source with B-frames still gives a
 * valid clip whose end may hold a frame or two past {@code endMs}.
 *
 * <p><b>Atomic output.</b> A clip is written to a hidden sibling of its target and renamed into
 * place when complete ({@link AtomicRename}); a failure deletes it.
 *
 * <p><b>Ownership.</b> The clipper owns the source's demuxer (opened once, so many clips of one
 * video parse its index once); close it to free the native context. Not thread-safe.
 */
public final class VideoClipper implements AutoCloseable {

  private static final AVRational MICROSECONDS = avutil.av_make_q(1, 1_000_000);

  /**
   * A clip as written.
   *
   * @param path the clip file
   * @param startMs where the copy starts in the source (the keyframe), ms from the source's start
   * @param endMs where it ends in the source (end of its last frame), ms from the source's start
   * @param frames frames copied
   */
  public record Clip(Path path, long startMs, long endMs, long frames) {
    public long durationMs() {
      return endMs - startMs;
    }
  }

  private final Path source;
  private final AVFormatContext input;
  private final int streamIndex;
  private final AVStream stream;
  /** The stream's first timestamp (its own time base): the zero of every millisecond here. */
  private final long streamStart;
  private final long durationMs;
  private boolean closed;

  private VideoClipper(Path source, AVFormatContext input, int streamIndex, long durationMs) {
    this.source = source;
    this.input = input;
    this.streamIndex = streamIndex;
    this.stream = input.streams(streamIndex);
    this.streamStart = stream.start_time() == AV_NOPTS_VALUE ? 0 : stream.start_time();
    this.durationMs = durationMs;
  }

  /**
   * Opens {@code source} for cutting.
   *
   * @throws InvalidInputException if the file is missing, unreadable, not a video FFmpeg reads, or
   *     has no video stream
   */
  public static VideoClipper open(Path source) {
    FfmpegLogging.install();
    InputFiles.requireReadableFile(source, "video");
    AVFormatContext input = new AVFormatContext(null);
    int ret = avformat_open_input(input, source.toAbsolutePath().toString(), null, null);
    if (ret < 0) {
      throw new InvalidInputException(source + " is not a video FFmpeg can read (" + errorText(ret)
          + "); expected a video file such as an MP4");
    }
    try {
      ret = avformat_find_stream_info(input, (PointerPointer<?>) null);
      if (ret < 0) {
        throw new InvalidInputException(source + " has no readable stream information ("
            + errorText(ret) + "); expected a video file such as an MP4");
      }
      int index = -1;
      for (int i = 0; i < input.nb_streams() && index < 0; i++) {
        if (input.streams(i).codecpar().codec_type() == AVMEDIA_TYPE_VIDEO) {
          index = i;
        }
      }
      if (index < 0) {
        throw new InvalidInputException(source + " has no video stream; expected a video file");
      }
      AVStream s = input.streams(index);
      long micros = s.duration() > 0
          ? avutil.av_rescale_q(s.duration(), s.time_base(), MICROSECONDS)
          : Math.max(0, input.duration()); // AV_TIME_BASE is microseconds
      if (micros <= 0) {
        throw new InvalidInputException(source + " declares no duration; expected a video with an"
            + " index, such as an MP4");
      }
      return new VideoClipper(source, input, index, micros / 1000);
    } catch (RuntimeException e) {
      avformat_close_input(input);
      throw e;
    }
  }

  /** The source's video duration in milliseconds, as its container declares it. */
  public long durationMs() {
    return durationMs;
  }

  /**
   * Copies {@code [startMs, endMs)} (ms from the source's start; see the class note for where the
   * clip really starts and ends) into an MP4 at {@code target}, replacing any file there.
   *
   * @throws InvalidInputException if {@code startMs} is negative or not before the source's end,
   *     {@code endMs <= startMs}, or the target's directory does not exist
   * @throws IllegalStateException if FFmpeg fails to read or write (the target is left untouched)
   */
  public Clip cut(long startMs, long endMs, Path target) {
    if (closed) {
      throw new IllegalStateException("VideoClipper for " + source + " is closed");
    }
    if (startMs < 0 || startMs >= durationMs) {
      throw new InvalidInputException("clip start " + startMs + " ms is outside " + source
          + "; expected 0 <= start < " + durationMs + " ms");
    }
    if (endMs <= startMs) {
      throw new InvalidInputException("clip end " + endMs + " ms must be after its start "
          + startMs + " ms");
    }
    Path absolute = target.toAbsolutePath();
    if (absolute.getParent() == null || !Files.isDirectory(absolute.getParent())) {
      throw new InvalidInputException("clip directory does not exist: " + absolute.getParent()
          + " (expected an existing, writable directory)");
    }
    Path temp = AtomicRename.temporarySibling(absolute);
    try {
      Clip clip = copy(startMs, endMs, temp, absolute);
      AtomicRename.replace(temp, absolute);
      return clip;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write clip " + absolute + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(temp);
    }
  }

  private Clip copy(long startMs, long endMs, Path temp, Path target) {
    AVRational inBase = stream.time_base();
    long startTs = streamStart + avutil.av_rescale_q(startMs * 1000, MICROSECONDS, inBase);
    long endTs = streamStart + avutil.av_rescale_q(endMs * 1000, MICROSECONDS, inBase);
    // BACKWARD: the demuxer's index entry (a keyframe) at or before the start.
    check(av_seek_frame(input, streamIndex, startTs, AVSEEK_FLAG_BACKWARD), "seek in " + source);

    AVFormatContext output = new AVFormatContext(null);
    check(avformat_alloc_output_context2(output, null, "mp4", temp.toString()), "create " + target);
    AVPacket packet = av_packet_alloc();
    boolean ioOpen = false;
    try {
      AVStream out = avformat_new_stream(output, null);
      if (out == null) {
        throw new IllegalStateException("cannot add a video stream to " + target);
      }
      check(avcodec_parameters_copy(out.codecpar(), stream.codecpar()), "copy stream parameters");
      out.codecpar().codec_tag(0); // let the MP4 muxer pick its own tag for the codec
      out.time_base(inBase);
      out.avg_frame_rate(stream.avg_frame_rate());
      out.r_frame_rate(stream.r_frame_rate());
      AVIOContext io = new AVIOContext(null);
      check(avio_open(io, temp.toString(), AVIO_FLAG_WRITE), "open " + temp);
      output.pb(io);
      ioOpen = true;
      AVDictionary options = new AVDictionary(null);
      av_dict_set(options, "movflags", "+faststart", 0);
      try {
        check(avformat_write_header(output, options), "write the header of " + target);
      } finally {
        av_dict_free(options);
      }
      AVRational outBase = out.time_base(); // the muxer may have chosen its own time scale

      long offset = AV_NOPTS_VALUE;
      long firstMs = 0;
      long lastEndTs = 0;
      long frames = 0;
      while (av_read_frame(input, packet) >= 0) {
        try {
          if (packet.stream_index() != streamIndex) {
            continue;
          }
          long dts = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : packet.pts();
          long pts = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : dts;
          if (offset == AV_NOPTS_VALUE) {
            if ((packet.flags() & AV_PKT_FLAG_KEY) == 0) {
              continue; // a demuxer without an index may land mid-GOP: start at the next keyframe
            }
            offset = pts;
            firstMs = avutil.av_rescale_q(pts - streamStart, inBase, MICROSECONDS) / 1000;
          }
          if (dts >= endTs && frames > 0) {
            break;
          }
          lastEndTs = Math.max(lastEndTs, pts + Math.max(0, packet.duration()));
          packet.pts(pts - offset);
          packet.dts(dts - offset);
          packet.stream_index(0);
          packet.pos(-1);
          av_packet_rescale_ts(packet, inBase, outBase);
          check(av_interleaved_write_frame(output, packet), "write frame " + frames + " of " + target);
          frames++;
        } finally {
          av_packet_unref(packet);
        }
      }
      if (frames == 0) {
        throw new IllegalStateException("no keyframe at or after " + startMs + " ms in " + source
            + "; cannot cut a clip there");
      }
      check(av_write_trailer(output), "finish " + target);
      long lastMs = avutil.av_rescale_q(lastEndTs - streamStart, inBase, MICROSECONDS) / 1000;
      return new Clip(target, firstMs, lastMs, frames);
    } finally {
      av_packet_free(packet);
      if (ioOpen) {
        avio_closep(output.pb());
      }
      avformat_free_context(output);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      avformat_close_input(input);
    }
  }

  private static void check(int ret, String what) {
    if (ret < 0) {
      throw new IllegalStateException("cannot " + what + ": " + errorText(ret));
    }
  }

  private static String errorText(int code) {
    byte[] buffer = new byte[256];
    if (avutil.av_strerror(code, buffer, buffer.length) < 0) {
      return "FFmpeg error " + code;
    }
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.UTF_8);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A leftover hidden .part file never looks like a result.
    }
  }
}
