package dev.tracklight.pipeline.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code RUN/_run.json}: what was submitted for a run. Per video (by id): its URI, size, manifest
 * index and every job that was submitted for it (job id, the array's id and the child's index when
 * it ran in an array, when). {@code batch status} joins it with Batch's view (states, attempts)
 * and the committed results; {@code batch submit} of the same run reads it to submit only videos
 * with no committed result and no live job. Not thread-safe: one submitter writes it at a time.
 */
public final class RunLedger {

  public static final String FILE = "_run.json";
  public static final String MANIFEST = "_manifest.jsonl";
  public static final String SCHEMA = "tracklight.run.v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode root;

  private RunLedger(ObjectNode root) {
    this.root = root;
  }

  public static RunLedger create(String runId, String outPrefix, String queue, String jobDefinition) {
    ObjectNode r = JSON.createObjectNode();
    r.put("schema", SCHEMA);
    r.put("run", runId);
    r.put("out", outPrefix);
    r.put("job_queue", queue);
    r.put("job_definition", jobDefinition);
    r.putObject("videos");
    r.putArray("submissions");
    return new RunLedger(r);
  }

  public static RunLedger parse(byte[] bytes) throws IOException {
    JsonNode n = JSON.readTree(bytes);
    if (!(n instanceof ObjectNode o) || !SCHEMA.equals(n.path("schema").asText())) {
      throw new IOException("not a Tracklight run ledger (" + SCHEMA + ")");
    }
    return new RunLedger(o);
  }

  public String runId() {
    return root.path("run").asText();
  }

  public String outPrefix() {
    return root.path("out").asText();
  }

  public String jobQueue() {
    return root.path("job_queue").asText();
  }

  /** A submitted job of a video. */
  public record JobRef(String jobId, String jobName, Optional<String> arrayJobId, Optional<Integer> arrayIndex,
      String submittedAt) {

    /** The id DescribeJobs takes for this video's job: an array child is {@code arrayId:index}. */
    public String describeId() {
      return arrayJobId.map(a -> a + ":" + arrayIndex.orElseThrow()).orElse(jobId);
    }
  }

  /** A video of the run and its jobs, oldest first. */
  public record Entry(String id, String uri, long size, int index, List<JobRef> jobs) {
    public Optional<JobRef> latest() {
      return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(jobs.size() - 1));
    }
  }

  public void putVideo(String id, BatchPlan.Video v, int index) {
    ObjectNode videos = (ObjectNode) root.get("videos");
    if (videos.has(id)) {
      return;
    }
    ObjectNode e = videos.putObject(id);
    e.put("video", v.uri());
    e.put("size", v.size());
    v.durationSeconds().ifPresent(d -> e.put("duration_s", d));
    e.put("index", index);
    e.putArray("jobs");
  }

  public void recordJob(String videoId, JobRef job) {
    ObjectNode e = (ObjectNode) root.get("videos").get(videoId);
    ObjectNode j = ((ArrayNode) e.get("jobs")).addObject();
    j.put("job_id", job.jobId());
    j.put("job_name", job.jobName());
    job.arrayJobId().ifPresent(a -> j.put("array_job_id", a));
    job.arrayIndex().ifPresent(i -> j.put("array_index", i));
    j.put("submitted_at", job.submittedAt());
  }

  public void recordSubmission(Instant at, int jobs, int videos) {
    ((ArrayNode) root.get("submissions")).addObject().put("at", at.toString()).put("jobs", jobs).put("videos", videos);
  }

  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    root.get("videos").fields().forEachRemaining(f -> {
      JsonNode e = f.getValue();
      List<JobRef> jobs = new ArrayList<>();
      for (JsonNode j : e.path("jobs")) {
        jobs.add(new JobRef(j.path("job_id").asText(), j.path("job_name").asText(),
            j.has("array_job_id") ? Optional.of(j.get("array_job_id").asText()) : Optional.empty(),
            j.has("array_index") ? Optional.of(j.get("array_index").asInt()) : Optional.empty(),
            j.path("submitted_at").asText()));
      }
      out.add(new Entry(f.getKey(), e.path("video").asText(), e.path("size").asLong(), e.path("index").asInt(), jobs));
    });
    out.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return out;
  }

  public byte[] toBytes() throws IOException {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }
}
