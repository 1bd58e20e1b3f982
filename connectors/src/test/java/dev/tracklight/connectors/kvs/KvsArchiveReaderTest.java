package dev.tracklight.connectors.kvs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.connectors.video.FrameSampling;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.TestAssets;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved Kinesis Video archive (the real capture's fragments joined, as GetMediaForFragmentList
 * sends them) read as a replay's frames: all 300, once, in order, at producer time; an exact seek
 * (a restored split) that skips whole fragments; a body cut inside a fragment reported truncated;
 * sampling by producer time; a file that is not a media body refused in one line.
 */
class KvsArchiveReaderTest {

  @TempDir
  Path tmp;

  @Test
  void readsEveryFrameOnceAtItsProducerTimeAndSeeksExactly() throws Exception {
    List<KvsCapture.Fragment> fragments = KvsCapture.read(TestAssets.file("kvs/output_get_media.mkv"));
    Path file = write("cars.kvs", fragments, Long.MAX_VALUE);
    List<VideoFrame> all = new ArrayList<>();
    try (KvsArchiveReader reader = KvsArchiveReader.open(file, VideoReadOptions.defaults())) {
      assertEquals(640, reader.info().width());
      assertEquals(360, reader.info().height());
      assertEquals(30.0, reader.info().fps(), 1e-9);
      assertEquals(300, reader.info().frameCount());
      for (Optional<VideoFrame> f = reader.next(); f.isPresent(); f = reader.next()) {
        all.add(f.get());
      }
      assertFalse(reader.truncated());
      assertEquals(300, all.size());
      for (int k = 0; k < all.size(); k++) {
        assertEquals(k, all.get(k).index());
        long expected = fragments.get(k / 60).producerMs() + Math.round((k % 60) * 1000 / 30.0);
        assertEquals(expected, all.get(k).timestampMs(), 1, "frame " + k);
      }

      for (int target : new int[] {130, 0, 299, 60}) {
        reader.seekToFrame(target);
        VideoFrame f = reader.next().orElseThrow();
        assertEquals(target, f.index());
        assertEquals(all.get(target).timestampMs(), f.timestampMs());
        assertArrayEquals(all.get(target).image().pixels(), f.image().pixels(), "pixels of frame " + target);
      }
      reader.seekToFrame(300);
      assertTrue(reader.next().isEmpty());
    }
  }

  @Test
  void aBodyCutInsideAFragmentEndsTruncatedAfterTheWholeFrames() throws Exception {
    List<KvsCapture.Fragment> fragments = KvsCapture.read(TestAssets.file("kvs/output_get_media.mkv"));
    long cut = fragments.subList(0, 3).stream().mapToLong(f -> f.bytes().length).sum()
        + fragments.get(3).bytes().length / 2;
    Path file = write("cut.kvs", fragments, cut);
    try (KvsArchiveReader reader = KvsArchiveReader.open(file, VideoReadOptions.defaults())) {
      int frames = 0;
      while (reader.next().isPresent()) {
        frames++;
      }
      assertTrue(reader.truncated());
      assertTrue(frames >= 180 && frames < 240, "three whole fragments and part of the fourth: " + frames);
    }
  }

  @Test
  void samplesByProducerTime() throws Exception {
    List<KvsCapture.Fragment> fragments = KvsCapture.read(TestAssets.file("kvs/output_get_media_sparse_fragments.mkv"));
    Path file = write("sparse.kvs", fragments, Long.MAX_VALUE);
    try (KvsArchiveReader reader = KvsArchiveReader.open(file,
        VideoReadOptions.defaults().withSampling(FrameSampling.targetFps(2)))) {
      List<Long> times = new ArrayList<>();
      for (Optional<VideoFrame> f = reader.next(); f.isPresent(); f = reader.next()) {
        times.add(f.get().timestampMs());
      }
      // 2 s fragments at 2 fps: about 4 frames each, none in the gaps between them.
      assertTrue(times.size() >= 3 * 4 && times.size() <= 3 * 5, times.toString());
      for (long t : times) {
        assertTrue(fragments.stream().anyMatch(f -> t >= f.producerMs() && t < f.producerMs() + 2000), t + " in a gap");
      }
    }
  }

  @Test
  void aFileThatIsNotAMediaBodyIsRefused() throws Exception {
    Path text = tmp.resolve("notes.kvs");
    Files.writeString(text, "not a video\n".repeat(100));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> KvsArchiveReader.open(text, VideoReadOptions.defaults()));
    assertTrue(e.getMessage().contains(text + " ") && e.getMessage().contains("Kinesis Video") && e.getMessage().lines().count() == 1,
        e.getMessage());
  }

  private Path write(String name, List<KvsCapture.Fragment> fragments, long limit) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    fragments.forEach(f -> bytes.writeBytes(f.bytes()));
    byte[] all = bytes.toByteArray();
    Path file = tmp.resolve(name);
    Files.write(file, Arrays.copyOf(all, (int) Math.min(all.length, limit)));
    return file;
  }
}
