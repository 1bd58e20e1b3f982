package dev.tracklight.pipeline.batch;

import java.net.URL;
import java.util.OptionalDouble;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * A video's duration read through a (presigned) URL: FFmpeg reads the container's header with a
 * few range requests, not the whole object. Empty when FFmpeg cannot read it (the worker then
 * reports the video as bad input; the job's timeout falls back to a size-based bound).
 */
public final class VideoDurations {

  private VideoDurations() {}

  public static OptionalDouble probe(URL url) {
    // Before FFmpeg opens the URL: its default log goes to stderr and quotes the presigned URL,
    // session token included; the installed route is error level and scrubs secrets.
    dev.tracklight.connectors.video.FfmpegLogging.install();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(url.toString())) {
      g.setOption("rw_timeout", "15000000"); // µs: a stalled endpoint must not hang the submission
      g.start();
      long micros = g.getLengthInTime();
      g.stop();
      return micros > 0 ? OptionalDouble.of(micros / 1e6) : OptionalDouble.empty();
    } catch (Exception | LinkageError e) {
      return OptionalDouble.empty();
    }
  }
}
