package dev.tracklight.pipeline.cli;

import dev.tracklight.console.ProgressLine;
import dev.tracklight.pipeline.batch.ProgressPublisher;
import java.io.IOException;
import java.io.Writer;
import java.util.Optional;

/**
 * The replay's stdout as the Batch worker runs it with {@code --progress-lines}: the
 * {@code progress DONE TOTAL} lines (the protocol {@code tracklight serve} reads from its local
 * replays, see {@link ProgressBar#lines}) go to the worker's {@link ProgressPublisher}; every other
 * line goes on to the worker's own stdout (the job's log). Written by the replay's threads through
 * one PrintWriter, whose lock serialises the calls, so the line buffer needs no lock of its own.
 */
final class ReplayProgressTap extends Writer {

  private final Writer out;
  private final ProgressPublisher publisher;
  private final StringBuilder line = new StringBuilder();

  ReplayProgressTap(Writer out, ProgressPublisher publisher) {
    this.out = out;
    this.publisher = publisher;
  }

  @Override
  public void write(char[] cbuf, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      char c = cbuf[i];
      if (c == '\n') {
        endLine();
      } else {
        line.append(c);
      }
    }
  }

  private void endLine() throws IOException {
    String l = line.toString();
    line.setLength(0);
    Optional<ProgressLine> p = ProgressLine.parse(l);
    if (p.isPresent()) {
      publisher.offer(p.get().done(), p.get().total());
    } else {
      out.write(l);
      out.write(System.lineSeparator());
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Passes on a last unterminated line. */
  @Override
  public void close() throws IOException {
    if (!line.isEmpty()) {
      endLine();
    }
    flush();
  }
}
