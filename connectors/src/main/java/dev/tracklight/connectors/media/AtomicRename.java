package dev.tracklight.connectors.media;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Path;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Write-then-rename publication of output files (videos, thumbnails): content goes to a hidden
 * sibling of the target, which is renamed over the target only once complete, so readers never see
 * a partial file.
 *
 * <p>The temporary name is chosen here but not created: {@link Files#createTempFile} would create it
 * with mode 0600, and the published file would keep that mode, unreadable by the web server or
 * sync job the file is for. Created by the writer instead, it gets the usual umask-based mode.
 */
public final class AtomicRename {

  private AtomicRename() {}

  /**
   * A hidden, not-yet-existing path in {@code target}'s directory, e.g.
   * {@code .clip.mp4.5f3a9c1e.part}; 64 random bits make a collision with a concurrent writer
   * negligible.
   */
  public static Path temporarySibling(Path target) {
    Path absolute = target.toAbsolutePath();
    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
    return absolute.resolveSibling("." + absolute.getFileName() + "." + suffix + ".part");
  }

  /** Renames {@code temp} over {@code target}, atomically where the file system allows. */
  public static void replace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so only exotic file systems get here; a plain rename is the best left.
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
