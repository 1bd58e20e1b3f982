package dev.tracklight.connectors.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * The Kinesis Video Streams media APIs where moto stops (platform notes §6: moto serves the control
 * plane, its data endpoint is fake): a JDK HTTP server on a loopback port speaking the REST-JSON
 * contract of GetMedia ({@code POST /getMedia}), ListFragments ({@code POST /listFragments}) and
 * GetMediaForFragmentList ({@code POST /getMediaForFragmentList}): JSON request bodies, chunked
 * {@code video/webm} responses holding the captured fragments byte for byte
 * ({@link KvsCapture}), errors as {@code x-amzn-ErrorType} + JSON message.
 *
 * <p>Selectors: EARLIEST and NOW start at the first fragment (a recording has no live edge; a
 * {@link #liveStream}'s NOW is the fragment being recorded),
 * CONTINUATION_TOKEN and FRAGMENT_NUMBER after the named fragment, PRODUCER_TIMESTAMP at the
 * fragment holding that time (else the next one). Faults, one response each, per stream:
 * {@link #cutAfter} ends a response after N fragments, {@link #truncateNext} ends it inside a
 * fragment, {@link #corruptNext} serves bytes that are not MKV inside a fragment. {@link #pace}
 * serves fragments at a fixed period, {@link #liveStream} each when its producer time has passed.
 * Requests are recorded ({@link #requests}).
 */
public final class KvsTestServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one response should do wrong. */
  private enum Fault { CUT, TRUNCATE, CORRUPT }

  private record PendingFault(Fault fault, int afterFragments) {}

  private final HttpServer server;
  private final Map<String, List<KvsCapture.Fragment>> streams = new ConcurrentHashMap<>();
  private final Map<String, PendingFault> faults = new ConcurrentHashMap<>();
  private final Map<String, Long> paceMs = new ConcurrentHashMap<>();
  private final java.util.Set<String> realTime = ConcurrentHashMap.newKeySet();
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

  private KvsTestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "kvs-test-server");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/getMedia", this::getMedia);
    server.createContext("/listFragments", this::listFragments);
    server.createContext("/getMediaForFragmentList", this::getMediaForFragmentList);
    server.start();
  }

  public static KvsTestServer start() throws IOException {
    return new KvsTestServer();
  }

  /** Serves {@code fragments} as stream {@code name}. */
  public KvsTestServer stream(String name, List<KvsCapture.Fragment> fragments) {
    streams.put(name, List.copyOf(fragments));
    return this;
  }

  /**
   * Serves {@code fragments} as stream {@code name} like a live camera: each fragment once it has
   * been recorded, at its producer time + {@link KvsCapture#FRAGMENT_MS} (wall clock), as the
   * service delivers whole fragments. The list is not copied: {@link KvsCapture#looped} computes
   * hours of fragments on demand.
   */
  public KvsTestServer liveStream(String name, List<KvsCapture.Fragment> fragments) {
    streams.put(name, fragments);
    realTime.add(name);
    return this;
  }

  /** The next GetMedia of {@code stream} ends (cleanly, between fragments) after {@code n} fragments. */
  public void cutAfter(String stream, int n) {
    faults.put(stream, new PendingFault(Fault.CUT, n));
  }

  /** The next GetMedia of {@code stream} ends in the middle of its fragment {@code n + 1}. */
  public void truncateNext(String stream, int n) {
    faults.put(stream, new PendingFault(Fault.TRUNCATE, n));
  }

  /** The next GetMedia of {@code stream} turns to garbage in the middle of its fragment {@code n + 1}. */
  public void corruptNext(String stream, int n) {
    faults.put(stream, new PendingFault(Fault.CORRUPT, n));
  }

  /** Serves one fragment of {@code stream} every {@code ms} milliseconds (0: as fast as possible). */
  public void pace(String stream, long ms) {
    paceMs.put(stream, ms);
  }

  /** The endpoint to give as {@code kvs.endpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every request body received, in order, with {@code "_api"} set to the path. */
  public List<JsonNode> requests() {
    return Collections.unmodifiableList(requests);
  }

  private JsonNode readRequest(HttpExchange exchange) throws IOException {
    ObjectNode body = (ObjectNode) JSON.readTree(exchange.getRequestBody().readAllBytes());
    body.put("_api", exchange.getRequestURI().getPath());
    requests.add(body);
    return body;
  }

  private List<KvsCapture.Fragment> streamOf(JsonNode body, HttpExchange exchange) throws IOException {
    String name = body.path("StreamName").asText(null);
    if (name == null && body.has("StreamARN")) {
      String arn = body.get("StreamARN").asText();
      name = arn.substring(arn.indexOf("stream/") + 7, arn.lastIndexOf('/'));
    }
    List<KvsCapture.Fragment> fragments = name == null ? null : streams.get(name);
    if (fragments == null) {
      error(exchange, 404, "ResourceNotFoundException", "stream " + name + " not found");
    }
    return fragments;
  }

  private void getMedia(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode body = readRequest(exchange);
      List<KvsCapture.Fragment> fragments = streamOf(body, exchange);
      if (fragments == null) {
        return;
      }
      String name = body.path("StreamName").asText(null);
      if (name == null) {
        String arn = body.get("StreamARN").asText();
        name = arn.substring(arn.indexOf("stream/") + 7, arn.lastIndexOf('/'));
      }
      JsonNode selector = body.path("StartSelector");
      int first = realTime.contains(name) && selector.path("StartSelectorType").asText().equals("NOW")
          ? liveEdge(fragments) : startIndex(fragments, selector);
      if (first < 0) {
        error(exchange, 400, "InvalidArgumentException", "unknown fragment or token in " + selector);
        return;
      }
      PendingFault fault = faults.remove(name);
      long pace = paceMs.getOrDefault(name, 0L);
      exchange.getResponseHeaders().add("Content-Type", "video/webm");
      exchange.sendResponseHeaders(200, 0); // chunked
      OutputStream out = exchange.getResponseBody();
      int sent = 0;
      boolean live = realTime.contains(name);
      for (int i = first; i < fragments.size(); i++) {
        KvsCapture.Fragment fragment = fragments.get(i);
        if (live) {
          sleep(Math.max(0, fragment.producerMs() + KvsCapture.FRAGMENT_MS - System.currentTimeMillis()));
        }
        byte[] bytes = fragment.bytes();
        if (fault != null && sent == fault.afterFragments()) {
          if (fault.fault() == Fault.CUT) {
            break;
          }
          out.write(bytes, 0, bytes.length / 2);
          if (fault.fault() == Fault.CORRUPT) {
            byte[] garbage = new byte[4096];
            new java.util.Random(7).nextBytes(garbage);
            out.write(garbage);
          }
          break;
        }
        if (pace > 0 && sent > 0) {
          sleep(pace);
        }
        out.write(bytes);
        out.flush();
        sent++;
      }
      out.close();
    } catch (IOException e) {
      // the client went away (a reader closed or gave up): nothing to serve any more
    }
  }

  /** A live stream's NOW: the fragment being recorded (the first not complete yet). */
  private static int liveEdge(List<KvsCapture.Fragment> fragments) {
    long now = System.currentTimeMillis();
    int lo = 0;
    int hi = fragments.size();
    while (lo < hi) { // binary search: the list computes fragments on demand
      int mid = (lo + hi) >>> 1;
      if (fragments.get(mid).producerMs() + KvsCapture.FRAGMENT_MS > now) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static int startIndex(List<KvsCapture.Fragment> fragments, JsonNode selector) {
    String type = selector.path("StartSelectorType").asText("EARLIEST");
    switch (type) {
      case "EARLIEST", "NOW":
        return 0;
      case "CONTINUATION_TOKEN":
        return after(fragments, selector.path("ContinuationToken").asText());
      case "FRAGMENT_NUMBER":
        return after(fragments, selector.path("AfterFragmentNumber").asText());
      case "PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP":
        long ms = millis(selector.path("StartTimestamp"));
        for (int i = 0; i < fragments.size(); i++) {
          if (fragments.get(i).producerMs() + KvsCapture.FRAGMENT_MS > ms) {
            return i;
          }
        }
        return fragments.size();
      default:
        return -1;
    }
  }

  private static int after(List<KvsCapture.Fragment> fragments, String number) {
    for (int i = 0; i < fragments.size(); i++) {
      if (fragments.get(i).number().equals(number)) {
        return i + 1;
      }
    }
    return -1;
  }

  /** AWS JSON timestamps are epoch seconds (fractional). */
  private static long millis(JsonNode seconds) {
    return new BigDecimal(seconds.asText()).movePointRight(3).longValue();
  }

  private void listFragments(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode body = readRequest(exchange);
      List<KvsCapture.Fragment> fragments = streamOf(body, exchange);
      if (fragments == null) {
        return;
      }
      JsonNode range = body.path("FragmentSelector").path("TimestampRange");
      long from = range.has("StartTimestamp") ? millis(range.get("StartTimestamp")) : Long.MIN_VALUE;
      long to = range.has("EndTimestamp") ? millis(range.get("EndTimestamp")) : Long.MAX_VALUE;
      ObjectNode response = JSON.createObjectNode();
      ArrayNode list = response.putArray("Fragments");
      // Reverse order on purpose: the service does not promise any order.
      List<KvsCapture.Fragment> reversed = new ArrayList<>(fragments);
      Collections.reverse(reversed);
      for (KvsCapture.Fragment f : reversed) {
        if (f.producerMs() >= from && f.producerMs() <= to) {
          ObjectNode n = list.addObject();
          n.put("FragmentNumber", f.number());
          n.put("FragmentSizeInBytes", f.bytes().length);
          n.put("ProducerTimestamp", BigDecimal.valueOf(f.producerMs()).movePointLeft(3));
          n.put("ServerTimestamp", BigDecimal.valueOf(f.producerMs() + 500).movePointLeft(3));
          n.put("FragmentLengthInMilliseconds", KvsCapture.FRAGMENT_MS);
        }
      }
      byte[] bytes = JSON.writeValueAsBytes(response);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private void getMediaForFragmentList(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode body = readRequest(exchange);
      List<KvsCapture.Fragment> fragments = streamOf(body, exchange);
      if (fragments == null) {
        return;
      }
      List<byte[]> parts = new ArrayList<>();
      for (JsonNode number : body.path("Fragments")) {
        KvsCapture.Fragment f = fragments.stream().filter(x -> x.number().equals(number.asText())).findFirst()
            .orElse(null);
        if (f == null) {
          error(exchange, 404, "ResourceNotFoundException", "fragment " + number.asText() + " not found");
          return;
        }
        parts.add(f.bytes());
      }
      exchange.getResponseHeaders().add("Content-Type", "video/webm");
      exchange.sendResponseHeaders(200, 0);
      for (byte[] p : parts) {
        exchange.getResponseBody().write(p);
      }
    }
  }

  private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(Map.of("Message", message));
    exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** Request bodies as text, for failure messages. */
  public String requestLog() {
    StringBuilder b = new StringBuilder();
    requests.forEach(r -> b.append(r).append('\n'));
    return b.toString().getBytes(StandardCharsets.UTF_8).length > 4000 ? b.substring(0, 4000) : b.toString();
  }
}
