package dev.tracklight.inference.engine;

/** How the engines quote a native library's error in a one-line message. */
final class EngineErrors {

  /** Longest quoted message; native errors can carry whole graph dumps. */
  private static final int MAX_CHARS = 200;

  private EngineErrors() {
  }

  /** The first line of the first non-blank message along {@code e}'s cause chain, at most 200 characters. */
  static String firstLine(Throwable e) {
    Throwable t = e;
    String msg = null;
    while (t != null && (msg == null || msg.isBlank())) {
      msg = t.getMessage();
      t = t.getCause();
    }
    if (msg == null) {
      return e.getClass().getSimpleName();
    }
    String line = msg.strip().lines().findFirst().orElse("");
    return line.length() > MAX_CHARS ? line.substring(0, MAX_CHARS) + "..." : line;
  }
}
