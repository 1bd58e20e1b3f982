package dev.tracklight.connectors.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tracklight.connectors.live.CameraHealth;
import dev.tracklight.connectors.live.CameraState;
import dev.tracklight.connectors.live.ReconnectBackoff;
import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.connectors.testing.KvsTestServer;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.inference.TestAssets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One KVS camera read through {@link KvsCameraReader} from the local GetMedia server serving the
 * real captures: every frame once, in order, at its producer time; a response the server ends
 * early, one cut inside a fragment and one turning to garbage all resume by continuation token
 * with the same frames as an uninterrupted read; a reader restored at a position continues at the
 * next frame.
 */
class KvsCameraReaderTest {

  private static final long FIRST_PRODUCER_MS = 1511852108513L;
  private static final ReconnectBackoff FAST = new ReconnectBackoff(Duration.ofMillis(20), 2, Duration.ofMillis(200), 0.2);

  /** A frame as the tests compare them: event time and a hash of the pixels. */
  record Seen(long eventMs, int pixels, KvsPosition after) {}

  private static KvsTestServer server;
  private static List<KvsCapture.Fragment> capture;
  private static List<Seen> uninterrupted;

  @BeforeAll
  static void serve() throws Exception {
    capture = KvsCapture.read(TestAssets.file("kvs/output_get_media.mkv"));
    server = KvsTestServer.start();
    for (String name : List.of("whole", "cut", "truncated", "corrupt", "restored")) {
      server.stream(name, capture);
    }
    uninterrupted = read("whole", null, 300, new ArrayList<>());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static List<Seen> read(String stream, KvsPosition from, int frames, List<CameraHealth> health) throws Exception {
    KvsCamera camera = KvsCamera.of("kvs://" + stream, "us-east-1", "earliest", server.endpoint());
    KvsReaderOptions options = KvsReaderOptions.of("cam-" + stream, camera).withBackoff(FAST);
    List<Seen> seen = new ArrayList<>();
    try (KvsCameraReader reader = KvsCameraReader.start(options, new HttpKvsMedia(server.endpoint(), stream),
        from, health::add)) {
      while (seen.size() < frames) {
        Optional<VideoFrame> f = reader.poll(Duration.ofSeconds(20));
        if (f.isEmpty()) {
          fail("no frame after " + seen.size() + "; health " + health + "\n" + server.requestLog());
        }
        assertEquals(seen.size(), f.get().index(), "frame indices count the frames handed out");
        assertEquals(640, f.get().image().width());
        assertEquals(360, f.get().image().height());
        seen.add(new Seen(f.get().timestampMs(), Arrays.hashCode(f.get().image().pixels()), reader.position().orElseThrow()));
      }
      // Nothing more: a recording of 300 frames has no frame 301.
      assertTrue(reader.poll(Duration.ofMillis(300)).isEmpty());
    }
    return seen;
  }

  @Test
  void allFramesOnceInOrderAtTheirProducerTimes() {
    assertEquals(300, uninterrupted.size());
    for (int n = 0; n < 300; n++) {
      long expected = FIRST_PRODUCER_MS + (n / 60) * 2000L + Math.round((n % 60) * 1000 / 30.0);
      assertTrue(Math.abs(uninterrupted.get(n).eventMs() - expected) <= 1,
          "frame " + n + " at " + uninterrupted.get(n).eventMs() + ", expected " + expected);
    }
    assertEquals(new KvsPosition(capture.get(4).number(), capture.get(4).producerMs(), 60,
        uninterrupted.get(299).eventMs()), uninterrupted.get(299).after());
    // Decoded pictures differ frame to frame (a stuck decoder would repeat one).
    assertTrue(uninterrupted.stream().map(Seen::pixels).distinct().count() > 290);
  }

  @Test
  void aResponseEndedAfterFragmentTwoContinuesByContinuationToken() throws Exception {
    server.cutAfter("cut", 2);
    List<Seen> seen = read("cut", null, 300, new ArrayList<>());
    assertEquals(pixels(uninterrupted), pixels(seen), "the same frames as an uninterrupted read");
    assertTrue(server.requests().stream().anyMatch(r -> r.path("StreamName").asText().equals("cut")
        && r.path("StartSelector").path("StartSelectorType").asText().equals("CONTINUATION_TOKEN")
        && r.path("StartSelector").path("ContinuationToken").asText().equals(capture.get(1).number())),
        "resumed after fragment 2 by its token:\n" + server.requestLog());
  }

  @Test
  void aTruncatedOrCorruptResponseIsReportedAndResumedWithoutGapOrDuplicate() throws Exception {
    server.truncateNext("truncated", 1);
    List<CameraHealth> health = new CopyOnWriteArrayList<>();
    assertEquals(pixels(uninterrupted), pixels(read("truncated", null, 300, health)));
    CameraHealth reconnecting = health.stream().filter(h -> h.state() == CameraState.RECONNECTING).findFirst()
        .orElseThrow(() -> new AssertionError("no RECONNECTING in " + health));
    assertTrue(reconnecting.lastError().contains("inside fragment " + capture.get(1).number()), reconnecting.lastError());

    server.corruptNext("corrupt", 3);
    List<CameraHealth> corruptHealth = new CopyOnWriteArrayList<>();
    assertEquals(pixels(uninterrupted), pixels(read("corrupt", null, 300, corruptHealth)));
    assertTrue(corruptHealth.stream().anyMatch(h -> h.state() == CameraState.RECONNECTING), corruptHealth.toString());
  }

  @Test
  void aReaderRestoredAtAPositionContinuesAtTheNextFrame() throws Exception {
    for (int k : new int[] {0, 59, 60, 137}) {
      KvsPosition at = uninterrupted.get(k).after();
      List<Seen> rest = read("restored", at, 300 - k - 1, new ArrayList<>());
      assertEquals(pixels(uninterrupted.subList(k + 1, 300)), pixels(rest), "restored after frame " + k);
      assertEquals(uninterrupted.get(k + 1).eventMs(), rest.get(0).eventMs());
    }
  }

  @Test
  void sampledByEventTimeAndDeterministicAcrossARestore() throws Exception {
    List<Seen> sampled = readSampled(null);
    // One frame per 200 ms slot of producer time: the recording's 10 s touch 51 slots (it starts
    // at .513 s, inside a slot).
    assertEquals(51, sampled.size(), sampled.toString());
    for (int i = 1; i < sampled.size(); i++) {
      assertTrue(sampled.get(i).eventMs() / 200 == sampled.get(i - 1).eventMs() / 200 + 1, sampled.toString());
    }
    List<Seen> afterTen = readSampled(sampled.get(10).after());
    assertEquals(pixels(sampled.subList(11, sampled.size())), pixels(afterTen));
  }

  private static List<Seen> readSampled(KvsPosition from) throws Exception {
    KvsCamera camera = KvsCamera.of("kvs://whole", "us-east-1", "earliest", server.endpoint());
    List<Seen> seen = new ArrayList<>();
    try (KvsCameraReader reader = KvsCameraReader.start(KvsReaderOptions.of("fps", camera).withTargetFps(5),
        new HttpKvsMedia(server.endpoint(), "whole"), from, h -> {})) {
      for (Optional<VideoFrame> f = reader.poll(Duration.ofSeconds(10)); f.isPresent();
          f = reader.poll(Duration.ofMillis(500))) {
        seen.add(new Seen(f.get().timestampMs(), Arrays.hashCode(f.get().image().pixels()), reader.position().orElseThrow()));
      }
    }
    return seen;
  }

  private static List<Integer> pixels(List<Seen> frames) {
    return frames.stream().map(Seen::pixels).toList();
  }
}
