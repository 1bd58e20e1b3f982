package dev.tracklight.connectors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LiveCameraOptionsTest {

  private static final CameraUrl URL = CameraUrl.parse("rtsp://op:TopSecret9@cam/1");

  @Test
  void defaultsAreDocumentedValues() {
    LiveCameraOptions o = LiveCameraOptions.of("cam-1", URL);
    assertEquals(RtspTransport.TCP, o.transport());
    assertEquals("tcp", o.transport().ffmpegName());
    assertEquals(0, o.targetFps());
    assertEquals(Duration.ofSeconds(5), o.ioTimeout());
    assertEquals(Duration.ofSeconds(5), o.staleFrameTimeout());
    assertEquals(ReconnectBackoff.defaults(), o.backoff());
    assertEquals(1, o.frameSlots());
  }

  @Test
  void toStringShowsTheRedactedUrl() {
    String text = LiveCameraOptions.of("cam-1", URL).toString();
    assertTrue(text.contains("rtsp://op:***@cam/1"), text);
    assertFalse(text.contains("TopSecret9"), text);
  }

  @Test
  void rejectsBadValuesNamingThem() {
    LiveCameraOptions o = LiveCameraOptions.of("cam-1", URL);
    assertMessage("camera id", () -> LiveCameraOptions.of("", URL));
    assertMessage("camera id", () -> LiveCameraOptions.of("bad id", URL));
    assertMessage("camera id", () -> LiveCameraOptions.of("x".repeat(65), URL));
    assertMessage("target fps", () -> o.withTargetFps(-1));
    assertMessage("target fps", () -> o.withTargetFps(Double.NaN));
    assertMessage("target fps", () -> o.withTargetFps(Double.POSITIVE_INFINITY));
    assertMessage("I/O timeout", () -> o.withTimeouts(Duration.ofMillis(50), Duration.ofSeconds(1)));
    assertMessage("stale-frame timeout",
        () -> o.withTimeouts(Duration.ofSeconds(1), Duration.ofHours(1)));
    assertMessage("frame slots", () -> o.withFrameSlots(0));
    assertMessage("frame slots", () -> o.withFrameSlots(LiveCameraOptions.MAX_FRAME_SLOTS + 1));
    assertMessage("decoder threads", () -> o.withDecoderThreads(-1));
    assertEquals(5.0, o.withTargetFps(5).targetFps());
  }

  private static void assertMessage(String expected, Runnable bad) {
    InvalidInputException e = assertThrows(InvalidInputException.class, bad::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
