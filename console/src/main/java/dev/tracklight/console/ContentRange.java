package dev.tracklight.console;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A request's {@code Content-Range: bytes START-END/TOTAL} (END inclusive, as in HTTP). */
public record ContentRange(long start, long end, long total) {

  private static final Pattern FORM = Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18})");

  public ContentRange {
    if (start < 0 || end < start || total < 1) {
      throw new IllegalArgumentException("Content-Range: expected 'bytes START-END/TOTAL' with START <= END");
    }
  }

  /** The number of bytes the range covers. */
  public long length() {
    return end - start + 1;
  }

  /** Parses the header; a one-line IllegalArgumentException for anything else. */
  public static ContentRange parse(String header) {
    Matcher m = header == null ? null : FORM.matcher(header.strip());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("Content-Range: expected 'bytes START-END/TOTAL', got "
          + (header == null ? "none" : "'" + header + "'"));
    }
    return new ContentRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
  }
}
