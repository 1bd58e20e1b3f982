package dev.tracklight.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The console's API as a test sees it: real HTTP on the server's port, multipart built by hand. */
final class ConsoleClient {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String base;
  /** Headers sent with every request (Authorization, Cookie, X-CSRF-Token). */
  final Map<String, String> headers = new LinkedHashMap<>();

  ConsoleClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    return b;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> getBytes(String path, String range) throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path).GET();
    if (range != null) {
      b.header("Range", range);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return http.send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String formBody) throws IOException, InterruptedException {
    return http.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(formBody)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POST /api/jobs with one file in field "video" and extra text fields. */
  HttpResponse<String> upload(String fileName, byte[] content, Map<String, String> fields)
      throws IOException, InterruptedException {
    String boundary = "----tracklight" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey()
          + "\"\r\n\r\n" + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    if (fileName != null) {
      body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"video\"; filename=\""
          + fileName + "\"\r\nContent-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.writeBytes(content);
      body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return http.send(request("/api/jobs").header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  /** Opens an SSE stream; its "data:" payloads arrive in the returned queue. */
  BlockingQueue<String> events(String path) {
    BlockingQueue<String> q = new LinkedBlockingQueue<>();
    http.sendAsync(request(path).header("Accept", "text/event-stream").timeout(Duration.ofMinutes(5)).GET().build(),
        HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> r.body().forEach(line -> {
          if (line.startsWith("data:")) {
            q.add(line.substring(5).strip());
          }
        }));
    return q;
  }
}
