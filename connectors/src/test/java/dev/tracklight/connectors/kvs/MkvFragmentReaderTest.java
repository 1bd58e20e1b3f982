package dev.tracklight.connectors.kvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.inference.TestAssets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The real GetMedia bodies captured from the service: fragments, tags, blocks and their event times
 * (producer timestamp + offset), gaps kept, and a cut or corrupt body reported as an error.
 */
class MkvFragmentReaderTest {

  private static final long FIRST_PRODUCER_MS = 1511852108513L;

  static List<MkvFragmentReader.Item> readAll(byte[] body) throws IOException {
    MkvFragmentReader reader = new MkvFragmentReader(new ByteArrayInputStream(body));
    List<MkvFragmentReader.Item> items = new ArrayList<>();
    for (MkvFragmentReader.Item i = reader.next(); i != null; i = reader.next()) {
      items.add(i);
    }
    return items;
  }

  private static byte[] concat(List<KvsCapture.Fragment> fragments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    fragments.forEach(f -> out.writeBytes(f.bytes()));
    return out.toByteArray();
  }

  @Test
  void readsTheFiveFragmentsOfTheCaptureWithTheirTagsAndTimes() throws Exception {
    List<KvsCapture.Fragment> capture = KvsCapture.read(TestAssets.file("kvs/output_get_media.mkv"));
    assertEquals(5, capture.size());
    List<MkvFragmentReader.Item> items = readAll(concat(capture));
    List<MkvFragmentReader.Block> blocks = items.stream().filter(MkvFragmentReader.Block.class::isInstance)
        .map(MkvFragmentReader.Block.class::cast).toList();
    List<MkvFragmentReader.FragmentEnd> ends = items.stream().filter(MkvFragmentReader.FragmentEnd.class::isInstance)
        .map(MkvFragmentReader.FragmentEnd.class::cast).toList();
    assertEquals(300, blocks.size());
    assertEquals(5, ends.size());
    for (int f = 0; f < 5; f++) {
      assertEquals(capture.get(f).number(), ends.get(f).fragmentNumber());
      assertEquals(60, ends.get(f).blocks());
      assertEquals(Optional.of(capture.get(f).number()), ends.get(f).continuationToken(),
          "the captures' continuation token is the fragment's number");
      assertTrue(ends.get(f).millisBehindNow().isPresent());
    }
    for (int n = 0; n < 300; n++) {
      MkvFragmentReader.Block b = blocks.get(n);
      int f = n / 60;
      int i = n % 60;
      assertEquals(i, b.offset());
      assertEquals(capture.get(f).number(), b.fragmentNumber());
      long expected = FIRST_PRODUCER_MS + f * 2000L + Math.round(i * 1000 / 30.0);
      assertTrue(Math.abs(b.eventTimeMs() - expected) <= 1, "block " + n + ": " + b.eventTimeMs() + " vs " + expected);
      assertEquals(i == 0, b.keyFrame(), "fragments start with their key frame");
    }
    MkvFragmentReader.FragmentStart start = (MkvFragmentReader.FragmentStart) items.get(0);
    assertEquals(FIRST_PRODUCER_MS, start.producerTimeMs());
    assertEquals(1, start.codecPrivate()[0], "avcC configuration version 1");
  }

  @Test
  void sparseFragmentsKeepTheirGapsInEventTime() throws Exception {
    List<KvsCapture.Fragment> capture = KvsCapture.read(TestAssets.file("kvs/output_get_media_sparse_fragments.mkv"));
    assertEquals(3, capture.size());
    List<MkvFragmentReader.Block> blocks = readAll(concat(capture)).stream()
        .filter(MkvFragmentReader.Block.class::isInstance).map(MkvFragmentReader.Block.class::cast).toList();
    assertEquals(180, blocks.size());
    for (int f = 0; f < 3; f++) {
      assertEquals(capture.get(f).producerMs(), blocks.get(f * 60).eventTimeMs());
    }
    long gap = blocks.get(60).eventTimeMs() - blocks.get(59).eventTimeMs();
    assertTrue(gap > 1000, "the producer's pause is a gap in event time, got " + gap + " ms");
    for (int n = 1; n < 180; n++) {
      assertTrue(blocks.get(n).eventTimeMs() > blocks.get(n - 1).eventTimeMs());
    }
  }

  @Test
  void aBodyCutInsideAFragmentOrNotMkvIsAnError() throws Exception {
    List<KvsCapture.Fragment> capture = KvsCapture.read(TestAssets.file("kvs/output_get_media.mkv"));
    byte[] whole = concat(capture.subList(0, 2));
    byte[] cut = Arrays.copyOf(whole, capture.get(0).bytes().length + capture.get(1).bytes().length / 2);
    IOException e = assertThrows(IOException.class, () -> readAll(cut));
    assertTrue(e.getMessage().contains("inside fragment " + capture.get(1).number()), e.getMessage());
    byte[] corrupt = whole.clone();
    // Garbage where the second fragment's elements begin (a frame's payload is opaque to MKV: the
    // decoder judges that).
    int second = capture.get(0).bytes().length;
    for (int i = second + 40; i < second + 4096; i++) {
      corrupt[i] = (byte) (i * 31 + 7);
    }
    e = assertThrows(IOException.class, () -> readAll(corrupt));
    assertTrue(e.getMessage().contains("MKV") || e.getMessage().contains("fragment"), e.getMessage());
    // Between fragments, the end of a body is normal: the service ends responses now and then.
    assertEquals(120, readAll(whole).stream().filter(MkvFragmentReader.Block.class::isInstance).count());
  }
}
