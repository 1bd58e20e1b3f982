package dev.tracklight.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/alerts/events}: the alerts a running job appends to its JSONL sink
 * (docs/alert.schema.json), as Server-Sent Events, filtered per client by {@code camera},
 * {@code type} (rule_type) and {@code severity} query parameters.
 *
 * <p><b>Threads.</b> One daemon thread tails the file every {@link #POLL_MS} ms from where it
 * last stopped (from its end at start: a client sees alerts from now on; from 0 again if the file
 * shrank, i.e. was replaced) and sends each complete line to every client whose filter matches.
 * Other sources ({@link KafkaAlertFeed}) hand their alerts to {@link #publish} from their own
 * thread, and say whether they are reaching their source through {@link #feedState}: an SSE
 * {@code feed} event ({@code {"source","ok","message"}}), also sent to each new client, so the page
 * can say "broker unreachable" instead of looking quiet. Clients are a concurrent map, added by the
 * SSE handler and removed when their stream closes; each client's sends are serialised on it,
 * since two sources may send at once.
 */
final class AlertStream implements AutoCloseable {

  static final long POLL_MS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(AlertStream.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Filter(Optional<String> camera, Optional<String> type, Optional<String> severity) {
    boolean matches(JsonNode a) {
      return camera.map(c -> c.equals(a.path("camera").asText())).orElse(true)
          && type.map(t -> t.equals(a.path("rule_type").asText())).orElse(true)
          && severity.map(s -> s.equals(a.path("severity").asText())).orElse(true);
    }
  }

  private final Optional<Path> file;
  private final Map<SseClient, Filter> clients = new ConcurrentHashMap<>();
  /** The last {@code feed} event of each source, by source name. */
  private final Map<String, String> feeds = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private Thread tailer;

  /** How often the Kafka feed checks that its broker still answers. */
  static final java.time.Duration KAFKA_PROBE = java.time.Duration.ofSeconds(5);
  private final Optional<KafkaAlertFeed> kafka;

  AlertStream(Optional<Path> file) {
    this(file, Optional.empty());
  }

  /** The alerts of {@code file} and of a Kafka topic ({@code live.kafka}), either or both. */
  AlertStream(Optional<Path> file, Optional<LiveSettings.KafkaAlerts> kafka) {
    this.file = file;
    this.kafka = kafka.map(k -> new KafkaAlertFeed(k, this, KAFKA_PROBE));
  }

  void register(RoutesConfig r) {
    r.sse("/api/alerts/events", client -> {
      var ctx = client.ctx();
      Filter f = new Filter(param(ctx.queryParam("camera")), param(ctx.queryParam("type")),
          param(ctx.queryParam("severity")));
      client.keepAlive();
      clients.put(client, f);
      client.onClose(() -> clients.remove(client));
      synchronized (client) {
        client.sendComment(file.isPresent() || !feeds.isEmpty() ? "following alerts"
            : "no alert source configured (console.yaml: alerts, live.kafka)");
        feeds.values().forEach(e -> client.sendEvent("feed", e));
      }
    });
  }

  private static Optional<String> param(String v) {
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  int clientCount() {
    return clients.size();
  }

  void start() {
    kafka.ifPresent(KafkaAlertFeed::start);
    if (file.isEmpty()) {
      return;
    }
    tailer = new Thread(this::tail, "console-alert-tail");
    tailer.setDaemon(true);
    tailer.start();
  }

  private void tail() {
    Path p = file.get();
    long offset = fileSize(p);
    StringBuilder partial = new StringBuilder();
    while (!stopped) {
      try {
        long size = fileSize(p);
        if (size < offset) {
          offset = 0; // replaced or truncated: read the new one from its start
          partial.setLength(0);
        }
        if (size > offset) {
          try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "r")) {
            raf.seek(offset);
            byte[] buf = new byte[(int) Math.min(size - offset, 1 << 20)];
            raf.readFully(buf);
            offset += buf.length;
            partial.append(new String(buf, StandardCharsets.UTF_8));
          }
          int nl;
          while ((nl = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, nl).strip();
            partial.delete(0, nl + 1);
            if (!line.isEmpty()) {
              publish(line);
            }
          }
        }
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("alert file {}: {}", p, e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /**
   * Whether {@code source} reaches its alerts now: sent to every client as a {@code feed} event and
   * remembered for the ones that connect later. {@code message} is shown on the page: no secrets.
   */
  void feedState(String source, boolean ok, String message) {
    String event = JSON.createObjectNode().put("source", source).put("ok", ok).put("message", message).toString();
    feeds.put(source, event);
    for (SseClient c : clients.keySet()) {
      sendTo(c, "feed", event);
    }
  }

  private void sendTo(SseClient c, String event, String data) {
    try {
      synchronized (c) {
        c.sendEvent(event, data);
      }
    } catch (RuntimeException e) {
      clients.remove(c);
    }
  }

  /** One alert line (JSON, docs/alert.schema.json) to every client whose filter matches. */
  void publish(String line) {
    JsonNode alert;
    try {
      alert = JSON.readTree(line);
    } catch (IOException e) {
      return; // not an alert line (a partial write is held back until its newline)
    }
    for (Map.Entry<SseClient, Filter> c : clients.entrySet()) {
      if (c.getValue().matches(alert)) {
        sendTo(c.getKey(), "alert", line);
      }
    }
  }

  private static long fileSize(Path p) {
    try {
      return Files.exists(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    stopped = true;
    kafka.ifPresent(KafkaAlertFeed::close);
    if (tailer != null) {
      tailer.interrupt();
    }
  }
}
