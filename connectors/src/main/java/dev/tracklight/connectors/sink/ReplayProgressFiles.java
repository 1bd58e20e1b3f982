package dev.tracklight.connectors.sink;

import dev.tracklight.connectors.media.AtomicRename;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A copy of each checkpoint's {@link ReplayProgressState} of a video, next to its staged outputs
 * ({@code <video dir>/.progress/<checkpoint id>}), for the subtask that owns the video after a
 * rescale. Flink gives a restored sink writer the writer states of the old subtasks spread
 * round-robin, not by the videos' key groups, so the owner of a video may not get its state;
 * the file is where it finds it. A checkpoint's files are written before the checkpoint can
 * complete (in the writer's snapshot), so the restored checkpoint's file is always there.
 *
 * <p>The last {@link #KEPT} files are kept (a checkpoint may be restored after newer ones failed);
 * {@link #clear} removes them when the video's outputs are committed.
 */
final class ReplayProgressFiles {

  /**
   * Checkpoints whose files are kept per video. The restored checkpoint is the newest completed
   * one, but snapshots of checkpoints that never completed (aborted by a rescale or a failure, many
   * under load) write newer files; the files are ~100 bytes, so keep plenty.
   */
  static final int KEPT = 32;

  private static final ReplayOutputSink.StateSerializer SERIALIZER = new ReplayOutputSink.StateSerializer();

  private ReplayProgressFiles() {}

  static Path dir(ReplayOutputs outputs) {
    return outputs.dir().resolve(".progress");
  }

  /** Writes (atomically) the video's state at {@code checkpointId}, dropping files of old checkpoints. */
  static void write(ReplayOutputs outputs, long checkpointId, ReplayProgressState state) {
    try {
      Path dir = Files.createDirectories(dir(outputs));
      Path target = dir.resolve(Long.toString(checkpointId));
      Path temp = AtomicRename.temporarySibling(target);
      byte[] bytes = SERIALIZER.serialize(state);
      byte[] versioned = new byte[bytes.length + 4];
      java.nio.ByteBuffer.wrap(versioned).putInt(SERIALIZER.getVersion()).put(bytes);
      Files.write(temp, versioned);
      AtomicRename.replace(temp, target);
      List<Long> ids;
      try (Stream<Path> files = Files.list(dir)) {
        ids = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9]+"))
            .map(Long::parseLong).sorted(java.util.Comparator.reverseOrder()).toList();
      }
      for (long old : ids.subList(Math.min(KEPT, ids.size()), ids.size())) {
        Files.deleteIfExists(dir.resolve(Long.toString(old)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the replay progress of " + outputs.dir(), e);
    }
  }

  /** The video's state at {@code checkpointId}, if its writer recorded one then. */
  static Optional<ReplayProgressState> read(ReplayOutputs outputs, long checkpointId) {
    try {
      byte[] bytes = Files.readAllBytes(dir(outputs).resolve(Long.toString(checkpointId)));
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
      int version = b.getInt();
      return Optional.of(SERIALIZER.deserialize(version, java.util.Arrays.copyOfRange(bytes, 4, bytes.length)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the replay progress of " + outputs.dir(), e);
    }
  }

  /** Removes the video's progress files (its outputs are committed). */
  static void clear(ReplayOutputs outputs) {
    Path dir = dir(outputs);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (NoSuchFileException e) {
      // nothing was checkpointed
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the replay progress of " + outputs.dir(), e);
    }
  }
}
