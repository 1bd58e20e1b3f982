package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.Job;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The console's HTTP API as the Batch console tests call it (no auth: a localhost console). */
final class ConsoleTestClient {

  static final ObjectMapper JSON = new ObjectMapper();

  private final ConsoleServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  ConsoleTestClient(ConsoleServer server) {
    this.server = server;
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(60));
  }

  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws Exception {
    return http.send(request, body);
  }

  JsonNode get(String path) throws Exception {
    return JSON.readTree(http.send(request(path).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  HttpResponse<String> post(String path) throws Exception {
    return http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> delete(String path) throws Exception {
    return http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A job created from an upload: the form's fields and one video part. */
  HttpResponse<String> upload(String name, byte[] content, Map<String, String> fields) throws Exception {
    String boundary = "----tl" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
          + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"video\"; filename=\"" + name
        + "\"\r\nContent-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return http.send(request("/api/jobs").header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The Batch job id the console recorded for a job (its external id). */
  String awaitBatchJob(String id) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      Optional<String> x = server.jobs().get(id).flatMap(Job::externalId);
      if (x.isPresent()) {
        return x.get();
      }
      JsonNode j = get("/api/jobs/" + id);
      if (j.path("status").asText().equals("failed")) {
        throw new AssertionError("job failed before it was submitted: " + j);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + id + " was never submitted to Batch");
  }

  JsonNode awaitStatus(String id, String status) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    JsonNode j = null;
    while (System.nanoTime() < deadline) {
      j = get("/api/jobs/" + id);
      if (j.path("status").asText().equals(status)) {
        return j;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + id + " never reached " + status + ": " + j);
  }
}
