package dev.tracklight.pipeline.batch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One AWS Batch SubmitJob request, as plain values: {@link #toApiMap()} is exactly what is sent
 * (the API's field names), so {@code --dry-run} prints what a real submission would send.
 *
 * @param arraySize 0 for a single job, else the array's size (2..10,000)
 * @param manifestOffset the first manifest line of an array (its children read offset + index)
 * @param videoIds the videos this job processes, in array-index order
 */
public record JobSpec(String jobName, String jobQueue, String jobDefinition, int arraySize, int manifestOffset,
    List<String> command, Map<String, String> environment, int attempts, long timeoutSeconds,
    Map<String, String> tags, List<String> videoIds) {

  /**
   * Retry only what is not the video's fault: a host that went away (Spot reclaimed, instance
   * terminated) and exit code 1 (transient); exit code 2 (bad input) and anything else end the job.
   * Batch evaluates these in order, first match wins, at most 5.
   */
  public static final List<Map<String, String>> EVALUATE_ON_EXIT = List.of(
      Map.of("onStatusReason", "Host EC2*", "action", "RETRY"),
      Map.of("onExitCode", "2", "action", "EXIT"),
      Map.of("onExitCode", "1", "action", "RETRY"),
      Map.of("onReason", "*", "action", "EXIT"));

  public boolean isArray() {
    return arraySize > 0;
  }

  /** The SubmitJob request body. */
  public Map<String, Object> toApiMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jobName", jobName);
    m.put("jobQueue", jobQueue);
    m.put("jobDefinition", jobDefinition);
    if (isArray()) {
      m.put("arrayProperties", Map.of("size", arraySize));
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("command", command);
    overrides.put("environment", environment.entrySet().stream()
        .map(e -> Map.of("name", e.getKey(), "value", e.getValue())).toList());
    m.put("containerOverrides", overrides);
    m.put("retryStrategy", Map.of("attempts", attempts, "evaluateOnExit", EVALUATE_ON_EXIT));
    m.put("timeout", Map.of("attemptDurationSeconds", timeoutSeconds));
    m.put("tags", tags);
    m.put("propagateTags", true);
    return m;
  }
}
