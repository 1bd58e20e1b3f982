package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.live.CameraHealth;
import dev.tracklight.connectors.live.CameraState;
import dev.tracklight.connectors.live.LiveStatusBoard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tracklight run}'s live status and stop summary, fed through the same board the live job's
 * operators write (camera health events, tracked frames, alerts), with an injected clock.
 */
class LiveStatusTest {

  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(1000 * SECOND);

  @BeforeEach
  @AfterEach
  void clearBoard() {
    LiveStatusBoard.clear();
  }

  private static void frames(String camera, int n, long lagMs, int tracks) {
    for (int i = 0; i < n; i++) {
      LiveStatusBoard.frameTracked(camera, lagMs, tracks);
    }
  }

  @Test
  void statusLinesPerCameraWithRatesOverTheInterval() {
    LiveStatusView view = new LiveStatusView(clock.get());
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.STREAMING, 1, null, 0));
    LiveStatusBoard.health(new CameraHealth("ward-2", CameraState.RECONNECTING, 2, "connection refused", 0));
    frames("lobby", 50, 180, 3);
    LiveStatusBoard.alert("lobby");
    clock.addAndGet(10 * SECOND);
    List<String> ids = List.of("lobby", "ward-2", "gate");
    assertEquals(List.of(
        "lobby   STREAMING       5.0 fps  lag 180 ms  3 tracks  1 alert",
        "ward-2  RECONNECTING    0.0 fps  lag -  0 tracks  0 alerts  last error: connection refused",
        "gate    CONNECTING  "), view.lines(ids, LiveStatusBoard.snapshot(), clock.get()));
    frames("lobby", 20, 95, 1);
    clock.addAndGet(2 * SECOND);
    assertEquals("lobby   STREAMING      10.0 fps  lag 95 ms  1 track  1 alert",
        view.lines(ids, LiveStatusBoard.snapshot(), clock.get()).get(0), "the rate of the last interval");
  }

  @Test
  void logLinesOffATerminalAndOneSummaryLinePerCameraOnStop() throws Exception {
    StringWriter out = new StringWriter();
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.STREAMING, 1, null, 0));
    LiveStatusBoard.health(new CameraHealth("ward-2", CameraState.RECONNECTING, 3,
        "cannot connect: connection refused", 0));
    LiveStatusPrinter printer = LiveStatusPrinter.start(new PrintWriter(out, true), List.of("lobby", "ward-2"),
        false, Duration.ofHours(1), clock::get);
    frames("lobby", 600, 120, 2);
    LiveStatusBoard.alert("lobby");
    LiveStatusBoard.alert("lobby");
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.RECONNECTING, 1, "stream lost", 0));
    LiveStatusBoard.health(new CameraHealth("lobby", CameraState.STREAMING, 1, null, 0));
    clock.addAndGet(120 * SECOND);
    printer.draw();
    printer.stop();
    printer.stop();
    printer.close();
    assertEquals("""
        tracklight: status: lobby   STREAMING       5.0 fps  lag 120 ms  2 tracks  2 alerts
        tracklight: status: ward-2  RECONNECTING    0.0 fps  lag -  0 tracks  0 alerts  last error: cannot \
        connect: connection refused
        tracklight: stopped: lobby: 600 frames in 2:00 (5.0 fps), 2 alerts, 2 connections, last state STREAMING
        tracklight: stopped: ward-2: 0 frames in 2:00 (0.0 fps), 0 alerts, 0 connections, last state \
        RECONNECTING; last error: cannot connect: connection refused
        """, out.toString(), "one summary line per camera, printed once");
  }

  @Test
  void inPlaceOnATerminal() {
    StringWriter out = new StringWriter();
    LiveStatusPrinter printer = LiveStatusPrinter.start(new PrintWriter(out, true), List.of("lobby"), true,
        Duration.ofHours(1), clock::get);
    printer.draw();
    printer.draw();
    printer.close();
    assertTrue(out.toString().startsWith("\r\033[2Klobby  CONNECTING  \n\033[1A\r\033[2Klobby  CONNECTING  \n"),
        out.toString());
  }
}
