package dev.tracklight.connectors.files;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import dev.tracklight.connectors.media.AtomicRename;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A text output that appears under its final name only when complete: lines go to a hidden
 * sibling file ({@link AtomicRename}, so the final rename is atomic on one file system), {@link #commit()}
 * renames it into place, and {@link #close()} without a commit deletes it. A crash therefore leaves
 * at most a {@code .name.*.part} file, never a truncated file under the real name.
 *
 * <p>Not thread-safe: one writer per output file.
 */
public final class StagedFile implements AutoCloseable {

  private final Path target;
  private final Path temp;
  private final BufferedWriter writer;
  private boolean done;

  private StagedFile(Path target, Path temp, BufferedWriter writer) {
    this.target = target;
    this.temp = temp;
    this.writer = writer;
  }

  /**
   * Starts staging {@code target} under the fixed hidden name {@link #resumableName}, replacing
   * whatever a previous run left there, so that a checkpointed writer can find it again
   * ({@link #resume}). Its directory must exist.
   */
  public static StagedFile resumable(Path target) {
    return resume(target, 0);
  }

  /**
   * Reopens the fixed hidden staging file of {@code target} and cuts it to {@code length} bytes,
   * the length recorded at a checkpoint: what was written after it is dropped, so a restored job
   * appends every line exactly once.
   */
  public static StagedFile resume(Path target, long length) {
    Path temp = resumableName(target);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        if (ch.size() < length) {
          throw new IOException(temp + " has " + ch.size() + " bytes but the checkpoint recorded "
              + length + "; it was changed or lost outside the job");
        }
        ch.truncate(length);
      }
      return new StagedFile(target, temp, Files.newBufferedWriter(temp, StandardCharsets.UTF_8,
          StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resume " + temp + ": " + e.getMessage(), e);
    }
  }

  /** The fixed hidden staging name of {@code target}: {@code .name.inprogress}. */
  public static Path resumableName(Path target) {
    return target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".inprogress");
  }

  /** Flushes buffered lines and returns the staged length in bytes (for a checkpoint). */
  public long flush() {
    try {
      writer.flush();
      return Files.size(temp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot flush " + temp + ": " + e.getMessage(), e);
    }
  }

  /**
   * Closes the file without publishing or deleting it (a checkpointed writer being cancelled: the
   * staged content is what a restore resumes).
   */
  public void release() {
    done = true;
    try {
      writer.close();
    } catch (IOException ignored) {
      // The restore truncates to the checkpointed length anyway.
    }
  }

  /** Starts staging {@code target}; its directory must exist. */
  public static StagedFile create(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    try {
      Path temp = AtomicRename.temporarySibling(target);
      return new StagedFile(target, temp, Files.newBufferedWriter(temp, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a file in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The final path. */
  public Path target() {
    return target;
  }

  /** Appends {@code line} and a line break. */
  public void writeLine(String line) {
    try {
      writer.write(line);
      writer.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + temp + ": " + e.getMessage(), e);
    }
  }

  /** Flushes, syncs and moves the file into place, replacing an older one. */
  public void commit() {
    if (done) {
      throw new IllegalStateException(target + " was already committed or discarded");
    }
    try {
      writer.close();
      AtomicRename.replace(temp, target);
      done = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + temp + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the staged content unless it was committed. */
  @Override
  public void close() {
    if (done) {
      return;
    }
    done = true;
    try {
      writer.close();
    } catch (IOException ignored) {
      // The file is being discarded; a failed close cannot lose anything we keep.
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // Best effort: a leftover .part file is named so it never looks like a result.
    }
  }
}
