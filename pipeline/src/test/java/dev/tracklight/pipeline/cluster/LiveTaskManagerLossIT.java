package dev.tracklight.pipeline.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracklight.connectors.testing.KafkaTestBroker;
import dev.tracklight.connectors.testing.RtspTestServer;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.operators.alerts.AlertJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklight run} (live) on a real two-TaskManager cluster: four RTSP cameras, exactly-once
 * Kafka alerts, checkpoints every 2 s. One TaskManager is killed with SIGKILL once alerts are
 * committed: every camera resumes on the survivor, its track ids continue from the restored
 * tracker (no id restarts at 1, no id of another track reused), and a {@code read_committed}
 * consumer sees no alert twice. The frames lost in the outage are reported per camera
 * ({@code live-cluster-fault: {...}}): live video does not wait for a job that is restarting.
 */
class LiveTaskManagerLossIT {

  private static final List<String> CAMERAS = List.of("north", "south", "east", "west");
  /** The cameras on the crowd video: track ids climb into the hundreds there within a minute. */
  private static final Set<String> CROWD = Set.of("north", "east");
  private static final Duration WAIT = Duration.ofSeconds(240);
  /**
   * A restored tracker may find again a track it still held as lost: one seen in the camera's last
   * this many processed frames before the loss. Its lost-track buffer is 3 s at 4 fps = 12
   * processed frames (counted in frames, as the original ByteTrack does, so under load, when frames
   * are dropped, that spans more than 3 s of video); twice that as margin.
   */
  private static final int RECENT_LINES = 24;
  /**
   * Ids on the crowd cameras must have gone past this before the kill, so that a tracker restarting
   * at 1 shows. The persons cameras (one person at a time) may take minutes to get there; they only
   * need tracks.
   */
  private static final int RECENT_IDS_NEEDED = 5;

  // Kept when the test fails: the cluster's logs are under it.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path temp;

  @Test
  void liveCamerasResumeOnTheSurvivorWithTheirTrackIdsAndNoDuplicateAlert() throws Exception {
    RtspTestServer.requireAvailable();
    Path video = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    Path persons = TestAssets.file("videos/persons_one_by_one_432p.mp4");
    RtspTestServer.Builder rtsp = RtspTestServer.builder().looping(true);
    for (int i = 0; i < CAMERAS.size(); i++) {
      rtsp.mount(CAMERAS.get(i), i % 2 == 0 ? video : persons);
    }
    Map<String, String> env = Map.of("TRACKLIGHT_ASSETS", TestAssets.root().toAbsolutePath().toString());
    try (KafkaTestBroker kafka = KafkaTestBroker.start(); RtspTestServer cameras = rtsp.start();
        LocalFlinkCluster cluster = LocalFlinkCluster.start(temp.resolve("cluster"),
            List.of("--taskmanagers", "2", "--slots", "2"), env, Set.of())) {
      kafka.createTopic("alerts", 2);
      StringBuilder yaml = new StringBuilder("cameras:\n");
      for (String c : CAMERAS) {
        yaml.append("  - id: ").append(c).append("\n    url: ").append(cameras.url(c)).append("\n    fps: 4\n")
            .append("    rules:\n      - {type: appearance, name: arrives, classes: [person], min_absence_seconds: 1.0}\n");
      }
      yaml.append("model: {name: yolox-nano, device: cpu, classes: [person]}\n")
          .append("checkpointing: {interval_ms: 2000, dir: '").append(temp.resolve("chk").toUri()).append("'}\n")
          .append("sinks:\n  jsonl: ").append(temp.resolve("tracks.jsonl")).append("\n  alerts:\n")
          .append("    kafka: {bootstrap_servers: '").append(kafka.bootstrapServers())
          .append("', topic: alerts, delivery: exactly_once}\n");
      Path config = Files.writeString(temp.resolve("cameras.yaml"), yaml.toString());
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = List.of(java, "-Xmx512m", "-Dai.djl.offline=true", "-jar",
          cluster.jar.toAbsolutePath().toString(), "run", "--config", config.toString(), "--parallelism", "2",
          "--jobmanager", cluster.restAddress());
      Process cli = LocalFlinkCluster.launch(temp, command, env, Set.of());
      try {
        String jobId = TaskManagerLossIT.awaitRunningJob(cluster, cli);
        Path tracks = temp.resolve("tracks.jsonl");
        awaitUntil(() -> !kafka.committedValues("alerts").isEmpty() && maxIds(tracks).size() == CAMERAS.size()
                && CROWD.stream().allMatch(c -> maxIds(tracks).get(c) > RECENT_IDS_NEEDED),
            () -> "committed alerts and tracks on every camera, ids past " + RECENT_IDS_NEEDED + " on " + CROWD
                + " (committed alerts " + kafka.committedValues("alerts").size() + ", highest track id per camera "
                + maxIds(tracks) + ", track lines " + lineCount(tracks) + ")\n" + cameraLogLines(cluster), cluster, cli);
        long linesBefore = Files.readAllLines(tracks).size();
        long killedAt = System.currentTimeMillis();
        cluster.killTaskManager(1);
        TaskManagerLossIT.awaitRestartedAndRunning(cluster, jobId, cli);
        // Every camera again, with frames from after the kill; the crowd cameras with tracks (the
        // one-person-at-a-time cameras may show nobody for a while: their video has empty stretches).
        awaitUntil(() -> camerasAfter(tracks, killedAt, false).containsAll(CAMERAS)
                && camerasAfter(tracks, killedAt, true).containsAll(CROWD),
            () -> "lines of every camera after the loss, with tracks on " + CROWD + " (cameras with lines after it "
                + camerasAfter(tracks, killedAt, false) + ", with tracks " + camerasAfter(tracks, killedAt, true)
                + ")\n" + cameraLogLines(cluster), cluster, cli);
        cluster.get("/jobs/" + jobId); // still there
        cancel(cluster, jobId);

        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(tracks)) {
          lines.add(LocalFlinkCluster.JSON.readTree(l));
        }
        assertTrue(lines.size() >= linesBefore, "the file sink kept its committed lines");
        StringBuilder report = new StringBuilder();
        for (String camera : CAMERAS) {
          // The file sink appends at checkpoints only: the lines there before the kill are the
          // committed past the job restores to, the rest came after the restore. Event time cannot
          // split them: under load the job lags the cameras' capture time by seconds.
          List<JsonNode> before = lines.subList(0, (int) linesBefore).stream()
              .filter(n -> n.path("camera").asText().equals(camera)).toList();
          List<JsonNode> after = lines.subList((int) linesBefore, lines.size()).stream()
              .filter(n -> n.path("camera").asText().equals(camera)).toList();
          assertTrue(!before.isEmpty() && !after.isEmpty(), camera + ": lines before and after the loss");
          int maxIdBefore = 0;
          Set<Integer> recentBefore = new HashSet<>();
          for (int i = 0; i < before.size(); i++) {
            for (JsonNode track : before.get(i).path("tracks")) {
              int id = track.path("id").asInt();
              maxIdBefore = Math.max(maxIdBefore, id);
              if (i >= before.size() - RECENT_LINES) {
                recentBefore.add(id);
              }
            }
          }
          Set<Integer> idsAfter = new HashSet<>();
          after.forEach(n -> n.path("tracks").forEach(t -> idsAfter.add(t.path("id").asInt())));
          // Restored tracker: an id after the gap is a track it still held (seen in the last
          // processed frames before the loss) or a new one above every id handed out before. A
          // tracker started afresh would hand out 1, 2, ... again: ids of tracks long gone.
          for (int id : idsAfter) {
            assertTrue(id > maxIdBefore || recentBefore.contains(id), camera + ": id " + id + " after the loss is"
                + " neither a recent track " + recentBefore + " nor new (ids before went up to " + maxIdBefore + ")");
          }
          if (CROWD.contains(camera)) {
            assertTrue(maxIdBefore > RECENT_IDS_NEEDED, camera + ": too few tracks before the loss to tell: " + maxIdBefore);
          }
          // The outage: the camera's longest stretch of event time without a line (a checkpoint may
          // commit a few more pre-loss lines between counting them and the kill).
          List<JsonNode> both = new ArrayList<>(before);
          both.addAll(after);
          long[] times = both.stream().mapToLong(n -> n.path("timestamp_ms").asLong()).sorted().toArray();
          long gap = 0;
          for (int i = 1; i < times.length; i++) {
            gap = Math.max(gap, times[i] - times[i - 1]);
          }
          report.append(report.length() == 0 ? "" : ", ").append("\"").append(camera).append("\": {\"gap_ms\": ")
              .append(gap).append(", \"max_id_before\": ").append(maxIdBefore)
              .append(", \"ids_after\": ").append(idsAfter.size()).append("}");
        }
        List<String> alerts = kafka.committedValues("alerts");
        Set<String> ids = new HashSet<>();
        for (String a : alerts) {
          assertTrue(ids.add(AlertJson.parse(a).id()), "an alert committed twice: " + a);
        }
        System.out.println("live-cluster-fault: {\"cameras\": {" + report + "}, \"committed_alerts\": " + alerts.size()
            + ", \"restarts\": " + TaskManagerLossIT.restarts(cluster, jobId) + "}");
      } finally {
        cli.destroy();
        cli.waitFor();
      }
    }
  }

  private static void cancel(LocalFlinkCluster cluster, String jobId) throws Exception {
    java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://" + cluster.restAddress() + "/jobs/" + jobId + "?mode=cancel"))
        .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
  }

  /** Each camera's highest track id so far. */
  private static Map<String, Integer> maxIds(Path tracks) {
    Map<String, Integer> max = new HashMap<>();
    try {
      if (Files.exists(tracks)) {
        for (String l : Files.readAllLines(tracks)) {
          JsonNode n = LocalFlinkCluster.JSON.readTree(l);
          for (JsonNode t : n.path("tracks")) {
            max.merge(n.path("camera").asText(), t.path("id").asInt(), Math::max);
          }
        }
      }
    } catch (java.io.IOException e) {
      // a line being written: read again next time
    }
    return max;
  }

  /**
   * Cameras with a line whose event time is at or after {@code sinceMs} (epoch ms); with {@code
   * withTracks}, only lines that hold a track count.
   */
  private static Set<String> camerasAfter(Path tracks, long sinceMs, boolean withTracks) {
    Set<String> cameras = new HashSet<>();
    try {
      if (!Files.exists(tracks)) {
        return cameras;
      }
      for (String l : Files.readAllLines(tracks)) {
        JsonNode n = LocalFlinkCluster.JSON.readTree(l);
        if (n.path("timestamp_ms").asLong() >= sinceMs && (!withTracks || n.path("tracks").size() > 0)) {
          cameras.add(n.path("camera").asText());
        }
      }
    } catch (java.io.IOException e) {
      // a line being written: read again next time
    }
    return cameras;
  }

  /** A camera's name as a word: its log lines (connects, reconnects, errors, splits, health). */
  private static final java.util.regex.Pattern CAMERA_LINE =
      java.util.regex.Pattern.compile("\\b(" + String.join("|", CAMERAS) + ")\\b");

  /**
   * The cluster's log lines about cameras, the last 30 of each log: what a camera that did not
   * come back was doing.
   */
  private static String cameraLogLines(LocalFlinkCluster cluster) {
    StringBuilder sb = new StringBuilder();
    Path dir = cluster.state.resolve("log");
    try (java.util.stream.Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : java.util.stream.Stream.empty()) {
      for (Path log : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
        List<String> hits = Files.readAllLines(log).stream().filter(l -> CAMERA_LINE.matcher(l).find()).toList();
        sb.append("--- camera lines of ").append(log.getFileName()).append(" ---\n");
        hits.subList(Math.max(0, hits.size() - 30), hits.size()).forEach(l -> sb.append(l).append('\n'));
      }
    } catch (java.io.IOException e) {
      sb.append("(logs unreadable: ").append(e.getMessage()).append(")\n");
    }
    return sb.toString();
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static long lineCount(Path tracks) {
    try {
      return Files.exists(tracks) ? Files.readAllLines(tracks).size() : 0;
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /** Waits for {@code check}; on timeout the message tells {@code what} was awaited and where it stood. */
  private static void awaitUntil(Check check, java.util.function.Supplier<String> what, LocalFlinkCluster cluster,
      Process cli) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!cli.isAlive()) {
        throw new AssertionError("run exited early, waiting for " + what.get() + ":\n" + LocalFlinkCluster.output(cli) + cluster.logs());
      }
      if (check.ok()) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no " + what.get() + " within " + WAIT + ":\n" + LocalFlinkCluster.output(cli) + cluster.logs());
  }
}
