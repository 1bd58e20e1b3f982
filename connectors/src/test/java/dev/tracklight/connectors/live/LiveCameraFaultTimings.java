package dev.tracklight.connectors.live;

import dev.tracklight.connectors.testing.RtspTestServer;
import dev.tracklight.connectors.video.VideoFrame;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Measures how a {@link LiveCameraReader} rides through faults on a real RTSP server and prints one
 * JSON object (the numbers in docs/platform-notes.md "Live cameras (RTSP)"). Not a test: run it by
 * hand, e.g. from the connectors module with the test class path:
 *
 * <pre>java -cp target/classes:target/test-classes:... dev.tracklight.connectors.live.LiveCameraFaultTimings
 *     /path/people_walking_overhead_720p.mp4 [rounds]</pre>
 */
public final class LiveCameraFaultTimings {

  private LiveCameraFaultTimings() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: LiveCameraFaultTimings VIDEO.mp4 [rounds]");
      System.exit(2);
    }
    Path video = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Duration io = Duration.ofSeconds(1);
    Duration stale = Duration.ofMillis(1500);
    List<Long> connect = new ArrayList<>();
    List<Long> dropDetect = new ArrayList<>();
    List<Long> restartToFrame = new ArrayList<>();
    List<Long> hangDetect = new ArrayList<>();
    List<Long> resumeToFrame = new ArrayList<>();
    double fps = 0;
    double cpuPerSecond = 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < rounds; round++) {
      BlockingQueue<CameraHealth> events = new LinkedBlockingQueue<>();
      try (RtspTestServer server = RtspTestServer.builder().mount("cam", video).start()) {
        LiveCameraOptions options = LiveCameraOptions.of("probe" + round,
                CameraUrl.parse(server.url("cam")))
            .withTimeouts(io, stale).withDecoderThreads(1).withFrameSlots(4)
            // fixed 200 ms retries: restart timings then measure the reader, not the back-off
            .withBackoff(new ReconnectBackoff(Duration.ofMillis(200), 1.0, Duration.ofMillis(200), 0));
        long t0 = System.nanoTime();
        try (LiveCameraReader reader = LiveCameraReader.start(options, events::add)) {
          awaitFrame(reader);
          connect.add(msSince(t0));
          if (round == 0) {
            // steady state: decoded rate and decoder CPU (720p H.264 -> BGR copy) over 4 s, after
            // 2 s in which FFmpeg's start-up buffer drains (a burst faster than real time)
            long warm = System.nanoTime();
            while (System.nanoTime() - warm < 2_000_000_000L) {
              reader.poll(Duration.ofMillis(100));
            }
            Thread decoder = findThread("tracklight-camera-probe0");
            long cpu0 = threads.getThreadCpuTime(decoder.getId());
            long frames0 = reader.framesDecoded();
            long start = System.nanoTime();
            while (System.nanoTime() - start < 4_000_000_000L) {
              reader.poll(Duration.ofMillis(100));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            fps = (reader.framesDecoded() - frames0) / seconds;
            cpuPerSecond = (threads.getThreadCpuTime(decoder.getId()) - cpu0) / 1e9 / seconds;
          }
          events.clear();
          long t1 = System.nanoTime();
          server.stop();
          await(events, CameraState.RECONNECTING);
          dropDetect.add(msSince(t1));
          events.clear();
          long t2 = System.nanoTime();
          server.start();
          await(events, CameraState.STREAMING);
          restartToFrame.add(msSince(t2));
          awaitFrame(reader);
          events.clear();
          long t3 = System.nanoTime();
          server.pause();
          await(events, CameraState.RECONNECTING);
          hangDetect.add(msSince(t3));
          Thread.sleep(3000); // a few failed reconnects against the frozen server
          events.clear();
          long t4 = System.nanoTime();
          server.resume();
          await(events, CameraState.STREAMING);
          resumeToFrame.add(msSince(t4));
        }
      }
    }
    System.out.println(String.format(Locale.ROOT, "{\"rounds\": %d, \"io_timeout_ms\": %d,"
            + " \"stale_frame_timeout_ms\": %d, \"retry_ms\": 200, \"connect_to_first_frame_ms\": %s,"
            + " \"server_killed_to_reconnecting_ms\": %s, \"server_back_to_streaming_ms\": %s,"
            + " \"sigstop_to_reconnecting_ms\": %s, \"sigcont_to_streaming_ms\": %s,"
            + " \"decoded_fps_720p\": %.1f, \"decoder_thread_cpu_per_s\": %.2f}",
        rounds, io.toMillis(), stale.toMillis(), connect, dropDetect, restartToFrame, hangDetect,
        resumeToFrame, fps, cpuPerSecond));
  }

  private static void awaitFrame(LiveCameraReader reader) throws InterruptedException {
    Optional<VideoFrame> frame = reader.poll(Duration.ofSeconds(30));
    if (frame.isEmpty()) {
      throw new IllegalStateException("no frame within 30 s: " + reader.health());
    }
  }

  private static void await(BlockingQueue<CameraHealth> events, CameraState state)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      CameraHealth h = events.poll(100, TimeUnit.MILLISECONDS);
      if (h != null && h.state() == state) {
        return;
      }
    }
    throw new IllegalStateException("no " + state + " within 60 s");
  }

  private static Thread findThread(String name) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
        .findFirst().orElseThrow();
  }

  private static long msSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
