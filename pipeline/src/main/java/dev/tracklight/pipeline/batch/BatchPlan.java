package dev.tracklight.pipeline.batch;

import dev.tracklight.inference.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns a run's videos into Batch jobs: one job per video, or array jobs over the run's manifest
 * (split at Batch's 10,000-children limit). Pure: no AWS calls, so the names, commands, timeouts
 * and retry rules are unit-tested and {@code --dry-run} shows them as sent.
 *
 * <p>Names are deterministic: a video's id is its file name's stem plus 8 hex digits of the
 * SHA-256 of its full key (two {@code a.mp4} in different folders differ), and a job's name is
 * the run id plus that id, so a resubmission of the same run names the same jobs.
 */
public final class BatchPlan {

  /** AWS Batch's largest array. */
  public static final int MAX_ARRAY_SIZE = 10_000;
  /** Attempts per job: the first and two retries of infrastructure failures (see JobSpec). */
  public static final int ATTEMPTS = 3;
  /**
   * Timeout per attempt: start-up (image pull on a cold instance, model load, download) plus the
   * video's duration times a slowdown that still covers a CPU-only fallback (about real time at
   * 432p on one core in platform notes), never less than {@link #MIN_TIMEOUT_S}.
   */
  public static final long STARTUP_ALLOWANCE_S = 600;
  public static final double SLOWDOWN = 3.0;
  public static final long MIN_TIMEOUT_S = 900;
  /** Without a known duration: an hour of video per this many bytes (1 Mbit/s, a low archive bitrate). */
  public static final long BYTES_PER_HOUR_LOW_BITRATE = 450L * 1000 * 1000;
  /** Batch job names: letters, digits, hyphens and underscores, at most 128. */
  static final int MAX_JOB_NAME = 128;

  /** A video of the run. */
  public record Video(String uri, long size, OptionalDouble durationSeconds) {}

  /** What every job of the run shares. */
  public record Settings(String runId, String outPrefix, String jobQueue, String jobDefinition,
      Optional<String> rulesUri, List<String> workerArgs, Map<String, String> environment) {

    public Settings {
      if (!runId.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
        throw new InvalidInputException("run id '" + runId + "' must be 1-64 letters, digits, '-' or '_'"
            + " (it names the jobs and the output prefix)");
      }
      outPrefix = outPrefix.endsWith("/") ? outPrefix : outPrefix + "/";
    }
  }

  private BatchPlan() {}

  /** The video's id: its folder under the run's prefix and part of its job's name. */
  public static String videoId(String uri) {
    String key = uri.substring(uri.indexOf("://") + 3);
    String name = key.substring(key.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    String stem = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9_-]", "_");
    if (stem.length() > 80) {
      stem = stem.substring(0, 80);
    }
    return stem + "-" + sha256(uri).substring(0, 8);
  }

  /** The timeout of one attempt for a video (see {@link #SLOWDOWN}). */
  public static long timeoutSeconds(Video v) {
    double seconds = v.durationSeconds().orElse(v.size() * 3600.0 / BYTES_PER_HOUR_LOW_BITRATE);
    return Math.max(MIN_TIMEOUT_S, STARTUP_ALLOWANCE_S + (long) Math.ceil(seconds * SLOWDOWN));
  }

  /** The manifest line of a video (one JSON object; the worker reads it by array index). */
  public static Map<String, Object> manifestLine(Settings s, int index, Video v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", index);
    m.put("id", videoId(v.uri()));
    m.put("video", v.uri());
    m.put("size", v.size());
    v.durationSeconds().ifPresent(d -> m.put("duration_s", d));
    m.put("out", s.outPrefix() + videoId(v.uri()) + "/");
    return m;
  }

  /** One job per video. */
  public static List<JobSpec> singleJobs(Settings s, List<Video> videos) {
    List<JobSpec> jobs = new ArrayList<>();
    for (Video v : videos) {
      String id = videoId(v.uri());
      List<String> command = new ArrayList<>(List.of("tracklight", "batch-worker", "--run", s.runId(),
          "--video", v.uri(), "--out", s.outPrefix() + id + "/"));
      s.rulesUri().ifPresent(r -> command.addAll(List.of("--rules", r)));
      command.addAll(s.workerArgs());
      jobs.add(new JobSpec(jobName(s.runId(), id), s.jobQueue(), s.jobDefinition(), 0, 0, command,
          s.environment(), ATTEMPTS, timeoutSeconds(v), tags(s), List.of(id)));
    }
    return jobs;
  }

  /**
   * Array jobs over the manifest (whose line i is {@code videos.get(i)}): chunks of at most
   * {@link #MAX_ARRAY_SIZE}; a chunk of one video is a single job (Batch arrays have 2+ children).
   * {@code indexes} are the manifest lines to submit (all, or those still to do on a resubmission).
   */
  public static List<JobSpec> arrayJobs(Settings s, String manifestUri, List<Video> manifest, List<Integer> indexes) {
    List<JobSpec> jobs = new ArrayList<>();
    // Contiguous runs of manifest lines, each cut at the array limit: a child reads offset + index.
    int i = 0;
    while (i < indexes.size()) {
      int start = i;
      while (i + 1 < indexes.size() && indexes.get(i + 1) == indexes.get(i) + 1
          && i + 1 - start < MAX_ARRAY_SIZE) {
        i++;
      }
      int first = indexes.get(start);
      int size = i - start + 1;
      i++;
      if (size == 1) {
        Video v = manifest.get(first);
        jobs.addAll(singleJobs(s, List.of(v)));
        continue;
      }
      List<String> ids = new ArrayList<>();
      long timeout = 0;
      for (int k = first; k < first + size; k++) {
        ids.add(videoId(manifest.get(k).uri()));
        timeout = Math.max(timeout, timeoutSeconds(manifest.get(k)));
      }
      List<String> command = new ArrayList<>(List.of("tracklight", "batch-worker", "--run", s.runId(),
          "--manifest", manifestUri, "--offset", Integer.toString(first)));
      s.rulesUri().ifPresent(r -> command.addAll(List.of("--rules", r)));
      command.addAll(s.workerArgs());
      String name = jobName(s.runId(), "lines-" + first + "-" + (first + size - 1));
      jobs.add(new JobSpec(name, s.jobQueue(), s.jobDefinition(), size, first, command, s.environment(),
          ATTEMPTS, timeout, tags(s), ids));
    }
    return jobs;
  }

  static String jobName(String runId, String suffix) {
    String name = ("tl-" + runId + "-" + suffix).replaceAll("[^A-Za-z0-9_-]", "_");
    return name.length() <= MAX_JOB_NAME ? name : name.substring(0, MAX_JOB_NAME);
  }

  /** Cost allocation: every job (and, propagated, its instances' tasks) carries the run id. */
  static Map<String, String> tags(Settings s) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("tracklight:run", s.runId());
    t.put("tracklight:app", "tracklight");
    return t;
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
