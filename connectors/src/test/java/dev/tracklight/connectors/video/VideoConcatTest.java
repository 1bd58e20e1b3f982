package dev.tracklight.connectors.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.TestAssets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoConcatTest {

  @Test
  void joinsSegmentsWithoutLosingOrShiftingFrames(@TempDir Path tmp) {
    Path source = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    List<Path> segments = new ArrayList<>();
    int[] lengths = {10, 25, 7};
    try (VideoReader reader = VideoReader.open(source, VideoReadOptions.defaults())) {
      for (int s = 0; s < lengths.length; s++) {
        Path seg = tmp.resolve("seg" + s + ".mp4");
        try (VideoWriter w = VideoWriter.create(seg, reader.info().width(), reader.info().height(),
            VideoWriteOptions.h264(reader.info().frameRate()))) {
          for (int i = 0; i < lengths[s]; i++) {
            w.write(reader.next().orElseThrow().image());
          }
        }
        segments.add(seg);
      }
    }
    Path joined = tmp.resolve("joined.mp4");
    VideoConcat.concat(segments, joined);
    try (VideoReader r = VideoReader.open(joined, VideoReadOptions.defaults())) {
      assertEquals("h264", r.info().codec());
      assertEquals(25.0, r.info().fps(), 1e-9);
      long n = 0;
      long lastTs = -1;
      for (var f = r.next(); f.isPresent(); f = r.next()) {
        assertEquals(n * 40, f.get().timestampMs(), 1.0, "frame " + n + " timestamp");
        assertTrue(f.get().timestampMs() > lastTs);
        lastTs = f.get().timestampMs();
        n++;
      }
      assertEquals(42, n);
      assertTrue(!r.truncated());
    }
    assertEquals(List.of(joined), listFiles(tmp).stream().filter(p -> p.toString().contains("joined")).toList());
  }

  private static List<Path> listFiles(Path dir) {
    try (var s = Files.list(dir)) {
      return s.toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
