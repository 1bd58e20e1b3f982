package dev.tracklight.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The resumable-upload protocol as the page speaks it, for tests and measurements: create, then
 * PUT chunks streamed from the file (never the whole file in memory); after a failed chunk ask the
 * server for its offset and go on from there.
 */
final class ChunkedUploader {

  private final ConsoleClient client;

  ChunkedUploader(ConsoleClient client) {
    this.client = client;
  }

  HttpResponse<String> create(String name, long size) throws IOException, InterruptedException {
    return client.http.send(client.request("/api/uploads").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(ConsoleClient.JSON.writeValueAsString(
            Map.of("name", name, "size", size)))).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** PUT bytes [start, end] (inclusive) of {@code file}, streamed from disk. */
  HttpResponse<String> put(String id, Path file, long start, long end, long total)
      throws IOException, InterruptedException {
    long length = end - start + 1;
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> slice(file, start, length)), length);
    return client.http.send(client.request("/api/uploads/" + id)
        .header("Content-Range", "bytes " + start + "-" + end + "/" + total)
        .header("Content-Type", "application/octet-stream").PUT(body).build(), HttpResponse.BodyHandlers.ofString());
  }

  long offset(String id) throws IOException, InterruptedException {
    HttpResponse<String> r = client.get("/api/uploads/" + id);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET upload " + id + ": " + r.statusCode() + " " + r.body());
    }
    return ConsoleClient.json(r).path("offset").asLong();
  }

  /**
   * Sends the rest of {@code file} from the server's offset in chunks of {@code chunk} bytes; a
   * chunk answered 409 or not at all is retried from the offset the server then reports.
   *
   * @return the last chunk's answer (complete)
   */
  JsonNode finish(String id, Path file, long size, int chunk) throws IOException, InterruptedException {
    long offset = offset(id);
    int failures = 0;
    while (true) {
      long end = Math.min(offset + chunk, size) - 1;
      HttpResponse<String> r;
      try {
        r = put(id, file, offset, end, size);
      } catch (IOException e) {
        r = null;
      }
      if (r != null && r.statusCode() == 200) {
        JsonNode j = ConsoleClient.json(r);
        if (j.path("complete").asBoolean()) {
          return j;
        }
        offset = j.path("offset").asLong();
        failures = 0;
        continue;
      }
      if (r != null && r.statusCode() != 409 && r.statusCode() < 500) {
        throw new IllegalStateException("chunk at " + offset + ": " + r.statusCode() + " " + r.body());
      }
      if (++failures > 8) {
        throw new IllegalStateException("chunk at " + offset + " failed 8 times: " + (r == null ? "no answer" : r.body()));
      }
      Thread.sleep(50L << Math.min(failures, 5));
      offset = offset(id);
    }
  }

  private static InputStream slice(Path file, long start, long length) {
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      ch.position(start);
      InputStream in = Channels.newInputStream(ch);
      return new InputStream() {
        long left = length;

        @Override
        public int read() throws IOException {
          if (left <= 0) {
            return -1;
          }
          int b = in.read();
          left--;
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (left <= 0) {
            return -1;
          }
          int n = in.read(b, off, (int) Math.min(len, left));
          if (n > 0) {
            left -= n;
          }
          return n;
        }

        @Override
        public void close() throws IOException {
          in.close();
        }
      };
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
