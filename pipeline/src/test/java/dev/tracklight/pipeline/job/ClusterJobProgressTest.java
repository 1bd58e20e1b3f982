package dev.tracklight.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterJobProgress} against a loopback HTTP server answering with the shapes a Flink 2.2
 * JobManager returned for a running replay job (recorded from {@code tools/flink-local-cluster.sh}).
 */
class ClusterJobProgressTest {

  private static final String JOB = "fe1ff34471afd232930ba3076aea88d5";
  private static final String VERTEX = "445eb2e362a08582eaef9cedc756ff46";
  private static final String METRICS = "/jobs/" + JOB + "/vertices/" + VERTEX + "/subtasks/metrics";

  private final Map<String, String> responses = new ConcurrentHashMap<>();
  private HttpServer server;
  private ClusterJobProgress progress;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String body = responses.get(exchange.getRequestURI().toString());
      byte[] bytes = (body == null ? "{\"errors\":[\"Not found\"]}" : body).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    progress = ClusterJobProgress.forRestAddress("127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void sumsTheSinkWritersRecordsIn() {
    responses.put("/jobs/" + JOB, "{\"jid\":\"" + JOB + "\",\"vertices\":[{\"id\":\"" + VERTEX
        + "\",\"name\":\"Source: videos -> detect -> track -> rules -> files: Writer -> files: Committer\"}]}");
    responses.put(METRICS, "[{\"id\":\"track.numRecordsIn\"},{\"id\":\"files__Committer.numRecordsIn\"},{\"id\":\"files__Writer.numRecordsSend\"},"
        + "{\"id\":\"files__Writer.numRecordsIn\"},{\"id\":\"detect.numRecordsOut\"}]");
    responses.put(METRICS + "?agg=sum&get=files__Writer.numRecordsIn",
        "[{\"id\":\"files__Writer.numRecordsIn\",\"sum\":366.0}]");
    assertEquals(OptionalLong.of(366), progress.sinkRecordsIn(JOB));
  }

  @Test
  void unknownWhileTheMetricIsNotReportedYet() {
    responses.put("/jobs/" + JOB, "{\"vertices\":[{\"id\":\"" + VERTEX + "\"}]}");
    responses.put(METRICS, "[]");
    assertEquals(OptionalLong.empty(), progress.sinkRecordsIn(JOB));
  }

  @Test
  void unknownWhenTheJobIsNotThere() {
    assertEquals(OptionalLong.empty(), progress.sinkRecordsIn(JOB));
  }

  @Test
  void unknownWhenNothingListens() {
    server.stop(0);
    assertEquals(OptionalLong.empty(), progress.sinkRecordsIn(JOB));
  }
}
