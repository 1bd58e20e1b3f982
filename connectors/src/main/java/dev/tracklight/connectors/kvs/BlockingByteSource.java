package dev.tracklight.connectors.kvs;

import com.amazonaws.kinesisvideo.parser.ebml.ParserByteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Feeds the KVS parser library's EBML parser from a network stream without busy-waiting: the
 * library's own {@code InputStreamParserByteSource} reports {@code InputStream.available()}, which is
 * 0 on an HTTP body between chunks, and its reader then returns "nothing yet" in a tight loop. Here
 * {@link #available()} blocks until bytes arrive or the stream ends, so a reader thread sleeps in the
 * socket read like any other blocking reader. Not thread-safe: one reader thread owns it.
 *
 * <p>I/O failures surface as {@link UncheckedIOException} (the parser's interface has no checked
 * exceptions); {@link MkvFragmentReader} turns them back into {@link IOException}.
 */
final class BlockingByteSource implements ParserByteSource {

  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int limit;
  private boolean ended;
  private long consumed;

  BlockingByteSource(InputStream in) {
    this.in = in;
  }

  /** Bytes handed to the parser so far. */
  long consumed() {
    return consumed;
  }

  private boolean fill() {
    if (position < limit) {
      return true;
    }
    if (ended) {
      return false;
    }
    try {
      int n = in.read(buffer, 0, buffer.length);
      if (n < 0) {
        ended = true;
        return false;
      }
      position = 0;
      limit = n;
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public int readByte() {
    if (!fill()) {
      return -1;
    }
    consumed++;
    return buffer[position++] & 0xff;
  }

  @Override
  public int available() {
    return fill() ? limit - position : 0;
  }

  @Override
  public int readBytes(ByteBuffer dest, int length) {
    if (!fill()) {
      return -1;
    }
    int n = Math.min(Math.min(length, dest.remaining()), limit - position);
    dest.put(buffer, position, n);
    position += n;
    consumed += n;
    return n;
  }

  @Override
  public boolean eof() {
    return !fill();
  }
}
