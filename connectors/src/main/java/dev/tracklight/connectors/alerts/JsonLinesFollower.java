package dev.tracklight.connectors.alerts;

import dev.tracklight.inference.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows a JSON-lines file as it grows, like {@code tail -f}: only complete lines are returned (a
 * line the writer is still writing waits for its newline), from the end of the file at open or
 * from its beginning.
 *
 * <p>Truncation: Tracklight's JSON-lines sink cuts its file back to the last checkpoint's length
 * when a job restores, then writes those lines again. When the file shrinks below the follower's
 * position, the follower continues from the new end and tells {@code notices}; the lines it already
 * returned come again (alert consumers de-duplicate on the alert id).
 *
 * <p>The file is kept open (like {@code tail -f}, not {@code tail -F}: a file replaced under the
 * same name is not followed). Ownership: the follower owns its channel. Single-threaded.
 */
public final class JsonLinesFollower implements AlertFeed {

  /** How often to look for new bytes while waiting: fast enough for a person watching. */
  static final Duration CHECK_INTERVAL = Duration.ofMillis(100);
  private static final int READ_CHUNK = 64 * 1024;

  private final Path file;
  private final FileChannel channel;
  private final Consumer<String> notices;
  private String description;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
  private long position;
  /** Started in the middle of a line: drop bytes up to the first newline. */
  private boolean skipToNewline;

  private JsonLinesFollower(Path file, FileChannel channel, long position, boolean skipToNewline,
      Consumer<String> notices) {
    this.file = file;
    this.channel = channel;
    this.position = position;
    this.skipToNewline = skipToNewline;
    this.notices = notices;
    this.description = file + " (from " + (position == 0 ? "the beginning" : "byte " + position) + ")";
  }

  /**
   * Opens {@code file} at its end or beginning.
   *
   * @param notices receives one-line notes (truncation) meant for the user
   * @throws InvalidInputException if the file does not exist or is not a regular file
   */
  public static JsonLinesFollower open(Path file, boolean fromBeginning, Consumer<String> notices) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("--file " + file + ": no such file; expected the alerts "
          + "JSON-lines file a job writes (sinks.alerts.jsonl)");
    }
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        long start = fromBeginning ? 0 : channel.size();
        boolean midLine = start > 0 && byteAt(channel, start - 1) != '\n';
        return new JsonLinesFollower(file, channel, start, midLine, notices);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Opens {@code file} at the start of its last {@code lines} complete lines (its beginning when it
   * has fewer), like {@code tail -n}: for a finished file, whose end would otherwise show nothing.
   */
  public static JsonLinesFollower openAtLastLines(Path file, int lines, Consumer<String> notices) {
    JsonLinesFollower f = open(file, true, notices);
    try {
      f.position = startOfLastLines(f.channel, lines);
      f.skipToNewline = false;
      f.description = file + " (from its last " + lines + " lines)";
      return f;
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e instanceof IOException io ? new UncheckedIOException("cannot read " + file, io) : (RuntimeException) e;
    }
  }

  /** The offset after the newline that precedes the last {@code lines} lines (0 if there is none). */
  static long startOfLastLines(FileChannel channel, int lines) throws IOException {
    long end = channel.size();
    if (end > 0 && byteAt(channel, end - 1) == '\n') {
      end--; // the last line's own newline does not start a line
    }
    ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
    int newlines = 0;
    long pos = end;
    while (pos > 0) {
      int n = (int) Math.min(READ_CHUNK, pos);
      chunk.clear().limit(n);
      pos -= n;
      channel.read(chunk, pos);
      for (int i = n - 1; i >= 0; i--) {
        if (chunk.get(i) == '\n' && ++newlines == lines) {
          return pos + i + 1;
        }
      }
    }
    return 0;
  }

  private static int byteAt(FileChannel channel, long offset) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    return channel.read(one, offset) == 1 ? one.get(0) : -1;
  }

  @Override
  public List<String> poll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = readNewLines();
      long left = deadline - System.nanoTime();
      if (!lines.isEmpty() || left <= 0) {
        return lines;
      }
      Thread.sleep(Math.max(1, Math.min(CHECK_INTERVAL.toMillis(), left / 1_000_000)));
    }
  }

  private List<String> readNewLines() {
    List<String> lines = new ArrayList<>();
    try {
      long size = channel.size();
      if (size < position) {
        notices.accept(file + " shrank from " + position + " to " + size
            + " bytes (a job restored from a checkpoint?); following from the new end");
        position = size;
        partial.reset();
        skipToNewline = size > 0 && byteAt(channel, size - 1) != '\n';
      }
      while (position < size) {
        buffer.clear();
        int n = channel.read(buffer, position);
        if (n <= 0) {
          break;
        }
        position += n;
        byte[] bytes = buffer.array();
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (bytes[i] != '\n') {
            continue;
          }
          partial.write(bytes, start, i - start);
          start = i + 1;
          if (skipToNewline) {
            skipToNewline = false;
          } else {
            String line = partial.toString(StandardCharsets.UTF_8).strip();
            if (!line.isEmpty()) {
              lines.add(line);
            }
          }
          partial.reset();
        }
        partial.write(bytes, start, n - start);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return lines;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
