package dev.tracklight.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upload throughput, side by side in one run, written as JSON: {@code java -cp ...
 * dev.tracklight.console.UploadMeasurements OUT.json [MB] [ROUNDS]}. An MB file (a real MP4 head,
 * then filler) made in the system temp directory goes to one console, alternately
 * <ul>
 *   <li>as one multipart {@code curl -F video=@FILE} to {@code POST /api/jobs}, and</li>
 *   <li>as a resumable upload: {@code POST /api/uploads}, 8 MiB {@code PUT}s streamed from the file
 *   ({@link ChunkedUploader}, java.net.http), then {@code POST /api/jobs upload=ID} (the move);</li>
 * </ul>
 * each until the job is created (201), ROUNDS times each (default 2), in MB/s (10^6 bytes).
 */
public final class UploadMeasurements {

  static final int CHUNK = 8 << 20;

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int mb = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path dir = Files.createTempDirectory("upload-measure");
    Path file = ConsoleMeasurements.bigVideo(dir, mb);
    long size = Files.size(file);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("when", Instant.now().toString());
    result.put("bytes", size);
    result.put("chunk_bytes", CHUNK);
    List<Double> multipart = new ArrayList<>();
    List<Double> chunked = new ArrayList<>();
    ConsoleConfig cfg = ConsoleConfig.defaults(dir.resolve("data")).withPort(0).withMaxUploadBytes(size + (1 << 20));
    // The job itself is not measured: a launcher that exits at once.
    try (ConsoleServer s = ConsoleServer.start(cfg, new LocalExecutor((v, o, r, b) -> List.of("true"), 1),
        Clock.systemUTC())) {
      ConsoleClient client = new ConsoleClient(s.port());
      for (int i = 0; i < rounds; i++) {
        multipart.add(curlMultipart("http://127.0.0.1:" + s.port() + "/api/jobs", file));
        cleanUploads(s, client);
        chunked.add(chunked(client, file, size));
        cleanUploads(s, client);
      }
    }
    result.put("multipart_curl_s", multipart);
    result.put("multipart_curl_mb_per_s", multipart.stream().map(t -> size / 1e6 / t).toList());
    result.put("chunked_8mib_s", chunked);
    result.put("chunked_8mib_mb_per_s", chunked.stream().map(t -> size / 1e6 / t).toList());
    Files.delete(file);
    Files.writeString(out, ConsoleClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    System.out.println(Files.readString(out));
    System.exit(0);
  }

  private static double chunked(ConsoleClient client, Path file, long size) throws Exception {
    ChunkedUploader up = new ChunkedUploader(client);
    long t0 = System.nanoTime();
    HttpResponse<String> created = up.create(file.getFileName().toString(), size);
    if (created.statusCode() != 201) {
      throw new IllegalStateException("create answered " + created.statusCode() + " " + created.body());
    }
    String id = ConsoleClient.json(created).path("id").asText();
    JsonNode done = up.finish(id, file, size, CHUNK);
    if (!done.path("complete").asBoolean()) {
      throw new IllegalStateException("upload not complete: " + done);
    }
    HttpResponse<String> job = client.post("/api/jobs", "upload=" + id);
    double s = (System.nanoTime() - t0) / 1e9;
    if (job.statusCode() != 201) {
      throw new IllegalStateException("job answered " + job.statusCode() + " " + job.body());
    }
    return s;
  }

  private static double curlMultipart(String url, Path file) throws Exception {
    return ConsoleMeasurements.curl(url, file);
  }

  /** Deletes the jobs (and so their uploaded copies) between rounds: the disk holds one at a time. */
  private static void cleanUploads(ConsoleServer s, ConsoleClient client) throws Exception {
    for (JsonNode j : ConsoleClient.json(client.get("/api/jobs?limit=500")).path("jobs")) {
      client.delete("/api/jobs/" + j.path("id").asText());
    }
  }
}
