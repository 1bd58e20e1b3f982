package dev.tracklight.console;

import java.nio.file.Path;

/**
 * Runs jobs somewhere (the local replay worker pool, AWS Batch) and reports what happens to them.
 * Implementations are thread-safe; listener calls may come from any thread.
 */
public interface JobExecutor extends AutoCloseable {

  /** The name stored with each job ("local", "batch"). */
  String name();

  /**
   * Queues a job. {@code video} is the input (a local path or an s3:// URI), {@code outDir} where its outputs must appear
   * (the replay's {@code --out}: one subdirectory holding the files), {@code options} the job's options.
   */
  void submit(String jobId, String video, Path outDir, JobOptions options, Listener listener);

  /**
   * At console start: {@code job} is queued or running on this executor according to the store (a
   * previous console's). The executor brings it up to date through {@code listener}: it follows
   * it again, submits it again, or fails it with the reason; it must never leave it running with
   * nothing watching it.
   */
  void resume(Job job, Path outDir, Listener listener);

  /** Stops a queued or running job; false if it is not known here (finished, or never submitted). */
  boolean cancel(String jobId);

  /**
   * Removes what this executor keeps for a job outside the data directory (a Batch job's S3
   * objects); called when the job is deleted, after {@link #cancel}. Throws with a one-line
   * reason if it could not, and the job's record is then kept so the user can delete it again.
   */
  default void purge(Job job) throws java.io.IOException {}

  /** Stops every job (console shutdown); the store keeps them as they were, for reconciliation. */
  @Override
  void close();

  /** What happens to a submitted job. */
  interface Listener {
    /** The executor accepted the job under {@code externalId} (a Batch job id); it is still queued. */
    void accepted(String externalId);

    /** The job started; {@code externalId} finds it again after a console restart (a pid, a Batch job id). */
    void running(String externalId);

    /** Fraction done, 0..1. */
    void progress(double fraction);

    void done();

    /** One line saying why. */
    void failed(String reason);
  }
}
