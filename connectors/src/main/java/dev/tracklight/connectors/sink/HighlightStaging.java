package dev.tracklight.connectors.sink;

import dev.tracklight.connectors.media.AtomicRename;
import dev.tracklight.connectors.media.HighlightMedia;
import dev.tracklight.connectors.media.HighlightMediaOptions;
import dev.tracklight.operators.highlights.Highlight;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;

/**
 * The highlight media of one replayed video ({@link HighlightMedia}), written into the hidden
 * folder {@value #STAGING} of its output folder and published with the video's other outputs.
 *
 * <p><b>Why staged.</b> A clip or thumbnail under its final name looks like a finished result;
 * staging keeps every highlight file hidden until the video, the tracks and the media are all
 * complete, so a run that fails (or is cancelled, or restored from a checkpoint) never leaves a
 * partial set. {@link #publish(List)} then moves each entry into place, replacing the previous run's
 * and deleting what that run had and this one has not (no stale clip survives a rerun), before
 * {@code summary.json} is written last.
 *
 * <p>Not thread-safe; owned by the {@link ReplayOutputFiles} of the video.
 */
final class HighlightStaging {

  /** Hidden, so that leftovers of a failed attempt never look like results. */
  static final String STAGING = ".highlights.staging";

  private static final List<String> FILES = List.of(HighlightMedia.JSON, HighlightMedia.VTT,
      HighlightMedia.REEL);
  private static final List<String> FOLDERS = List.of(HighlightMedia.CLIPS, HighlightMedia.THUMBS);

  private final ReplayOutputs outputs;

  HighlightStaging(ReplayOutputs outputs) {
    this.outputs = outputs;
  }

  private Path dir() {
    return outputs.dir().resolve(STAGING);
  }

  /** Deletes what an earlier, unpublished attempt staged. */
  void clear() {
    deleteTree(dir());
  }

  /** Writes the media of {@code ranked} from {@code video} into a fresh staging folder. */
  HighlightMedia.Result stage(Path video, List<Highlight> ranked, LongUnaryOperator framePosition,
      LongUnaryOperator videoTime, HighlightMediaOptions options, LongSupplier nanoClock) {
    clear();
    return HighlightMedia.write(video, ranked, framePosition, videoTime, options, dir(), nanoClock);
  }

  /** The media entries (files and folders) the staging holds now, for {@link #publish(List)}. */
  List<String> stagedEntries() {
    Path staged = dir();
    return java.util.stream.Stream.concat(FILES.stream(), FOLDERS.stream())
        .filter(name -> Files.exists(staged.resolve(name))).toList();
  }

  /**
   * Moves the {@code staged} entries into the output folder, replacing the previous run's, and
   * deletes every other media entry the previous run left (no stale clip survives a rerun).
   *
   * <p>Idempotent, so a commit interrupted half-way is simply run again: an entry listed in
   * {@code staged} but no longer in the staging folder was moved by the interrupted attempt and is
   * left as it is (the list, not the folder, says what this run's media are).
   */
  void publish(List<String> staged) {
    Path from = dir();
    try {
      for (String name : FILES) {
        Path to = outputs.dir().resolve(name);
        if (!staged.contains(name)) {
          Files.deleteIfExists(to);
        } else if (Files.exists(from.resolve(name))) {
          AtomicRename.replace(from.resolve(name), to);
        }
      }
      for (String name : FOLDERS) {
        Path to = outputs.dir().resolve(name);
        if (!staged.contains(name)) {
          deleteTree(to);
        } else if (Files.exists(from.resolve(name))) {
          // A folder cannot be renamed over a non-empty one: move the old aside, the new in, then
          // delete the old, so the final name is never half-filled.
          Path old = null;
          if (Files.exists(to)) {
            old = AtomicRename.temporarySibling(to);
            Files.move(to, old, StandardCopyOption.ATOMIC_MOVE);
          }
          move(from.resolve(name), to);
          if (old != null) {
            deleteTree(old);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish the highlight media of " + outputs.dir()
          + ": " + e.getMessage(), e);
    }
    clear();
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to); // same directory: only exotic file systems get here
    }
  }

  /** Deletes {@code root} and everything under it. */
  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }
}
