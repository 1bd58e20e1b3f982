package dev.tracklight.inference.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local HTTP server on 127.0.0.1 (no other network is reachable in CI). */
class ModelFetcherTest {

  @TempDir
  Path cache;

  private HttpServer server;
  private final byte[] payload = new byte[300_000];
  private final RegisteredModel yoloxNano = ModelRegistry.BUILT_IN.get(0);
  private ModelFetcher fetcher;

  @BeforeEach
  void start() throws IOException {
    new Random(7).nextBytes(payload);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/model.onnx", exchange -> {
      exchange.sendResponseHeaders(200, payload.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(payload);
      }
    });
    server.createContext("/truncated.onnx", exchange -> {
      // Announces more bytes than it sends, then drops the connection.
      exchange.sendResponseHeaders(200, payload.length);
      exchange.getResponseBody().write(payload, 0, 1000);
      exchange.close();
    });
    server.start();
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(5)).build();
    fetcher = new ModelFetcher(client, cache, Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private List<Path> cacheFiles() throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.toList();
    }
  }

  @Test
  void downloadsIntoTheCacheUnderTheRegisteredNameAndTheRegistryFindsIt() throws IOException {
    Path file = fetcher.fetch(yoloxNano, url("/model.onnx"));
    assertEquals(cache.resolve("yolox_nano.onnx"), file);
    assertArrayEquals(payload, Files.readAllBytes(file));
    assertEquals(List.of(file), cacheFiles(), "no temporary file left behind");
    ModelRegistry registry = new ModelRegistry(null, cache);
    assertEquals(file, registry.resolve("yolox-nano").path());
  }

  @Test
  void http404IsAClearErrorAndLeavesNoFile() throws IOException {
    ModelFetchException e = assertThrows(ModelFetchException.class,
        () -> fetcher.fetch(yoloxNano, url("/missing.onnx")));
    assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    assertTrue(e.getMessage().contains("yolox-nano"), e.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void truncatedTransferIsRejectedAndLeavesNoFile() throws IOException {
    ModelFetchException e = assertThrows(ModelFetchException.class,
        () -> fetcher.fetch(yoloxNano, url("/truncated.onnx")));
    assertTrue(e.getMessage().contains("nothing was saved"), e.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void shaMismatchIsRejectedAndLeavesNoFile() throws IOException {
    RegisteredModel pinned = new RegisteredModel("pinned", List.of("pinned.onnx"),
        yoloxNano.engine(), yoloxNano.family(), 416, "Apache-2.0", true, "test",
        new RegisteredModel.Download(url("/model.onnx"), "pinned.onnx", payload.length,
            "0".repeat(64)));
    ModelFetchException e = assertThrows(ModelFetchException.class, () -> fetcher.fetch(pinned));
    assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void connectionRefusedIsAClearError() throws IOException {
    int freePort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      freePort = s.getLocalPort();
    }
    ModelFetchException e = assertThrows(ModelFetchException.class, () -> fetcher.fetch(
        yoloxNano, URI.create("http://127.0.0.1:" + freePort + "/model.onnx")));
    assertTrue(e.getMessage().contains("cannot connect to 127.0.0.1:" + freePort), e.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void modelsWithoutPublicUpstreamSaySo() {
    RegisteredModel int8 = new ModelRegistry(null, cache).require("yolov8n-int8");
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> fetcher.fetch(int8));
    assertTrue(e.getMessage().contains("no public download"), e.getMessage());
  }
}
