package dev.tracklight.console;

import java.time.Instant;
import java.util.Optional;

/**
 * One job record as stored.
 *
 * @param source the uploaded file's path under the data directory, or the s3:// URI it came from
 * @param options the job's options as JSON (rule set, blurred classes): what a retry reuses
 * @param externalId the executor's id for it (an AWS Batch job id), if any
 */
public record Job(String id, String owner, JobStatus status, double progress, Optional<String> error,
    String videoName, String source, String executor, Optional<String> externalId, String options,
    Instant createdAt, Instant updatedAt) {

  public Job withStatus(JobStatus s, double p, Optional<String> e, Instant now) {
    return new Job(id, owner, s, p, e, videoName, source, executor, externalId, options, createdAt, now);
  }
}
