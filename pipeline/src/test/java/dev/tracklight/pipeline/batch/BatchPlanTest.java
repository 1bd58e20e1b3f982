package dev.tracklight.pipeline.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

  static final BatchPlan.Settings SETTINGS = new BatchPlan.Settings("run-42", "s3://results/run-42", "q", "d",
      Optional.of("s3://cfg/rules.yaml"), List.of(), Map.of());

  static List<BatchPlan.Video> videos(int n) {
    return IntStream.range(0, n).mapToObj(i -> new BatchPlan.Video("s3://cams/d/v" + i + ".mp4", 1000,
        OptionalDouble.of(60))).toList();
  }

  @Test
  void namesAreDeterministicAndDistinguishSameFileNamesInOtherFolders() {
    String a = BatchPlan.videoId("s3://cams/2026-12-01/lobby.mp4");
    assertEquals(a, BatchPlan.videoId("s3://cams/2026-12-01/lobby.mp4"));
    assertTrue(a.startsWith("lobby-"), a);
    assertNotEquals(a, BatchPlan.videoId("s3://cams/2026-12-02/lobby.mp4"));
    JobSpec job = BatchPlan.singleJobs(SETTINGS, videos(1)).get(0);
    assertTrue(job.jobName().matches("[A-Za-z0-9_-]{1,128}"), job.jobName());
    assertEquals(List.of("tracklight", "batch-worker", "--run", "run-42", "--video", "s3://cams/d/v0.mp4",
        "--out", "s3://results/run-42/" + BatchPlan.videoId("s3://cams/d/v0.mp4") + "/", "--rules", "s3://cfg/rules.yaml"),
        job.command());
    assertEquals("run-42", job.tags().get("tracklight:run"));
    assertThrows(InvalidInputException.class, () -> new BatchPlan.Settings("run 42!", "s3://r/x", "q", "d",
        Optional.empty(), List.of(), Map.of()));
  }

  @Test
  void timeoutsFollowTheDurationWithAFloor() {
    assertEquals(BatchPlan.MIN_TIMEOUT_S, BatchPlan.timeoutSeconds(new BatchPlan.Video("s3://a/b", 1, OptionalDouble.of(10))));
    assertEquals(600 + 3 * 3600, BatchPlan.timeoutSeconds(new BatchPlan.Video("s3://a/b", 1, OptionalDouble.of(3600))));
    // Unknown duration: bounded by the size at a low bitrate (450 MB = an hour).
    assertEquals(600 + 3 * 3600, BatchPlan.timeoutSeconds(new BatchPlan.Video("s3://a/b", 450_000_000L, OptionalDouble.empty())));
  }

  @Test
  void arraysSplitAtTheBatchLimitAndFollowManifestLines() {
    List<BatchPlan.Video> all = videos(25_001);
    List<Integer> every = IntStream.range(0, all.size()).boxed().toList();
    List<JobSpec> jobs = BatchPlan.arrayJobs(SETTINGS, "s3://results/run-42/_manifest.jsonl", all, every);
    assertEquals(List.of(10_000, 10_000, 5_001), jobs.stream().map(JobSpec::arraySize).toList());
    assertEquals(List.of(0, 10_000, 20_000), jobs.stream().map(JobSpec::manifestOffset).toList());
    assertTrue(jobs.get(1).command().containsAll(List.of("--manifest", "--offset", "10000")), jobs.get(1).command().toString());
    // A resubmission of lines 3, 4, 5 and 9: one array of 3 and one single job.
    List<JobSpec> again = BatchPlan.arrayJobs(SETTINGS, "m", videos(10), List.of(3, 4, 5, 9));
    assertEquals(List.of(3, 0), again.stream().map(JobSpec::arraySize).toList());
    assertEquals(List.of(BatchPlan.videoId("s3://cams/d/v9.mp4")), again.get(1).videoIds());
  }

  @Test
  void theRequestCarriesRetryRulesThatNeverRetryBadInput() {
    Map<String, Object> api = BatchPlan.singleJobs(SETTINGS, videos(1)).get(0).toApiMap();
    @SuppressWarnings("unchecked")
    Map<String, Object> retry = (Map<String, Object>) api.get("retryStrategy");
    assertEquals(BatchPlan.ATTEMPTS, retry.get("attempts"));
    List<Map<String, String>> rules = new ArrayList<>(JobSpec.EVALUATE_ON_EXIT);
    assertEquals("RETRY", rules.get(0).get("action"));
    assertEquals("Host EC2*", rules.get(0).get("onStatusReason"));
    assertEquals(Map.of("onExitCode", "2", "action", "EXIT"), rules.get(1));
  }

  @Test
  void runnableJobsAreExplained() {
    var ok = new ComputeDiagnosis.Environment("gpu", "ENABLED", "VALID", null, 0, 4, 64, List.of("g4dn.xlarge"));
    assertEquals(List.of(), ComputeDiagnosis.explainRunnable("ENABLED", List.of(ok)));
    var invalid = new ComputeDiagnosis.Environment("gpu", "ENABLED", "INVALID", "CLIENT_ERROR - role", 0, 0, 64, List.of("g5.xlarge"));
    assertTrue(ComputeDiagnosis.explainRunnable("ENABLED", List.of(invalid)).get(0).contains("INVALID (CLIENT_ERROR - role)"));
    var disabled = new ComputeDiagnosis.Environment("gpu", "DISABLED", "VALID", null, 0, 4, 64, List.of("g5.xlarge"));
    assertTrue(String.join(";", ComputeDiagnosis.explainRunnable("ENABLED", List.of(disabled))).contains("DISABLED"));
    var full = new ComputeDiagnosis.Environment("gpu", "ENABLED", "VALID", null, 0, 64, 64, List.of("g4dn.xlarge"));
    assertTrue(ComputeDiagnosis.explainRunnable("ENABLED", List.of(full)).get(0).contains("max vCPUs reached"));
    var cpu = new ComputeDiagnosis.Environment("cpu", "ENABLED", "VALID", null, 0, 4, 64, List.of("optimal", "c5.large"));
    assertTrue(ComputeDiagnosis.explainRunnable("ENABLED", List.of(cpu)).get(0).contains("no GPU instance type"));
    var cold = new ComputeDiagnosis.Environment("gpu", "ENABLED", "VALID", null, 0, 0, 64, List.of("g6.xlarge"));
    assertTrue(ComputeDiagnosis.explainRunnable("ENABLED", List.of(cold)).get(0).contains("desired vCPUs still 0"));
  }

  @Test
  void thePriceTableIsBundledAndNamesMissingTypes() {
    PriceTable t = PriceTable.bundled();
    assertEquals(0.526, t.perHour("g4dn.xlarge"), 1e-9);
    assertThrows(InvalidInputException.class, () -> t.perHour("x1.mega"));
  }
}
