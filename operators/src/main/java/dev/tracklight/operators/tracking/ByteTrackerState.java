package dev.tracklight.operators.tracking;

import dev.tracklight.inference.InvalidInputException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary codec of a {@link ByteTracker}'s state, for Flink keyed state and checkpoints: no Java
 * serialization, no Kryo, big-endian primitives via {@link ByteBuffer}.
 *
 * <pre>
 * byte    version (= {@value #VERSION})
 * int     frameId, int lastId
 * int     tracked count, then tracks;  int lost count, then tracks
 * track:  int id, int classId, float score, byte state, byte flags (1 = activated,
 *         2 = in removal history), int frameId, int startFrame,
 *         8 doubles Kalman mean, 12 doubles block-diagonal covariance
 * </pre>
 *
 * A track is {@value #TRACK_BYTES} bytes. Doubles are stored bit-exactly, so a restored tracker
 * continues with outputs identical to an uninterrupted one. A new layout must bump the version.
 */
public final class ByteTrackerState {

  /** Current layout version; decoding any other fails. */
  public static final byte VERSION = 1;
  static final int HEADER_BYTES = 1 + 4 + 4;
  static final int TRACK_BYTES = 4 + 4 + 4 + 1 + 1 + 4 + 4
      + 8 * (KalmanBoxFilter.MEAN_SIZE + KalmanBoxFilter.COV_SIZE);
  private static final int FLAG_ACTIVATED = 1;
  private static final int FLAG_REMOVED_HISTORY = 2;

  /** A decoded state. */
  record Decoded(int frameId, int lastId, List<Track> tracked, List<Track> lost) {}

  private ByteTrackerState() {}

  static byte[] encode(int frameId, int lastId, List<Track> tracked, List<Track> lost) {
    ByteBuffer buf = ByteBuffer.allocate(
        HEADER_BYTES + 8 + TRACK_BYTES * (tracked.size() + lost.size()));
    buf.put(VERSION).putInt(frameId).putInt(lastId);
    putTracks(buf, tracked);
    putTracks(buf, lost);
    return buf.array();
  }

  private static void putTracks(ByteBuffer buf, List<Track> tracks) {
    buf.putInt(tracks.size());
    for (Track t : tracks) {
      buf.putInt(t.id).putInt(t.classId).putFloat(t.score).put(t.state);
      buf.put((byte) ((t.activated ? FLAG_ACTIVATED : 0)
          | (t.inRemovedHistory ? FLAG_REMOVED_HISTORY : 0)));
      buf.putInt(t.frameId).putInt(t.startFrame);
      for (double v : t.mean) {
        buf.putDouble(v);
      }
      for (double v : t.cov) {
        buf.putDouble(v);
      }
    }
  }

  static Decoded decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidInputException("empty ByteTracker state: expected bytes from snapshot()");
    }
    if (bytes[0] != VERSION) {
      throw new InvalidInputException("unsupported ByteTracker state version " + bytes[0]
          + ": expected version " + VERSION);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      buf.get();
      int frameId = buf.getInt();
      int lastId = buf.getInt();
      List<Track> tracked = getTracks(buf);
      List<Track> lost = getTracks(buf);
      if (buf.hasRemaining()) {
        throw new InvalidInputException("corrupt ByteTracker state: " + buf.remaining()
            + " trailing bytes after the last track");
      }
      return new Decoded(frameId, lastId, tracked, lost);
    } catch (BufferUnderflowException e) {
      throw new InvalidInputException("truncated ByteTracker state (" + bytes.length
          + " bytes): expected a complete snapshot", e);
    }
  }

  private static List<Track> getTracks(ByteBuffer buf) {
    int n = buf.getInt();
    if (n < 0 || (long) n * TRACK_BYTES > buf.remaining()) {
      throw new InvalidInputException("corrupt ByteTracker state: track count " + n
          + " does not fit the remaining " + buf.remaining() + " bytes");
    }
    List<Track> tracks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Track t = new Track(buf.getInt());
      t.classId = buf.getInt();
      t.score = buf.getFloat();
      t.state = buf.get();
      if (t.state < Track.TRACKED || t.state > Track.REMOVED) {
        throw new InvalidInputException("corrupt ByteTracker state: track " + t.id
            + " has state " + t.state + ", expected 1..3");
      }
      int flags = buf.get();
      t.activated = (flags & FLAG_ACTIVATED) != 0;
      t.inRemovedHistory = (flags & FLAG_REMOVED_HISTORY) != 0;
      t.frameId = buf.getInt();
      t.startFrame = buf.getInt();
      for (int k = 0; k < t.mean.length; k++) {
        t.mean[k] = buf.getDouble();
      }
      for (int k = 0; k < t.cov.length; k++) {
        t.cov[k] = buf.getDouble();
      }
      tracks.add(t);
    }
    return tracks;
  }
}
