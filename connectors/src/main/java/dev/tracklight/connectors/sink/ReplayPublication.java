package dev.tracklight.connectors.sink;

import dev.tracklight.connectors.files.StagedFile;
import dev.tracklight.connectors.media.AtomicRename;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A replayed video whose outputs are complete under their hidden staging names and wait to be
 * published: the committable of {@link ReplayOutputSink}, published by its committer once the
 * checkpoint that recorded it is complete.
 *
 * <p><b>Why not publish at the last frame.</b> A job restored from a checkpoint taken before a
 * video's last frame replays that video's end again, from the staging the checkpoint recorded
 * (the tracks files cut back to their checkpointed lengths, the video segments up to it). Publishing
 * at the last frame renamed that staging away, so a failure between the last frame and the next
 * completed checkpoint (a TaskManager lost then, say) left a job that could never restore ("has 0
 * bytes but the checkpoint recorded ..."). Preparing ({@link ReplayOutputFiles#prepare}) leaves the
 * staging as a restore needs it; only {@link #publish()}, run when no restore can go back before
 * the video's end any more, consumes it.
 *
 * <p><b>Idempotent.</b> A commit interrupted half-way (the process dies between two renames) is run
 * again from the restored committer state: each step renames what is still staged and skips what
 * an earlier attempt moved. The prepared summary is renamed last and marks the publication done.
 *
 * @param outputDir the video's output folder
 * @param segments annotated-video segments staged (deleted once the joined video is published)
 * @param media the highlight media entries staged ({@link HighlightStaging#stagedEntries})
 */
public record ReplayPublication(String outputDir, int segments, List<String> media) {

  /** Hidden name of the joined annotated video until it is published. */
  static final String JOINED = ".annotated.mp4.joined.mp4";
  /** Hidden name of the prepared {@code summary.json}: renamed last, so it marks the commit. */
  static final String PREPARED_SUMMARY = ".summary.json.prepared";

  public ReplayPublication {
    java.util.Objects.requireNonNull(outputDir, "outputDir");
    media = List.copyOf(media);
  }

  /** What {@link #publish()} found. */
  public enum Outcome {
    /** This call moved the outputs (or the rest of them) into place. */
    PUBLISHED,
    /** An earlier call had published them all. */
    ALREADY_PUBLISHED
  }

  static Path segmentPath(Path dir, int index) {
    return dir.resolve(String.format(Locale.ROOT, ".annotated.mp4.seg-%05d.mp4", index));
  }

  /**
   * Moves the staged outputs under their final names: the previous run's {@code summary.json} is
   * deleted first and this run's written last, so a {@code summary.json} always describes the files
   * next to it. Then removes what only a restore needed (segments, progress files).
   *
   * @throws IllegalStateException if neither the prepared nor a published summary exists (the
   *     staging was removed outside the job)
   */
  public Outcome publish() {
    ReplayOutputs outputs = new ReplayOutputs(Path.of(outputDir));
    Path dir = outputs.dir();
    Path prepared = dir.resolve(PREPARED_SUMMARY);
    try {
      if (!Files.exists(prepared)) {
        if (Files.exists(outputs.summary())) {
          return Outcome.ALREADY_PUBLISHED;
        }
        throw new IllegalStateException("cannot publish the outputs of " + dir + ": neither "
            + PREPARED_SUMMARY + " nor summary.json is there (removed outside the job?)");
      }
      Files.deleteIfExists(outputs.summary()); // the previous run's is no longer true
      moveIfStaged(dir.resolve(JOINED), outputs.annotatedVideo());
      moveIfStaged(StagedFile.resumableName(outputs.tracksJsonl()), outputs.tracksJsonl());
      moveIfStaged(StagedFile.resumableName(outputs.tracksMot()), outputs.tracksMot());
      new HighlightStaging(outputs).publish(media);
      AtomicRename.replace(prepared, outputs.summary());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish the outputs of " + dir + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < segments; i++) {
      deleteQuietly(segmentPath(dir, i));
    }
    ReplayProgressFiles.clear(outputs);
    return Outcome.PUBLISHED;
  }

  private static void moveIfStaged(Path staged, Path target) throws IOException {
    if (Files.exists(staged)) {
      AtomicRename.replace(staged, target);
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // A hidden leftover never looks like a result; the next run clears it.
    }
  }
}
