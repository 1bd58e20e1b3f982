package dev.tracklight.operators.stream;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detections;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Wire encodings shared by the stream record serializers: images as raw BGR bytes, detections as
 * their primitive columns. Big-endian, as Flink's data views write.
 *
 * <p>Detections: {@code int count}, boxes, then {@code score, classId, trackId} per detection. When
 * tracks carry detection classes that differ from their track classes, the count is written as
 * {@code ~count} (negative) and the detection classes follow as {@code count} ints; a non-negative
 * count is the original layout, so records and state written before that column existed still read.
 */
public final class StreamCodec {

  /**
   * A sanity bound for decoding: 16k × 16k × 3 bytes. A larger length means a corrupt stream, and
   * failing beats allocating gigabytes.
   */
  private static final long MAX_IMAGE_BYTES = 16_384L * 16_384 * 3;
  /** More detections than any model emits per frame (Ultralytics' max_det is 300). */
  private static final int MAX_DETECTIONS = 100_000;

  private StreamCodec() {}

  static void writeImage(BgrImage image, DataOutputView out) throws IOException {
    out.writeInt(image.width());
    out.writeInt(image.height());
    out.write(image.pixels());
  }

  static BgrImage readImage(DataInputView in) throws IOException {
    int w = in.readInt();
    int h = in.readInt();
    long bytes = (long) w * h * 3;
    if (w <= 0 || h <= 0 || bytes > MAX_IMAGE_BYTES) {
      throw new IOException("corrupt frame record: image size " + w + "x" + h);
    }
    byte[] pixels = new byte[(int) bytes];
    in.readFully(pixels);
    return new BgrImage(w, h, pixels);
  }

  static void copyImage(DataInputView in, DataOutputView out) throws IOException {
    int w = in.readInt();
    int h = in.readInt();
    out.writeInt(w);
    out.writeInt(h);
    out.write(in, Math.multiplyExact(Math.multiplyExact(w, h), 3));
  }

  public static void writeDetections(Detections d, DataOutputView out) throws IOException {
    int n = d.size();
    boolean detClasses = d.hasDetectionClasses();
    out.writeInt(detClasses ? ~n : n);
    float[] boxes = d.boxes();
    for (int i = 0; i < 4 * n; i++) {
      out.writeFloat(boxes[i]);
    }
    for (int i = 0; i < n; i++) {
      out.writeFloat(d.score(i));
      out.writeInt(d.classId(i));
      out.writeInt(d.trackId(i));
    }
    if (detClasses) {
      for (int i = 0; i < n; i++) {
        out.writeInt(d.detectionClassId(i));
      }
    }
  }

  public static Detections readDetections(DataInputView in) throws IOException {
    int count = in.readInt();
    boolean detClasses = count < 0;
    int n = detClasses ? ~count : count;
    if (n < 0 || n > MAX_DETECTIONS) {
      throw new IOException("corrupt record: " + n + " detections");
    }
    if (n == 0) {
      return Detections.empty();
    }
    float[] boxes = new float[4 * n];
    for (int i = 0; i < 4 * n; i++) {
      boxes[i] = in.readFloat();
    }
    float[] scores = new float[n];
    int[] classes = new int[n];
    int[] tracks = new int[n];
    for (int i = 0; i < n; i++) {
      scores[i] = in.readFloat();
      classes[i] = in.readInt();
      tracks[i] = in.readInt();
    }
    int[] detectionClasses = null;
    if (detClasses) {
      detectionClasses = new int[n];
      for (int i = 0; i < n; i++) {
        detectionClasses[i] = in.readInt();
      }
    }
    return Detections.of(boxes, scores, classes, tracks, detectionClasses);
  }

  static void copyDetections(DataInputView in, DataOutputView out) throws IOException {
    int count = in.readInt();
    int n = count < 0 ? ~count : count;
    if (n > MAX_DETECTIONS) {
      throw new IOException("corrupt record: " + n + " detections");
    }
    out.writeInt(count);
    out.write(in, Math.multiplyExact(n, 4 * 4 + 4 + 4 + 4 + (count < 0 ? 4 : 0)));
  }

  static StreamEnd readEnd(DataInputView in) throws IOException {
    int ordinal = in.readUnsignedByte();
    StreamEnd[] values = StreamEnd.values();
    if (ordinal >= values.length) {
      throw new IOException("corrupt record: stream end " + ordinal);
    }
    return values[ordinal];
  }

  static void checkVersion(int found, int expected, String what) throws IOException {
    if (found != expected) {
      throw new IOException("unsupported " + what + " record version " + found + "; this build reads "
          + expected);
    }
  }
}
