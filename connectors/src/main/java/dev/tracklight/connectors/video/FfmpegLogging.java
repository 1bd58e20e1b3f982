package dev.tracklight.connectors.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes FFmpeg's process-wide log into SLF4J (logger {@code ffmpeg}) at error level only.
 *
 * <p>Design: FFmpeg's log is global state, so this is installed once per JVM (idempotent,
 * thread-safe) by every reader and writer before they touch FFmpeg. Below error level FFmpeg is
 * chatty (per-file banners, "deprecated pixel format", decoder warnings on every damaged packet),
 * which floods stderr in a job decoding many files; errors stay visible, in the application's log
 * with a logger name an operator can filter, instead of raw on stderr, and with the secrets of the
 * URLs they quote (camera passwords, presigned S3 signatures and session tokens) scrubbed. The callback object is held
 * in a static field because native code keeps a pointer to it.
 */
public final class FfmpegLogging {

  private static final Logger LOG = LoggerFactory.getLogger("ffmpeg");
  private static final Slf4jCallback CALLBACK = new Slf4jCallback();
  private static boolean installed;

  private FfmpegLogging() {}

  /** Installs the error-level SLF4J route; later calls do nothing. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    av_log_set_level(AV_LOG_ERROR);
    FFmpegLogCallback.setLevel(AV_LOG_ERROR);
    avutil.setLogCallback(CALLBACK);
    installed = true;
  }

  /**
   * The line with the secrets of any URL in it replaced by {@code ***}: FFmpeg quotes the URL it
   * failed on, and a presigned URL carries a session token.
   */
  static String scrub(String line) {
    return dev.tracklight.connectors.live.CameraUrl.scrub(line);
  }

  /** Receives FFmpeg's formatted lines (on FFmpeg's threads, hence no state). */
  private static final class Slf4jCallback extends FFmpegLogCallback {
    @Override
    public void call(int level, BytePointer msg) {
      String line = scrub(msg.getString().strip());
      if (line.isEmpty()) {
        return;
      }
      if (level <= AV_LOG_ERROR) {
        LOG.error(line);
      } else if (level <= AV_LOG_WARNING) {
        LOG.warn(line);
      } else {
        LOG.debug(line);
      }
    }
  }
}
