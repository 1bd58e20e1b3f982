package dev.tracklight.connectors.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class FfmpegLoggingTest {

  @Test
  void presignedUrlSecretsAndCameraPasswordsAreScrubbedFromFfmpegLines() {
    String line = "[https @ 0x55d] HTTP error 403 Forbidden: https://b.s3.amazonaws.com/in/v.mp4"
        + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Fus-east-1"
        + "&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLETOKEN&X-Amz-Signature=abc123def&partNumber=1";
    String scrubbed = FfmpegLogging.scrub(line);
    for (String secret : new String[] {"AKIDEXAMPLE", "FQoGZXIvYXdzEXAMPLETOKEN", "abc123def"}) {
      assertFalse(scrubbed.contains(secret), scrubbed);
    }
    assertEquals("[https @ 0x55d] HTTP error 403 Forbidden: https://b.s3.amazonaws.com/in/v.mp4"
        + "?X-Amz-Algorithm=***&X-Amz-Credential=***&X-Amz-Security-Token=***&X-Amz-Signature=***"
        + "&partNumber=1", scrubbed, "the rest of the line stays readable");
    assertEquals("rtsp://viewer:***@10.0.0.7:554/stream1: Connection refused",
        FfmpegLogging.scrub("rtsp://viewer:s3cret@10.0.0.7:554/stream1: Connection refused"));
  }
}
