package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.batch.ComputeDiagnosis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.BatchException;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;

/**
 * The Batch side of {@code tracklight batch}: thin SDK glue (clients from the standard
 * configuration, checks that name the missing resource, paginated describes). Owns its client.
 */
final class BatchAws implements AutoCloseable {

  /** DescribeJobs takes at most 100 ids per call. */
  static final int DESCRIBE_BATCH = 100;

  final AwsSettings settings;
  final BatchClient batch;
  final String region;

  BatchAws(AwsSettings settings) {
    this.settings = settings;
    this.region = settings.region().id();
    this.batch = settings.configure(BatchClient.builder(), "BATCH").build();
  }

  /** The queue, or one line naming it. */
  JobQueueDetail queue(String nameOrArn) {
    List<JobQueueDetail> q = call(() -> batch.describeJobQueues(b -> b.jobQueues(nameOrArn)).jobQueues());
    if (q.isEmpty()) {
      throw new InvalidInputException("job queue '" + nameOrArn + "' not found in region " + region
          + " (expected an existing Batch job queue; see deploy/aws-batch)");
    }
    return q.get(0);
  }

  /** Checks that the job definition exists and is active, else one line naming it. */
  void requireJobDefinition(String nameOrArn) {
    boolean arn = nameOrArn.startsWith("arn:");
    boolean found = call(() -> !(arn
        ? batch.describeJobDefinitions(b -> b.jobDefinitions(nameOrArn)).jobDefinitions()
        : batch.describeJobDefinitions(b -> b.jobDefinitionName(nameOrArn.replaceAll(":\\d+$", "")).status("ACTIVE"))
            .jobDefinitions()).isEmpty());
    if (!found) {
      throw new InvalidInputException("job definition '" + nameOrArn + "' not found (or not ACTIVE) in region "
          + region + " (expected an existing Batch job definition; see deploy/aws-batch)");
    }
  }

  /** DescribeJobs for any number of ids (in calls of 100); ids not known to Batch are absent. */
  Map<String, JobDetail> describe(List<String> ids) {
    Map<String, JobDetail> out = new HashMap<>();
    for (int i = 0; i < ids.size(); i += DESCRIBE_BATCH) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + DESCRIBE_BATCH));
      for (JobDetail d : call(() -> batch.describeJobs(b -> b.jobs(chunk)).jobs())) {
        String id = d.arrayProperties() != null && d.arrayProperties().index() != null && !d.jobId().contains(":")
            ? d.jobId() + ":" + d.arrayProperties().index() : d.jobId();
        out.put(id, d);
      }
    }
    return out;
  }

  /** The queue's compute environments as {@link ComputeDiagnosis} reads them. */
  List<ComputeDiagnosis.Environment> environments(JobQueueDetail q) {
    List<String> arns = q.computeEnvironmentOrder().stream().map(o -> o.computeEnvironment()).toList();
    List<ComputeDiagnosis.Environment> out = new ArrayList<>();
    if (arns.isEmpty()) {
      return out;
    }
    for (ComputeEnvironmentDetail c : call(() -> batch.describeComputeEnvironments(b -> b.computeEnvironments(arns))
        .computeEnvironments())) {
      var r = c.computeResources();
      out.add(new ComputeDiagnosis.Environment(c.computeEnvironmentName(), c.stateAsString(), c.statusAsString(),
          c.statusReason(), r == null || r.minvCpus() == null ? 0 : r.minvCpus(),
          r == null || r.desiredvCpus() == null ? 0 : r.desiredvCpus(),
          r == null || r.maxvCpus() == null ? 0 : r.maxvCpus(),
          r == null ? List.of() : r.instanceTypes()));
    }
    return out;
  }

  interface Call<T> {
    T run();
  }

  <T> T call(Call<T> c) {
    try {
      return c.run();
    } catch (SdkClientException e) {
      throw S3Storage.clientProblem(e);
    } catch (BatchException e) {
      int s = e.statusCode();
      if (s == 403 || s == 401) {
        throw new InvalidInputException("AWS Batch refused the request in region " + region + " ("
            + e.awsErrorDetails().errorCode() + "); expected credentials allowed to use Batch", e);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    batch.close();
  }
}
