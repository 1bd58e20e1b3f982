package dev.tracklight.connectors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CameraUrlTest {

  @Test
  void parsesAllPartsAndRedactsThePassword() {
    CameraUrl url = CameraUrl.parse("rtsp://admin:s3cret@10.0.0.7:8554/Streaming/Channels/101");
    assertEquals("rtsp", url.scheme());
    assertEquals("admin", url.user());
    assertEquals("10.0.0.7", url.host());
    assertEquals(8554, url.port());
    assertEquals("/Streaming/Channels/101", url.path());
    assertTrue(url.hasSecrets());
    assertEquals("rtsp://admin:***@10.0.0.7:8554/Streaming/Channels/101", url.redacted());
    assertEquals(url.redacted(), url.toString());
    assertEquals("rtsp://admin:s3cret@10.0.0.7:8554/Streaming/Channels/101",
        url.connectionString());
  }

  @Test
  void defaultPortsAndAddressesWithoutCredentials() {
    CameraUrl plain = CameraUrl.parse("rtsp://camera.local/live");
    assertEquals(554, plain.port());
    assertFalse(plain.hasSecrets());
    assertEquals("rtsp://camera.local/live", plain.redacted());
    assertEquals(322, CameraUrl.parse("RTSPS://cam").port());
    assertEquals("rtsps://cam", CameraUrl.parse("RTSPS://cam").redacted());
    assertEquals("rtsp://viewer@[fe80::1]:554/s", CameraUrl.parse("rtsp://viewer@[fe80::1]:554/s")
        .redacted());
  }

  @Test
  void redactsPasswordLikeQueryParameters() {
    CameraUrl url = CameraUrl.parse(
        "rtsp://10.0.0.8/cam/realmonitor?channel=1&user=ops&password=hunter2&Token=abc%2Bdef");
    assertEquals("rtsp://10.0.0.8/cam/realmonitor?channel=1&user=ops&password=***&Token=***",
        url.redacted());
    assertTrue(url.hasSecrets());
    String message = "open failed for rtsp://10.0.0.8/cam?password=hunter2; token abc+def used";
    String redacted = url.redact(message);
    assertFalse(redacted.contains("hunter2"), redacted);
    assertFalse(redacted.contains("abc+def"), redacted);
    assertFalse(redacted.contains("abc%2Bdef"), redacted);
  }

  @Test
  void redactScrubsTheFullUrlAndBarePasswordsInBothEncodings() {
    CameraUrl url = CameraUrl.parse("rtsp://alice:p%40ss%3Aword@cam:554/a");
    assertEquals("rtsp://alice:***@cam:554/a", url.redacted());
    String javacv = "avformat_open_input() error -111: Could not open input \""
        + url.connectionString() + "\".";
    assertEquals("avformat_open_input() error -111: Could not open input \""
        + "rtsp://alice:***@cam:554/a\".", url.redact(javacv));
    assertEquals("auth *** rejected", url.redact("auth p@ss:word rejected"));
    assertEquals("auth *** rejected", url.redact("auth p%40ss%3Aword rejected"));
    assertEquals(null, url.redact(null));
  }

  @Test
  void equalityIsOnTheFullAddress() {
    assertEquals(CameraUrl.parse("rtsp://u:a@h/x"), CameraUrl.parse("rtsp://u:a@h/x"));
    assertNotEquals(CameraUrl.parse("rtsp://u:a@h/x"), CameraUrl.parse("rtsp://u:b@h/x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://u:Secr3tPw@host/x", "rtsp://u:Secr3tPw@/x",
      "rtsp://u:Secr3tPw@host:99999/x", "rtsp://u:Secr3tPw@host:abc/x", "rtsp://:Secr3tPw@host/x",
      "rtsp://u:Secr3tPw@ho st/x", "u:Secr3tPw@host", "rtsp://u:Secr3tPw@h@st/x",
      "rtsp://host/x?password=Secr3tPw&x=1 2"})
  void rejectsBadAddressesWithoutShowingTheSecret(String bad) {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> CameraUrl.parse(bad));
    assertFalse(e.getMessage().contains("Secr3tPw"), e.getMessage());
    assertTrue(e.getMessage().contains("expected rtsp://"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void rejectsEmptyAddresses() {
    assertThrows(InvalidInputException.class, () -> CameraUrl.parse(null));
    assertThrows(InvalidInputException.class, () -> CameraUrl.parse("  "));
  }
}
