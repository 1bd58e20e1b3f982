package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.media.JpegCodec;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background clip writer on real 720p frames sampled at 5 fps. */
class LiveClipWriterTest {

  @TempDir
  Path dir;

  private ClipRequest request(String id, long fromMs, long toMs, long peakFrame) {
    ClipLayout layout = ClipLayout.at(dir);
    List<BufferedFrame> frames = LiveFrames.jpegAt5Fps().stream()
        .filter(f -> f.timestampMs() >= LiveFrames.EPOCH_MS + fromMs
            && f.timestampMs() <= LiveFrames.EPOCH_MS + toMs)
        .toList();
    return new ClipRequest("lobby", id, frames, peakFrame, layout.clip("lobby", id),
        layout.thumbnail("lobby", id));
  }

  private static List<BgrImage> decodeAll(Path video) {
    List<BgrImage> images = new ArrayList<>();
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      assertEquals("h264", reader.info().codec());
      for (var f = reader.next(); f.isPresent(); f = reader.next()) {
        images.add(f.map(VideoFrame::image).orElseThrow());
      }
    }
    return images;
  }

  private static double meanAbsDiff(BgrImage a, BgrImage b) {
    long sum = 0;
    byte[] x = a.pixels();
    byte[] y = b.pixels();
    for (int i = 0; i < x.length; i += 7) { // a sparse sample is plenty to tell frames apart
      sum += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
    }
    return sum / (x.length / 7.0);
  }

  private List<Path> leftovers() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
    }
  }

  @Test
  void writesAPlayableClipOfTheSpanWithItsFramesInOrderAndTheThumbnail() throws Exception {
    ClipRequest request = request("lobby-1700000002000-1700000008000", 2000, 8000, 125);
    try (LiveClipWriter writer = new LiveClipWriter(LiveClipConfig.defaults())) {
      assertTrue(writer.submit(request));
    } // close drains
    List<BgrImage> clip = decodeAll(request.clip());
    // 6 s at 5 fps: 30 frames, within one frame.
    assertEquals(30, clip.size(), 1, "clip frames");
    try (VideoReader reader = VideoReader.open(request.clip(), VideoReadOptions.defaults())) {
      assertEquals(5.0, reader.info().fps(), 1e-9);
      assertEquals(1280, reader.info().width());
    }
    // Each clip frame is its own buffered frame (the people move visibly in 200 ms).
    try (JpegCodec jpeg = JpegCodec.create(80)) {
      List<BgrImage> sources = request.frames().stream().map(f -> jpeg.decode(f.jpeg(), null)).toList();
      assertEquals(sources.size(), clip.size());
      for (int k = 0; k < clip.size(); k += 3) {
        int best = 0;
        for (int j = 1; j < sources.size(); j++) {
          if (meanAbsDiff(clip.get(k), sources.get(j)) < meanAbsDiff(clip.get(k), sources.get(best))) {
            best = j;
          }
        }
        assertEquals(k, best, "clip frame " + k + " looks most like buffered frame " + best);
      }
    }
    BufferedFrame peak = LiveFrames.jpegAt5Fps().stream().filter(f -> f.frameIndex() == 125).findFirst().orElseThrow();
    assertArrayEquals(ClipEncoder.thumbnailJpeg(peak.jpeg()), Files.readAllBytes(request.thumbnail()),
        "thumbnail = buffered peak frame, scaled to thumbnail width");
    assertEquals(List.of(), leftovers());
  }

  @Test
  void aFullQueueSkipsTheClipAtOnceInsteadOfBlocking() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Runnable holdFirst = () -> {
      if (started.getCount() > 0) {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    LiveClipConfig oneSlot = LiveClipConfig.defaults().withWriter(1, 1, 60_000);
    LiveClipWriter writer = new LiveClipWriter(oneSlot, holdFirst);
    try {
      assertTrue(writer.submit(request("a", 1000, 2000, 0)));
      started.await();
      assertTrue(writer.submit(request("b", 3000, 4000, 0)), "queued in the one slot");
      boolean third = assertTimeoutPreemptively(Duration.ofSeconds(5),
          () -> writer.submit(request("c", 5000, 6000, 0)), "submit must never wait for the writer");
      assertFalse(third);
      assertEquals(1, writer.skipped());
      assertEquals(2, writer.pending());
    } finally {
      release.countDown();
      writer.close();
    }
    assertEquals(2, writer.written());
    assertEquals(0, writer.pending());
    assertTrue(Files.exists(ClipLayout.at(dir).clip("lobby", "b")));
    assertFalse(Files.exists(ClipLayout.at(dir).clip("lobby", "c")));
    assertFalse(Files.exists(ClipLayout.at(dir).thumbnail("lobby", "c")));
  }

  @Test
  void closeAbandonsWhatTheDrainTimeoutDoesNotCoverAndPublishesNoPartialClip() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Runnable blockUntilInterrupted = () -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the encoder sees it before its first frame
      }
    };
    LiveClipWriter writer = new LiveClipWriter(LiveClipConfig.defaults().withWriter(1, 4, 0),
        blockUntilInterrupted);
    assertTrue(writer.submit(request("running", 1000, 4000, 0)));
    started.await();
    assertTrue(writer.submit(request("queued", 5000, 8000, 0)));
    writer.close();
    assertEquals(2, writer.abandoned());
    assertEquals(0, writer.written());
    assertEquals(0, writer.pending());
    assertFalse(Files.exists(ClipLayout.at(dir).clip("lobby", "running")));
    assertFalse(Files.exists(ClipLayout.at(dir).clip("lobby", "queued")));
    assertEquals(List.of(), leftovers());
    assertFalse(writer.submit(request("late", 1000, 2000, 0)), "closed writers skip");
    assertEquals(1, writer.skipped());
  }

  @Test
  void anInterruptedCloseAbandonsAtOnceLikeACancelledTask() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Runnable blockUntilInterrupted = () -> {
      started.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    LiveClipWriter writer = new LiveClipWriter(LiveClipConfig.defaults().withWriter(1, 4, 60_000),
        blockUntilInterrupted);
    assertTrue(writer.submit(request("running", 1000, 4000, 0)));
    started.await();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      Thread.currentThread().interrupt(); // Flink interrupts the task thread it cancels
      writer.close();
      assertTrue(Thread.interrupted(), "close keeps the interrupt for the caller");
    });
    assertEquals(1, writer.abandoned());
    assertFalse(Files.exists(ClipLayout.at(dir).clip("lobby", "running")));
  }

  @Test
  void aClipThatCannotBeWrittenIsCountedNotThrown() throws Exception {
    Files.writeString(dir.resolve("lobby"), "a file where the camera's directory should be");
    try (LiveClipWriter writer = new LiveClipWriter(LiveClipConfig.defaults())) {
      assertTrue(writer.submit(request("x", 1000, 2000, 0)));
      writer.close();
      assertEquals(1, writer.failed());
      assertEquals(0, writer.written());
    }
  }
}
