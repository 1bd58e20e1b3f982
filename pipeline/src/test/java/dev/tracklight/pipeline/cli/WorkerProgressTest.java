package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.pipeline.batch.ProgressPublisher;
import dev.tracklight.pipeline.batch.WorkerProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Batch worker's progress without AWS: the {@code _progress.json} record and its tolerant
 * parse, the publisher's throttle (first report at once, then at most one write per interval, none
 * after close, a failing store neither thrown nor hammered), and the tap that turns the replay's
 * {@code progress DONE TOTAL} lines into reports while passing every other line on.
 */
class WorkerProgressTest {

  static final Instant T0 = Instant.parse("2026-12-05T03:00:00Z");

  @Test
  void theRecordRoundTripsAndAnythingElseIsNoProgress() {
    WorkerProgress p = new WorkerProgress(25, 100, T0);
    assertEquals("{\"frames_done\":25,\"frames_total\":100,\"updated\":\"2026-12-05T03:00:00Z\"}",
        new String(p.toJson(), StandardCharsets.UTF_8));
    assertEquals(Optional.of(p), WorkerProgress.parse(p.toJson()));
    assertEquals(0.25, p.fraction());
    assertEquals(0.0, new WorkerProgress(0, 0, T0).fraction(), "unknown total");
    assertEquals(1.0, new WorkerProgress(120, 100, T0).fraction(), "capped");
    for (String garbled : List.of("", "{", "null", "[]", "{\"frames_done\":\"x\",\"frames_total\":3,\"updated\":\"2026-12-05T03:00:00Z\"}",
        "{\"frames_done\":1,\"frames_total\":3}", "{\"frames_done\":1.5,\"frames_total\":3,\"updated\":\"2026-12-05T03:00:00Z\"}",
        "{\"frames_done\":-1,\"frames_total\":3,\"updated\":\"2026-12-05T03:00:00Z\"}", "\u0000\u0001binary")) {
      assertEquals(Optional.empty(), WorkerProgress.parse(garbled.getBytes(StandardCharsets.UTF_8)), garbled);
    }
  }

  @Test
  void thePublisherWritesAtMostOncePerInterval() {
    ManualClock clock = new ManualClock(T0);
    List<WorkerProgress> written = new ArrayList<>();
    ProgressPublisher p = new ProgressPublisher(clock, Duration.ofSeconds(5),
        b -> written.add(WorkerProgress.parse(b).orElseThrow()), e -> { throw new AssertionError(e); });
    assertTrue(p.offer(0, 400), "the first report goes out at once: the console learns the total");
    for (int i = 1; i <= 20; i++) { // a replay reporting every 250 ms for 5 s
      clock.advance(Duration.ofMillis(250));
      p.offer(i * 10, 400);
    }
    assertEquals(List.of(new WorkerProgress(0, 400, T0), new WorkerProgress(200, 400, T0.plusSeconds(5))), written);
    clock.advance(Duration.ofSeconds(60));
    assertFalse(p.offer(200, 400), "no change, no write");
    assertTrue(p.offer(210, 400));
    p.close();
    clock.advance(Duration.ofSeconds(60));
    assertFalse(p.offer(400, 400), "closed: nothing after the worker started its commit");
    assertEquals(3, written.size());
  }

  @Test
  void aFailingStoreIsReportedAndRetriedAfterAnInterval() {
    ManualClock clock = new ManualClock(T0);
    List<RuntimeException> errors = new ArrayList<>();
    int[] calls = {0};
    ProgressPublisher p = new ProgressPublisher(clock, Duration.ofSeconds(5), b -> {
      calls[0]++;
      throw new IllegalStateException("503 Slow Down");
    }, errors::add);
    assertFalse(p.offer(1, 10));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(p.offer(2, 10));
    assertEquals(1, calls[0], "not hammered");
    clock.advance(Duration.ofSeconds(5));
    assertFalse(p.offer(3, 10));
    assertEquals(2, calls[0]);
    assertEquals(2, errors.size());
  }

  @Test
  void theTapTakesProgressLinesAndPassesTheRestOn() {
    ManualClock clock = new ManualClock(T0);
    List<WorkerProgress> written = new ArrayList<>();
    ProgressPublisher p = new ProgressPublisher(clock, Duration.ofSeconds(5),
        b -> written.add(WorkerProgress.parse(b).orElseThrow()), e -> { throw new AssertionError(e); });
    StringWriter out = new StringWriter();
    PrintWriter replayOut = new PrintWriter(new ReplayProgressTap(out, p), true);
    replayOut.println("progress 0 697");
    replayOut.println("  report line kept as is");
    clock.advance(Duration.ofSeconds(6));
    replayOut.print("progress 300 69");
    replayOut.print("7\n");
    replayOut.println("progress 301 697"); // within the interval: dropped
    assertEquals(List.of(new WorkerProgress(0, 697, T0), new WorkerProgress(300, 697, T0.plusSeconds(6))), written);
    assertEquals("  report line kept as is" + System.lineSeparator(), out.toString());
  }
}
