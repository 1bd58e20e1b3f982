package dev.tracklight.connectors.live;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;

/** Turns JavaCV's "... error -111: ..." messages into ones that also say what the code means. */
final class FfmpegErrors {

  private static final Pattern ERROR_CODE = Pattern.compile("error (-\\d+)");

  private FfmpegErrors() {}

  /**
   * Hints JavaCV appends to every open failure; they address JavaCV's own users (we always set the
   * log callback, and RTSP needs no format), so they only lengthen health events and logs.
   */
  private static final String[] JAVACV_HINTS = {" (Has setFormat() been called?)",
      " (For more details, make sure FFmpegLogCallback.set() has been called.)"};

  /**
   * {@code message} without JavaCV's generic hints, followed by FFmpeg's text for the error code it
   * quotes, if any.
   */
  static String withReason(String raw) {
    String message = raw;
    for (String hint : JAVACV_HINTS) {
      message = message.replace(hint, "");
    }
    Matcher m = ERROR_CODE.matcher(message);
    if (!m.find()) {
      return message;
    }
    int code;
    try {
      code = Integer.parseInt(m.group(1));
    } catch (NumberFormatException e) {
      return message;
    }
    byte[] buffer = new byte[256];
    if (avutil.av_strerror(code, buffer, buffer.length) < 0) {
      return message;
    }
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return message + " (" + new String(buffer, 0, end, StandardCharsets.UTF_8) + ")";
  }
}
