package dev.tracklight.pipeline.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far a replay job on a remote cluster has got: the frames its sink has received, read from the
 * cluster's REST API (the sink's {@code numRecordsIn}, summed over subtasks). The in-process frame
 * counter the CLI uses with the embedded MiniCluster counts nothing here: the sink runs in another
 * JVM.
 *
 * <p>Stateless apart from the HTTP client; safe to call from a progress thread. The numbers lag by
 * the JobManager's metric fetch interval ({@code metrics.fetcher.update-interval}, 10 s by default).
 * Every failure (job not yet scheduled, metric not yet reported, REST briefly unreachable) reads as
 * "unknown", never as an error: progress is cosmetic and must not fail a job that is running fine.
 */
public final class ClusterJobProgress {

  /** Short: a progress poll that hangs would only freeze the bar, but there is no point waiting. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
  private static final String RECORDS_IN = ".numRecordsIn";

  private final URI rest;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /** @param rest the cluster's REST endpoint, e.g. {@code http://127.0.0.1:8081} */
  public ClusterJobProgress(URI rest, HttpClient http) {
    this.rest = Objects.requireNonNull(rest, "rest");
    this.http = Objects.requireNonNull(http, "http");
  }

  /** For a {@code HOST:PORT} REST address as given to {@code --jobmanager}. */
  public static ClusterJobProgress forRestAddress(String hostPort) {
    return new ClusterJobProgress(URI.create("http://" + hostPort),
        HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build());
  }

  /**
   * Records received so far by the operator named {@link ReplayJob#SINK_NAME} of job {@code jobId},
   * or empty while that is not known.
   */
  public OptionalLong sinkRecordsIn(String jobId) {
    try {
      for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
        String base = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
        // Flink derives the metric prefix from the operator name ("files: Writer" becomes
        // "files__Writer"); match it by the name it starts with instead of re-deriving it. The
        // sink's committer ("files__Committer") counts committables, not frames.
        for (JsonNode metric : get(base)) {
          String id = metric.path("id").asText();
          if (id.startsWith(ReplayJob.SINK_NAME) && id.contains("Writer") && id.endsWith(RECORDS_IN)) {
            JsonNode values = get(base + "?agg=sum&get=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
            return values.isArray() && values.size() == 1 && values.get(0).has("sum")
                ? OptionalLong.of((long) values.get(0).path("sum").asDouble())
                : OptionalLong.empty();
          }
        }
      }
      return OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalLong.empty();
    }
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve(path))
        .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + " for " + path);
    }
    return json.readTree(response.body());
  }
}
