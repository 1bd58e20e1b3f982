package dev.tracklight.connectors.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FFmpeg writes its log straight to the process's stderr from native code, which no Java test can
 * intercept in-process; so a child JVM opens a broken video and a complete one, and the test reads
 * the child's stdout (the SLF4J/Log4j application log, see log4j2-test.properties) and stderr.
 */
class FfmpegLoggingTest {

  @TempDir Path temp;

  @Test
  void ffmpegErrorsGoToTheApplicationLogAndNothingRawReachesStderr() throws Exception {
    byte[] head;
    try (InputStream in = Files.newInputStream(TestAssets.file("videos/bottles_hands_360p.mp4"))) {
      head = in.readNBytes(4096); // index (moov) is at the end: FFmpeg logs "moov atom not found"
    }
    Path broken = Files.write(temp.resolve("head.mp4"), head);
    Path good = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    Path stdout = temp.resolve("out.txt");
    Path stderr = temp.resolve("err.txt");
    Process child = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        Child.class.getName(), broken.toString(), good.toString()))
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM timed out");
    String out = Files.readString(stdout, StandardCharsets.UTF_8);
    String err = Files.readString(stderr, StandardCharsets.UTF_8);
    assertEquals(0, child.exitValue(), "child failed; stdout:\n" + out + "\nstderr:\n" + err);
    assertTrue(out.contains("rejected: "), out);
    assertTrue(out.contains("decoded 341 frames"), out);
    assertTrue(out.contains("LOG ERROR ffmpeg - ") && out.contains("moov atom not found"),
        "FFmpeg's error must reach the application log:\n" + out);
    assertFalse(err.contains("moov atom not found"), "raw FFmpeg output on stderr:\n" + err);
    assertFalse(err.contains("@ 0x"), "raw FFmpeg output on stderr:\n" + err);
  }

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

  /** Runs in the child JVM. */
  public static final class Child {
    public static void main(String[] args) throws IOException {
      try {
        VideoReader.open(Path.of(args[0]), VideoReadOptions.defaults()).close();
        System.out.println("opened a broken file?!");
      } catch (InvalidInputException e) {
        System.out.println("rejected: " + e.getMessage());
      }
      try (VideoReader reader = VideoReader.open(Path.of(args[1]), VideoReadOptions.defaults())) {
        int frames = 0;
        while (reader.next().isPresent()) {
          frames++;
        }
        System.out.println("decoded " + frames + " frames");
      }
    }
  }
}
