package dev.tracklight.connectors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reconnect warning counts failures, so the first one never says "attempt 2". */
class RetryNoteTest {

  @Test
  void firstFailureToConnectSaysOneFailedAttempt() {
    assertEquals("connection refused; trying again in 500 ms (1 failed attempt in a row)",
        LiveCameraReader.retryNote("connection refused", false, 2, Duration.ofMillis(500)));
    assertEquals("connection refused; trying again in 4000 ms (3 failed attempts in a row)",
        LiveCameraReader.retryNote("connection refused", false, 4, Duration.ofMillis(4000)));
  }

  @Test
  void aLostStreamSaysSo() {
    assertEquals("stream lost: no frame for 5 s; reconnecting in 500 ms",
        LiveCameraReader.retryNote("no frame for 5 s", true, 1, Duration.ofMillis(500)));
  }
}
