package dev.tracklight.connectors.testing;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A captured Kinesis Video GetMedia body ({@code $TRACKLIGHT_ASSETS/kvs/*.mkv}) cut into its
 * fragments, byte for byte, with each fragment's number and producer timestamp read straight from
 * the tag bytes (not with the parser under test): what {@link KvsTestServer} serves.
 *
 * <p>{@link Fragment#shifted} makes later "recordings" of the same camera for long runs: the same
 * bytes with the fragment number and producer timestamp tags rewritten in place (same length).
 */
public final class KvsCapture {

  /** The EBML header's id: every fragment is a whole MKV file starting with it. */
  private static final byte[] EBML_MAGIC = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3};
  /** The captures' fragments are 60 frames at 30 fps. */
  public static final long FRAGMENT_MS = 2000;

  /** One fragment: its whole MKV bytes and its tags. */
  public record Fragment(String number, long producerMs, byte[] bytes) {

    /** This fragment recorded {@code shiftMs} later as fragment number {@code newNumber} (same length). */
    public Fragment shifted(String newNumber, long shiftMs) {
      if (newNumber.length() != number.length()) {
        throw new IllegalArgumentException("fragment numbers must keep their length");
      }
      String oldTs = seconds(producerMs);
      String newTs = seconds(producerMs + shiftMs);
      if (oldTs.length() != newTs.length()) {
        throw new IllegalArgumentException("producer timestamps must keep their length");
      }
      byte[] out = replaceAll(bytes, number, newNumber);
      out = replaceAll(out, oldTs, newTs);
      return new Fragment(newNumber, producerMs + shiftMs, out);
    }
  }

  private KvsCapture() {}

  /**
   * {@code count} fragments of a camera that keeps recording: {@code recording} over and over, the
   * first fragment at producer time {@code firstProducerMs}, then one every {@link #FRAGMENT_MS},
   * with fresh fragment numbers (same length). Computed on demand (a fragment is a copy of its
   * recording's bytes), so hours of them cost no memory; the last few are kept for the server's
   * repeated lookups.
   */
  public static List<Fragment> looped(List<Fragment> recording, long firstProducerMs, int count) {
    List<Fragment> source = List.copyOf(recording);
    java.util.Map<Integer, Fragment> recent = new java.util.LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(java.util.Map.Entry<Integer, Fragment> eldest) {
        return size() > 8;
      }
    };
    return new java.util.AbstractList<>() {
      @Override
      public synchronized Fragment get(int i) {
        java.util.Objects.checkIndex(i, count);
        return recent.computeIfAbsent(i, k -> {
          Fragment f = source.get(k % source.size());
          String n = f.number();
          String counter = String.format(java.util.Locale.ROOT, "%08d", k);
          String number = n.substring(0, n.length() - counter.length()) + counter;
          return f.shifted(number, firstProducerMs + k * FRAGMENT_MS - f.producerMs());
        });
      }

      @Override
      public int size() {
        return count;
      }
    };
  }

  public static List<Fragment> read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i + 4 <= all.length; i++) {
      if (all[i] == EBML_MAGIC[0] && all[i + 1] == EBML_MAGIC[1] && all[i + 2] == EBML_MAGIC[2]
          && all[i + 3] == EBML_MAGIC[3]) {
        starts.add(i);
      }
    }
    List<Fragment> out = new ArrayList<>();
    for (int k = 0; k < starts.size(); k++) {
      int from = starts.get(k);
      int to = k + 1 < starts.size() ? starts.get(k + 1) : all.length;
      byte[] bytes = Arrays.copyOfRange(all, from, to);
      String number = tagValue(bytes, "AWS_KINESISVIDEO_FRAGMENT_NUMBER");
      String producer = tagValue(bytes, "AWS_KINESISVIDEO_PRODUCER_TIMESTAMP");
      out.add(new Fragment(number, new BigDecimal(producer).movePointRight(3).longValueExact(), bytes));
    }
    return out;
  }

  /** The TagString (id 0x4487) following a TagName's text. */
  static String tagValue(byte[] bytes, String name) {
    int at = indexOf(bytes, name.getBytes(StandardCharsets.US_ASCII), 0);
    if (at < 0) {
      throw new IllegalStateException("no tag " + name);
    }
    int i = at + name.length();
    while (!(bytes[i] == 0x44 && bytes[i + 1] == (byte) 0x87)) {
      i++;
    }
    i += 2;
    int first = bytes[i] & 0xff;
    int length = Integer.numberOfLeadingZeros(first) - 23; // EBML vint: leading zeros + 1 bytes
    long size = first & (0xff >> length);
    for (int j = 1; j < length; j++) {
      size = (size << 8) | (bytes[i + j] & 0xff);
    }
    i += length;
    return new String(bytes, i, (int) size, StandardCharsets.US_ASCII).trim();
  }

  static String seconds(long ms) {
    return BigDecimal.valueOf(ms).movePointLeft(3).setScale(3).toPlainString();
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] replaceAll(byte[] bytes, String from, String to) {
    byte[] out = bytes.clone();
    byte[] f = from.getBytes(StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(StandardCharsets.US_ASCII);
    for (int at = indexOf(out, f, 0); at >= 0; at = indexOf(out, f, at + f.length)) {
      System.arraycopy(t, 0, out, at, t.length);
    }
    return out;
  }
}
