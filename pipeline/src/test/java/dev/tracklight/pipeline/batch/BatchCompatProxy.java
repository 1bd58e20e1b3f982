package dev.tracklight.pipeline.batch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A pass-through in front of moto's Batch API for one known incompatibility: moto 5.x answers
 * DescribeJobs with {@code "vcpus": 4.0} (derived from a job definition's VCPU
 * ResourceRequirement), which the AWS SDK for Java rejects (the field is an integer). Everything
 * else passes unchanged. Tests point {@code AWS_ENDPOINT_URL_BATCH} (the standard per-service
 * variable) at it; S3, SQS and CloudFormation talk to moto directly.
 *
 * <p>It also plays one part of Batch's state machine that moto cannot: without Docker a job never
 * stays RUNNING (it is SUCCEEDED at once, or held SUBMITTED), so a test that plays a worker marks
 * its job {@link #reportRunning running} and DescribeJobs then answers RUNNING for it, as Batch
 * does while the container runs.
 */
public final class BatchCompatProxy implements AutoCloseable {

  private static final Pattern FLOAT_VCPUS = Pattern.compile("\"vcpus\": ?(\\d+)\\.0\\b");
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade",
      "transfer-encoding");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final String target;
  private final Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  public BatchCompatProxy(String target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::forward);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
  }

  /** From now on DescribeJobs reports {@code jobId} RUNNING (the test's worker runs it). */
  public void reportRunning(String jobId) {
    running.add(jobId);
  }

  /** DescribeJobs reports {@code jobId} as moto has it again. */
  public void stopReportingRunning(String jobId) {
    running.remove(jobId);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void forward(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI()))
          .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
        if (!RESTRICTED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
          h.getValue().forEach(v -> b.header(h.getKey(), v));
        }
      }
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      String answer = FLOAT_VCPUS.matcher(r.body()).replaceAll("\"vcpus\": $1");
      if (!running.isEmpty() && ex.getRequestURI().getPath().endsWith("/describejobs") && r.statusCode() == 200) {
        var doc = JSON.readTree(answer);
        for (var job : doc.path("jobs")) {
          if (running.contains(job.path("jobId").asText())) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) job).put("status", "RUNNING");
          }
        }
        answer = JSON.writeValueAsString(doc);
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      r.headers().firstValue("content-type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
      ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
