package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.testing.KafkaTestBroker;
import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.LiveSettings;
import dev.tracklight.console.LocalExecutor;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Live page's Kafka alerts: a real broker (in-process KRaft), the console following the topic
 * as {@code run}'s exactly-once sink writes it (transactions committed and aborted by a
 * transactional producer), SSE clients with and without filters; the broker going away and a broker
 * absent at start, both reported to the page while the console keeps serving; and the feed following
 * the topic by itself once a broker is there.
 */
class ConsoleLiveKafkaTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "jaas-pw-7781";

  @TempDir
  Path data;
  private final HttpClient http = HttpClient.newHttpClient();

  /** One SSE message: its event name and data. */
  record Sse(String event, String data) {
    JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (Exception e) {
        throw new AssertionError(data, e);
      }
    }
  }

  /** Opens an SSE stream; its events (and, as event "raw", every line) arrive in the queue. */
  private BlockingQueue<Sse> events(int port, String query, List<String> raw) {
    BlockingQueue<Sse> q = new LinkedBlockingQueue<>();
    String[] event = {"message"};
    http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/alerts/events" + query))
            .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> r.body().forEach(line -> {
          synchronized (raw) {
            raw.add(line);
          }
          if (line.startsWith("event:")) {
            event[0] = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            q.add(new Sse(event[0], line.substring(5).strip()));
          } else if (line.isEmpty()) {
            event[0] = "message";
          }
        }));
    return q;
  }

  private static Sse await(BlockingQueue<Sse> q, Predicate<Sse> what, int seconds, List<Sse> skipped)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      Sse e = q.poll(200, TimeUnit.MILLISECONDS);
      if (e == null) {
        continue;
      }
      if (what.test(e)) {
        return e;
      }
      skipped.add(e);
    }
    throw new AssertionError("no such event in " + seconds + " s; got " + skipped);
  }

  private static Predicate<Sse> feed(boolean ok) {
    return e -> e.event().equals("feed") && e.json().get("ok").asBoolean() == ok;
  }

  private static String alert(String id, String camera, String type, String severity) {
    return JSON.createObjectNode().put("schema", "tracklight.alert/v1").put("id", id).put("camera", camera)
        .put("rule", "r-" + type).put("rule_type", type).put("severity", severity)
        .put("event_time_ms", 1_765_000_000_000L).toString();
  }

  private ConsoleServer console(String bootstrap, String topic) throws Exception {
    LiveSettings live = new LiveSettings(Optional.empty(), LiveSettings.DEFAULT_STALE, Optional.of(
        new LiveSettings.KafkaAlerts(bootstrap, topic, Map.of("sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
                + SECRET + "\";"))));
    return ConsoleServer.start(ConsoleConfig.defaults(data).withPort(0).withLive(live),
        new LocalExecutor(ServeCommand.replayLauncher(), 1), Clock.systemUTC());
  }

  @Test
  void onlyCommittedAlertsReachTheClientsThroughTheirFiltersAndABrokerLossIsReported() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.start();
    boolean brokerClosed = false;
    try {
      String topic = "tracklight-alerts";
      broker.createTopic(topic, 1); // one partition: offsets order every alert, aborted ones included
      try (ConsoleServer server = console(broker.bootstrapServers(), topic)) {
        List<String> rawAll = new ArrayList<>();
        List<String> rawLobby = new ArrayList<>();
        BlockingQueue<Sse> all = events(server.port(), "", rawAll);
        BlockingQueue<Sse> lobbyCritical = events(server.port(), "?camera=lobby&severity=critical", rawLobby);
        List<Sse> skipped = new ArrayList<>();
        await(all, feed(true), 60, skipped);
        await(lobbyCritical, feed(true), 60, skipped);

        broker.produceInTransaction(topic, List.of(
            Map.entry("lobby", alert("c1", "lobby", "zone", "critical")),
            Map.entry("gate", alert("c2", "gate", "line", "info")),
            Map.entry("lobby", alert("c3", "lobby", "loitering", "warning"))), true);
        broker.produceInTransaction(topic, List.of(
            Map.entry("lobby", alert("a1", "lobby", "zone", "critical")),
            Map.entry("gate", alert("a2", "gate", "zone", "critical"))), false);
        broker.produceInTransaction(topic, List.of(
            Map.entry("lobby", alert("c4", "lobby", "crowd", "critical")),
            Map.entry("gate", alert("c5", "gate", "zone", "critical"))), true);

        List<String> ids = new ArrayList<>();
        while (ids.size() < 5) {
          ids.add(await(all, e -> e.event().equals("alert"), 30, skipped).json().get("id").asText());
        }
        // One partition: the aborted a1, a2 lie between c3 and c4, so they would have come by now.
        assertEquals(List.of("c1", "c2", "c3", "c4", "c5"), ids);
        List<String> lobby = new ArrayList<>();
        lobby.add(await(lobbyCritical, e -> e.event().equals("alert"), 30, skipped).json().get("id").asText());
        lobby.add(await(lobbyCritical, e -> e.event().equals("alert"), 30, skipped).json().get("id").asText());
        assertEquals(List.of("c1", "c4"), lobby, "camera=lobby&severity=critical");

        broker.close();
        brokerClosed = true;
        Sse down = await(all, feed(false), 60, skipped);
        assertTrue(down.json().get("message").asText().contains("unreachable"), down.data());
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
            + "/api/session")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "the console serves on");
        synchronized (rawAll) {
          assertFalse(String.join("\n", rawAll).contains(SECRET), "no client property reaches the page");
        }
      }
    } finally {
      if (!brokerClosed) {
        broker.close();
      }
    }
  }

  /**
   * Stands where the broker will be: first it drops every connection (no broker there yet), then it
   * forwards them to the broker. Only the bootstrap goes through it: the broker's metadata names
   * its own address, which the consumer then uses directly.
   */
  private static final class LateBroker implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0);
    volatile String target;
    final Thread acceptor = new Thread(this::accept, "late-broker");

    LateBroker() throws java.io.IOException {
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          java.net.Socket in = server.accept();
          String t = target;
          if (t == null) {
            in.close();
            continue;
          }
          java.net.Socket out = new java.net.Socket(t.substring(0, t.lastIndexOf(':')),
              Integer.parseInt(t.substring(t.lastIndexOf(':') + 1)));
          pipe(in, out);
          pipe(out, in);
        } catch (java.io.IOException e) {
          // closed, or one connection failed: the client retries
        }
      }
    }

    private static void pipe(java.net.Socket from, java.net.Socket to) {
      Thread t = new Thread(() -> {
        try (from; to) {
          from.getInputStream().transferTo(to.getOutputStream());
        } catch (java.io.IOException e) {
          // one side closed
        }
      }, "late-broker-pipe");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
    }
  }

  @Test
  void aBrokerAbsentAtStartIsReportedAndFollowedOnceItIsThere() throws Exception {
    try (LateBroker late = new LateBroker()) {
      long t0 = System.nanoTime();
      try (ConsoleServer server = console(late.address(), "tracklight-alerts")) {
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30, "start does not wait for the broker");
        List<String> raw = new ArrayList<>();
        BlockingQueue<Sse> q = events(server.port(), "", raw);
        List<Sse> skipped = new ArrayList<>();
        Sse down = await(q, e -> feed(false).test(e) && e.json().get("message").asText().contains("unreachable"), 60,
            skipped);
        assertEquals("kafka", down.json().get("source").asText());
        HttpResponse<String> cameras = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
            + "/api/live/cameras")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, cameras.statusCode(), "the console serves meanwhile");

        try (KafkaTestBroker broker = KafkaTestBroker.start()) {
          broker.createTopic("tracklight-alerts", 1);
          late.target = broker.bootstrapServers();
          await(q, feed(true), 60, skipped); // the feed retried by itself
          broker.produceInTransaction("tracklight-alerts", List.of(
              Map.entry("gate", alert("late-1", "gate", "zone", "info"))), true);
          assertEquals("late-1", await(q, e -> e.event().equals("alert"), 30, skipped).json().get("id").asText());
        }
        synchronized (raw) {
          assertFalse(String.join("\n", raw).contains(SECRET));
        }
      }
    }
  }
}
