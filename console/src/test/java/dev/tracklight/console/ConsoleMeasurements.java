package dev.tracklight.console;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The console's measured numbers (issue 11 §6), written as JSON: run with the console's test class
 * path, {@code java -cp ... dev.tracklight.console.ConsoleMeasurements OUT.json [UPLOAD_MB]}.
 * <ul>
 *   <li>upload: an UPLOAD_MB file (a real MP4 head, then filler) through {@code curl -F} to
 *   {@code POST /api/jobs}, against {@code curl} posting the same file to a sink that only reads
 *   (what the network and curl cost alone), in MB/s;</li>
 *   <li>{@code GET /api/jobs} (50 per page) with 10,000 jobs of one user in PostgreSQL: request
 *   times p50/p99 over 300 requests after 30 warm-ups;</li>
 *   <li>SSE fan-out: 100 clients on {@code /api/alerts/events}, 50 alerts appended to the alert
 *   file 100 ms apart; delay from append to each client's receipt, p50/p99.</li>
 * </ul>
 */
public final class ConsoleMeasurements {

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int mb = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("when", Instant.now().toString());
    Path dir = Files.createTempDirectory("console-measure");
    result.put("upload", upload(dir, mb));
    try (PostgresCluster pg = PostgresCluster.start()) {
      result.put("list_10k_postgres", list(dir.resolve("pg"), pg));
    }
    result.put("sse_fanout_100", fanOut(dir.resolve("sse")));
    Files.writeString(out, ConsoleClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    System.out.println(Files.readString(out));
    System.exit(0);
  }

  /**
   * {@code DIR/big.mp4}: a real video's bytes (so the sniffer accepts it) padded with zeros to
   * about {@code mb} MiB, written 1 MiB at a time.
   */
  static Path bigVideo(Path dir, int mb) throws java.io.IOException {
    Path file = dir.resolve("big.mp4");
    byte[] head = Files.readAllBytes(Path.of(System.getenv("TRACKLIGHT_ASSETS"), "videos/bottles_hands_360p.mp4"));
    try (OutputStream o = Files.newOutputStream(file)) {
      o.write(head);
      byte[] filler = new byte[1 << 20];
      for (long written = head.length; written < (long) mb << 20; written += filler.length) {
        o.write(filler);
      }
    }
    return file;
  }

  static Map<String, Object> upload(Path dir, int mb) throws Exception {
    Path file = bigVideo(dir, mb);
    long size = Files.size(file);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bytes", size);
    ConsoleConfig cfg = ConsoleConfig.defaults(dir.resolve("up")).withPort(0).withMaxUploadBytes(size + (1 << 20));
    // The job itself is not measured: a launcher that exits at once.
    try (ConsoleServer s = ConsoleServer.start(cfg, new LocalExecutor((v, o, r, b) -> List.of("true"), 1),
        Clock.systemUTC())) {
      double t = curl("http://127.0.0.1:" + s.port() + "/api/jobs", file);
      m.put("console_s", t);
      m.put("console_mb_per_s", size / 1e6 / t);
    }
    com.sun.net.httpserver.HttpServer sink = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    sink.createContext("/", ex -> {
      try (InputStream in = ex.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      ex.sendResponseHeaders(201, -1);
      ex.close();
    });
    sink.start();
    double t = curl("http://127.0.0.1:" + sink.getAddress().getPort() + "/", file);
    sink.stop(0);
    m.put("read_only_sink_s", t);
    m.put("read_only_sink_mb_per_s", size / 1e6 / t);
    Files.delete(file);
    return m;
  }

  /** Seconds for {@code curl -F video=@FILE URL}, which must answer 201. */
  static double curl(String url, Path file) throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-F", "video=@" + file, url)
        .redirectErrorStream(true).start();
    String code = new String(p.getInputStream().readAllBytes()).strip();
    p.waitFor();
    double s = (System.nanoTime() - t0) / 1e9;
    if (!code.equals("201")) {
      throw new IllegalStateException("upload answered " + code);
    }
    return s;
  }

  static Map<String, Object> list(Path dir, PostgresCluster pg) throws Exception {
    try (JobStore store = JobStore.open(pg.url(), "tracklight", "")) {
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      for (int i = 0; i < 10_000; i++) {
        Instant c = t.plusSeconds(i);
        store.insert(new Job("job-" + i, "local", JobStatus.DONE, 1, Optional.empty(), "v" + i + ".mp4", "/x", "local",
            Optional.empty(), "{}", c, c));
      }
    }
    ConsoleConfig cfg = ConsoleConfig.defaults(dir).withPort(0).withStore(pg.store());
    try (ConsoleServer s = ConsoleServer.start(cfg, new LocalExecutor((v, o, r, b) -> List.of("true"), 1),
        Clock.systemUTC())) {
      HttpClient http = HttpClient.newHttpClient();
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < 330; i++) {
        int offset = (i * 50) % 10_000;
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/jobs?limit=50&offset="
            + offset)).build();
        long t0 = System.nanoTime();
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        double d = (System.nanoTime() - t0) / 1e6;
        if (resp.statusCode() != 200) {
          throw new IllegalStateException(resp.body());
        }
        if (i >= 30) {
          ms.add(d);
        }
      }
      return percentiles(ms, "ms");
    }
  }

  static Map<String, Object> fanOut(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path alerts = dir.resolve("alerts.jsonl");
    Files.writeString(alerts, "");
    ConsoleConfig cfg = ConsoleConfig.defaults(dir).withPort(0).withAlertsFile(alerts);
    try (ConsoleServer s = ConsoleServer.start(cfg, new LocalExecutor((v, o, r, b) -> List.of("true"), 1),
        Clock.systemUTC())) {
      int clients = 100;
      int alertsCount = 50;
      List<Double> delays = java.util.Collections.synchronizedList(new ArrayList<>());
      CountDownLatch connected = new CountDownLatch(clients);
      CountDownLatch all = new CountDownLatch(clients * alertsCount);
      HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(8)).build();
      for (int c = 0; c < clients; c++) {
        http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/alerts/events"))
            .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines())
            .thenAccept(r -> r.body().forEach(line -> {
              if (line.startsWith(":")) {
                connected.countDown();
              } else if (line.startsWith("data:")) {
                long sent = ConsoleClientJson.emitTime(line.substring(5));
                delays.add((System.currentTimeMillis() - sent) * 1.0);
                all.countDown();
              }
            }));
      }
      if (!connected.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("clients did not connect");
      }
      for (int i = 0; i < alertsCount; i++) {
        String line = "{\"id\":\"a" + i + "\",\"camera\":\"cam1\",\"rule\":\"r\",\"rule_type\":\"zone\",\"severity\":\"info\","
            + "\"emit_time_ms\":" + System.currentTimeMillis() + "}\n";
        Files.writeString(alerts, line, java.nio.file.StandardOpenOption.APPEND);
        Thread.sleep(100);
      }
      all.await(30, TimeUnit.SECONDS);
      Map<String, Object> m = percentiles(new ArrayList<>(delays), "delay_ms");
      m.put("clients", clients);
      m.put("alerts", alertsCount);
      m.put("deliveries", delays.size());
      m.put("note", "includes the tailer's poll interval (" + AlertStream.POLL_MS + " ms)");
      return m;
    }
  }

  /** The alert's emit_time_ms, read without a JSON library call per line on the hot path. */
  static final class ConsoleClientJson {
    static long emitTime(String json) {
      int i = json.indexOf("\"emit_time_ms\":") + 15;
      int j = i;
      while (j < json.length() && Character.isDigit(json.charAt(j))) {
        j++;
      }
      return Long.parseLong(json.substring(i, j));
    }
  }

  static Map<String, Object> percentiles(List<Double> v, String unit) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", a.length);
    m.put("p50_" + unit, a[(int) Math.floor(0.50 * (a.length - 1))]);
    m.put("p99_" + unit, a[(int) Math.floor(0.99 * (a.length - 1))]);
    m.put("max_" + unit, a[a.length - 1]);
    return m;
  }

  private ConsoleMeasurements() {}

}
