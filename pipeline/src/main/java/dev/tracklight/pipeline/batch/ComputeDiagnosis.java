package dev.tracklight.pipeline.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Why jobs sit in RUNNABLE (AWS Batch's best-known pitfall), from the queue's compute
 * environments as DescribeComputeEnvironments reports them. Pure, so every cause is unit-tested.
 */
public final class ComputeDiagnosis {

  /** What matters of one compute environment. */
  public record Environment(String name, String state, String status, String statusReason, int minVcpus,
      int desiredVcpus, int maxVcpus, List<String> instanceTypes) {}

  private ComputeDiagnosis() {}

  /** One line per problem found; empty when the environments look able to start a GPU job. */
  public static List<String> explainRunnable(String queueState, List<Environment> envs) {
    List<String> out = new ArrayList<>();
    if (queueState != null && !"ENABLED".equals(queueState)) {
      out.add("job queue is " + queueState + ": jobs are not scheduled until it is ENABLED");
    }
    if (envs.isEmpty()) {
      out.add("the job queue has no compute environment");
    }
    for (Environment e : envs) {
      String p = "compute environment " + e.name() + ": ";
      if ("INVALID".equals(e.status())) {
        out.add(p + "INVALID (" + e.statusReason() + "); fix its role, subnets or instance types and update it");
      }
      if ("DISABLED".equals(e.state())) {
        out.add(p + "DISABLED; enable it (aws batch update-compute-environment --state ENABLED)");
      }
      if (e.maxVcpus() > 0 && e.desiredVcpus() >= e.maxVcpus()) {
        out.add(p + "max vCPUs reached (" + e.desiredVcpus() + " of " + e.maxVcpus()
            + "): jobs wait for running ones, or raise MaxvCpus");
      }
      if (!e.instanceTypes().isEmpty() && e.instanceTypes().stream().noneMatch(ComputeDiagnosis::hasGpu)) {
        out.add(p + "no GPU instance type allowed (" + String.join(", ", e.instanceTypes())
            + "); a job asking for 1 GPU never starts there");
      }
      if (e.desiredVcpus() == 0 && "VALID".equals(e.status()) && "ENABLED".equals(e.state())) {
        out.add(p + "desired vCPUs still 0: no instance requested yet (scaling takes a few minutes;"
            + " if it stays 0, check the account's GPU instance quota (Running On-Demand G and VT instances)"
            + " and the subnets' capacity)");
      }
    }
    return out;
  }

  /** GPU families Batch can place a 1-GPU job on (g*, p*; "optimal" picks CPU types only). */
  static boolean hasGpu(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    return t.matches("(g[0-9]|p[0-9]|gr6).*");
  }
}
