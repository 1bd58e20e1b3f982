package dev.tracklight.pipeline.kvs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tracklight.connectors.alerts.KinesisAlertSinkOptions;
import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.pipeline.batch.MotoServer;
import dev.tracklight.pipeline.bench.LiveLatencyBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Benchmark, not a test (skipped unless asked for): four Kinesis Video cameras at 5 fps served in
 * real time (the city capture looped, each fragment delivered when its 2 s have been recorded, as
 * GetMedia does) by the local media server, control plane on moto_server, the live job on an
 * embedded MiniCluster with a line and a zone rule per camera and its alerts going to a moto
 * Kinesis data stream. Reports frame → tracks (producer time → track line written) and alert →
 * readable from Kinesis (event time → a polling consumer has it) as p50/p99, and the heap after GC
 * every 30 s. Producer time includes the fragment's own 2 s: KVS delivers whole fragments.
 *
 * <pre>
 * ./mvnw -pl pipeline verify -Dtest=KvsLiveBench -Dtracklight.bench.kvs.seconds=600 -DskipITs
 *     [-Dtracklight.bench.kvs.cameras=4]
 * </pre>
 *
 * Writes {@code target/bench-kvs-live-N.json} (N cameras).
 */
@EnabledIfSystemProperty(named = "tracklight.bench.kvs.seconds", matches = "\\d+")
class KvsLiveBench {

  /** Cameras: 4, or {@code -Dtracklight.bench.kvs.cameras=N}. */
  private static final int CAMERAS = Integer.getInteger("tracklight.bench.kvs.cameras", 4);
  private static final double FPS = 5;

  @TempDir
  Path tmp;

  @Test
  void fourKvsCamerasInRealTimeWithKinesisAlerts() throws Exception {
    Duration duration = Duration.ofSeconds(Long.parseLong(System.getProperty("tracklight.bench.kvs.seconds")));
    try (KvsStreams kvs = KvsStreams.start()) {
      // moto answers Kinesis in JSON only; AWS itself takes the SDK's default CBOR too.
      System.setProperty("aws.cborEnabled", "false");
      // Recording starts now, so the first fragment is delivered 2 s from now; enough of them for
      // the run and the job's start-up.
      long start = System.currentTimeMillis();
      int fragments = (int) (duration.toMillis() / KvsCapture.FRAGMENT_MS) + 120;
      List<String> entries = new ArrayList<>();
      for (int i = 0; i < CAMERAS; i++) {
        String name = "street-" + i;
        kvs.stream(name, List.of());
        kvs.media.liveStream(name, KvsCapture.looped(kvs.cars, start, fragments));
        entries.add("{id: " + name + ", url: 'kvs://" + name + "', fps: " + FPS + ", kvs: {region: "
            + MotoServer.REGION + ", start: now, endpoint: '" + kvs.media.endpoint() + "'}");
      }
      String stream = "kvs-bench-alerts";
      try (KinesisClient kinesis = KinesisAlertSinkOptions.of(stream).newClient()) {
        kinesis.createStream(b -> b.streamName(stream).shardCount(2));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("source", "kvs: city capture looped, delivered per fragment in real time");
      // The city's cars are small from up there: the nano model scores them 0.1-0.4 (KvsLiveJobTest).
      String model = "model: {name: yolox-nano, device: cpu, conf: 0.1}\ntracking: {track_thresh: 0.2}\n";
      result.putAll(LiveLatencyBench.measure(entries, model, FPS, duration, tmp.resolve("work"),
          new LiveLatencyBench.AlertOptions(Optional.empty(), false, Duration.ofSeconds(10), Optional.of(stream))));
      result.put("load_average_at_end", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          .getSystemLoadAverage());
      String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
      Files.writeString(Path.of("target", "bench-kvs-live-" + CAMERAS + ".json"), json);
      System.out.println("bench-kvs-live: " + json);
    } finally {
      System.clearProperty("aws.cborEnabled");
    }
  }
}
