package dev.tracklight.connectors.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Appends lines to one file (run with parallelism 1). Each line is appended whole, newline
 * included, by one {@code write} on a file opened for appending, so a reader tailing the file
 * ({@code tracklight alerts tail --file}) never sees half a line. At each checkpoint the writer
 * forces the file to disk and records its length; a restored job cuts the file back to that length
 * before appending, so the file ends up with every line exactly once. A reader tailing the file may
 * briefly see lines that a failure then rolls back (they come again after the restore, with the
 * same alert ids).
 *
 * <p>The file is created with its first line, not when the job starts, so a job that writes nothing
 * leaves no empty file behind. While it has the file open the writer holds an exclusive OS lock on
 * it: {@link #isBeingWritten} tells a reader in another process (or this one) whether a job is
 * writing the file now, so {@code alerts tail} can say that a file is finished instead of waiting
 * on it silently. The lock is advisory and only a signal: a writer that cannot get it writes anyway.
 */
public final class JsonLinesFileSink implements Sink<String>, SupportsWriterState<String, Long> {

  private static final long serialVersionUID = 1L;

  private final String path;

  public JsonLinesFileSink(Path path) {
    this.path = path.toAbsolutePath().toString();
  }

  @Override
  public StatefulSinkWriter<String, Long> createWriter(WriterInitContext context) {
    return new Writer(Path.of(path), 0, false);
  }

  @Override
  public StatefulSinkWriter<String, Long> restoreWriter(WriterInitContext context, Collection<Long> recovered) {
    if (recovered.size() > 1) {
      throw new IllegalStateException("a JSON lines file sink runs with parallelism 1; got state of "
          + recovered.size() + " writers");
    }
    return new Writer(Path.of(path), recovered.isEmpty() ? 0 : recovered.iterator().next(), true);
  }

  @Override
  public SimpleVersionedSerializer<Long> getWriterStateSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(Long length) {
        return java.nio.ByteBuffer.allocate(8).putLong(length).array();
      }

      @Override
      public Long deserialize(int version, byte[] bytes) throws IOException {
        if (version != 1 || bytes.length != 8) {
          throw new IOException("unsupported JSON lines sink state (version " + version + ")");
        }
        return java.nio.ByteBuffer.wrap(bytes).getLong();
      }
    };
  }

  /**
   * Whether a job's writer has {@code file} open now (holds its lock). False for a file nobody
   * writes, a missing file, or one whose lock cannot be tested (then nothing is known).
   */
  public static boolean isBeingWritten(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true);
      if (lock == null) {
        return true; // another process holds the writer's exclusive lock
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // a writer in this JVM holds it (locks belong to the whole JVM)
    } catch (IOException e) {
      return false;
    }
  }

  /** The single writer: appends whole lines, forces them to disk at checkpoints. */
  private static final class Writer implements StatefulSinkWriter<String, Long> {
    private final Path file;
    /** Opened with the first line; null until then. */
    private FileChannel out;

    Writer(Path file, long keepBytes, boolean restored) {
      this.file = file;
      if (restored && Files.exists(file)) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(keepBytes); // drop what was written after the checkpoint
        } catch (IOException e) {
          throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
      }
    }

    private FileChannel out() throws IOException {
      if (out == null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        try {
          ch.tryLock(); // released when the channel closes; null = another writer has it (a mistake, not ours to stop)
        } catch (OverlappingFileLockException | IOException e) {
          // another writer in this JVM, or a file system without locks: the lock is only a signal
        }
        out = ch;
      }
      return out;
    }

    @Override
    public void write(String line, Context context) throws IOException {
      if (line.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("a JSON line must not contain a newline: " + line);
      }
      ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      FileChannel channel = out();
      while (bytes.hasRemaining()) { // a local file takes it in one write; loop for the contract
        channel.write(bytes);
      }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      if (endOfInput && out != null) {
        out.force(false);
      }
    }

    @Override
    public List<Long> snapshotState(long checkpointId) throws IOException {
      if (out == null) { // nothing written yet: the file is as the job found it (or absent)
        return List.of(Files.exists(file) ? Files.size(file) : 0L);
      }
      out.force(false);
      return List.of(out.size());
    }

    @Override
    public void close() throws IOException {
      if (out != null) {
        out.close();
      }
    }
  }
}
