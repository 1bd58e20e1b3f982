package dev.tracklight.pipeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process CLI invocation and what it printed. */
record CliRun(int exitCode, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TracklightMain.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The error output is one line (plus a line break). */
  boolean errIsOneLine() {
    return err.strip().lines().count() == 1;
  }
}
