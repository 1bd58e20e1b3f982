package dev.tracklight.pipeline.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Changes a running job's parallelism through the adaptive scheduler's declarative resource
 * requirements ({@code PUT /jobs/:id/resource-requirements}): the JobManager restarts the job from
 * its latest checkpoint at the new parallelism once the slots are there, with no savepoint to
 * manage and no resubmission (so the client that submitted it keeps following it). Operators pinned
 * to one subtask (the alert sinks: maximum parallelism 1) keep it.
 *
 * <p>Why not stop-with-savepoint and resubmit: that needs the job's graph, so only the client that
 * built it could do it, and the job's id (which alerts and dashboards follow) would change. The
 * adaptive scheduler needs {@code jobmanager.scheduler: adaptive} on the cluster
 * ({@code tools/flink-local-cluster.sh --scheduler adaptive}; the Kubernetes operator sets it for
 * its autoscaler); on another scheduler this fails with a message that says so.
 *
 * <p>Stateless apart from the HTTP client; time is injected ({@code nanoTime}) for the waits.
 */
public final class JobRescaler {

  /** A job id as Flink prints it. */
  private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** How often the rescale's progress is read while waiting. */
  static final Duration POLL = Duration.ofMillis(200);

  private final URI rest;
  private final HttpClient http;
  private final LongSupplier nanoTime;
  private final ObjectMapper json = new ObjectMapper();

  public JobRescaler(URI rest, HttpClient http, LongSupplier nanoTime) {
    this.rest = rest;
    this.http = http;
    this.nanoTime = nanoTime;
  }

  /** For a {@code HOST:PORT} REST address as given to {@code --jobmanager}. */
  public static JobRescaler forRestAddress(String hostPort) {
    if (!hostPort.matches("[A-Za-z0-9.\\[\\]:_-]+:[0-9]{1,5}")) {
      throw new InvalidInputException("--jobmanager '" + hostPort + "' is not HOST:PORT; expected the REST"
          + " address of a Flink cluster, e.g. flink-jm:8081");
    }
    return new JobRescaler(URI.create("http://" + hostPort), HttpClient.newBuilder()
        .connectTimeout(REQUEST_TIMEOUT).build(), System::nanoTime);
  }

  /**
   * What a rescale asked for and got.
   *
   * @param before the job's parallelism (its widest operator) before
   * @param requested the parallelism asked for
   * @param after the parallelism it runs at now (less than requested while slots are missing)
   * @param pause from the request until every task ran again at {@code after}; zero if not waited
   */
  public record Result(int before, int requested, int after, Duration pause) {}

  /**
   * Asks for {@code parallelism} and, if {@code wait} is positive, waits up to that long until every
   * operator runs at it again.
   *
   * @throws InvalidInputException for a malformed id, an unknown or finished job, or a cluster
   *     without the adaptive scheduler
   */
  public Result rescale(String jobId, int parallelism, Duration wait) throws IOException, InterruptedException {
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new InvalidInputException("job id '" + jobId + "' is not 32 hex digits; expected the id that"
          + " replay or run printed (or the cluster's web UI shows)");
    }
    if (parallelism < 1 || parallelism > ReplayJob.MAX_PARALLELISM) {
      throw new InvalidInputException("--parallelism must be in 1.." + ReplayJob.MAX_PARALLELISM + ", got "
          + parallelism);
    }
    HttpResponse<String> details = send(HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId)).GET());
    if (details.statusCode() == 404) {
      throw new InvalidInputException("no job " + jobId + " on " + rest.getAuthority() + "; expected a running"
          + " job's id");
    }
    JsonNode job = ok(details, "job " + jobId);
    if (!job.path("state").asText().equals("RUNNING")) {
      throw new InvalidInputException("job " + jobId + " is " + job.path("state").asText()
          + "; only a RUNNING job can be rescaled");
    }
    int before = widest(job);
    Map<String, Integer> maxParallelism = new LinkedHashMap<>();
    for (JsonNode v : job.path("vertices")) {
      maxParallelism.put(v.path("id").asText(), v.path("maxParallelism").asInt(ReplayJob.MAX_PARALLELISM));
    }
    HttpResponse<String> current = send(HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId
        + "/resource-requirements")).GET());
    if (current.statusCode() != 200) {
      throw new InvalidInputException("the cluster at " + rest.getAuthority() + " cannot change a running job's"
          + " parallelism (HTTP " + current.statusCode() + "); expected jobmanager.scheduler: adaptive in its"
          + " configuration");
    }
    ObjectNode requirements = (ObjectNode) json.readTree(current.body());
    requirements.fields().forEachRemaining(e -> {
      int max = maxParallelism.getOrDefault(e.getKey(), ReplayJob.MAX_PARALLELISM);
      ObjectNode bounds = (ObjectNode) e.getValue().path("parallelism");
      bounds.put("lowerBound", 1);
      bounds.put("upperBound", Math.min(parallelism, max));
    });
    long asked = nanoTime.getAsLong();
    HttpResponse<String> put = send(HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId + "/resource-requirements"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(requirements))));
    if (put.statusCode() / 100 != 2) {
      throw new InvalidInputException("the cluster refused the new parallelism (HTTP " + put.statusCode() + "): "
          + firstLine(put.body()));
    }
    if (wait.isZero() || wait.isNegative()) {
      return new Result(before, parallelism, before, Duration.ZERO);
    }
    long deadline = asked + wait.toNanos();
    int now = before;
    while (nanoTime.getAsLong() - deadline < 0) {
      JsonNode j = ok(send(HttpRequest.newBuilder(rest.resolve("/jobs/" + jobId)).GET()), "job " + jobId);
      now = widest(j);
      if (now != before || before == parallelism) {
        if (allRunning(j) && j.path("state").asText().equals("RUNNING")) {
          return new Result(before, parallelism, now, Duration.ofNanos(nanoTime.getAsLong() - asked));
        }
      }
      if (j.path("state").asText().matches("FINISHED|FAILED|CANCELED")) {
        return new Result(before, parallelism, now, Duration.ofNanos(nanoTime.getAsLong() - asked));
      }
      Thread.sleep(POLL.toMillis());
    }
    return new Result(before, parallelism, now, Duration.ofNanos(nanoTime.getAsLong() - asked));
  }

  private static int widest(JsonNode job) {
    int widest = 0;
    for (JsonNode v : job.path("vertices")) {
      widest = Math.max(widest, v.path("parallelism").asInt());
    }
    return widest;
  }

  private static boolean allRunning(JsonNode job) {
    for (JsonNode v : job.path("vertices")) {
      String s = v.path("status").asText();
      if (!s.equals("RUNNING") && !s.equals("FINISHED")) {
        return false;
      }
    }
    return true;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    try {
      return http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new InvalidInputException("no Flink cluster answers at " + rest.getAuthority() + "; expected the"
          + " REST address of a running JobManager");
    }
  }

  private JsonNode ok(HttpResponse<String> response, String what) throws IOException {
    if (response.statusCode() != 200) {
      throw new IOException(what + ": HTTP " + response.statusCode() + ": " + firstLine(response.body()));
    }
    return json.readTree(response.body());
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
