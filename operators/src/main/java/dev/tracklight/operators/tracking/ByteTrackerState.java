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
 * byte    version (= {@value #VERSION}; {@value #VERSION_1} still decodes)
 * int     frameId, int lastId
 * byte    flags (v2 only): 1 = tracks carry observed motion (oc-bytetrack)
 * int     tracked count, then tracks;  int lost count, then tracks
 * track:  int id, int classId, float score, byte state, byte flags (1 = activated,
 *         2 = in removal history), int frameId, int startFrame,
 *         8 doubles Kalman mean, 12 doubles block-diagonal covariance   (v1 ends here)
 *         class vote: byte n, n x (int classId, float weight), int label
 *         observed motion (if flagged): byte present, int frame, 4 doubles box (cx, cy, a, h),
 *         8 + 12 doubles Kalman state right after that observation
 * </pre>
 *
 * A v1 track is {@value #TRACK_BYTES} bytes. Doubles are stored bit-exactly, so a restored tracker
 * continues with outputs identical to an uninterrupted one. A new layout must bump the version. A
 * v1 state (before class votes) restores with each track's class vote started from its last
 * detection, and without observed motion, which an oc-bytetrack tracker then builds up anew.
 */
public final class ByteTrackerState {

  /** Current layout version; decoding any other fails. */
  public static final byte VERSION = 2;
  /** The layout before class votes and observed motion. */
  static final byte VERSION_1 = 1;
  private static final int STATE_FLAG_MOTION = 1;
  static final int HEADER_BYTES = 1 + 4 + 4;
  static final int TRACK_BYTES = 4 + 4 + 4 + 1 + 1 + 4 + 4
      + 8 * (KalmanBoxFilter.MEAN_SIZE + KalmanBoxFilter.COV_SIZE);
  private static final int FLAG_ACTIVATED = 1;
  private static final int FLAG_REMOVED_HISTORY = 2;

  /** A decoded state. */
  record Decoded(int frameId, int lastId, List<Track> tracked, List<Track> lost) {}

  /** Most bytes of a track's v2 extensions (class vote and observed motion). */
  private static final int MAX_EXTRA_BYTES = 1 + TrackClass.MAX_CLASSES * 8 + 4 + 1 + 4 + 8 * 4
      + 8 * (KalmanBoxFilter.MEAN_SIZE + KalmanBoxFilter.COV_SIZE);

  private ByteTrackerState() {}

  static byte[] encode(int frameId, int lastId, List<Track> tracked, List<Track> lost,
      boolean motion) {
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + 1 + 8
        + (TRACK_BYTES + MAX_EXTRA_BYTES) * (tracked.size() + lost.size()));
    buf.put(VERSION).putInt(frameId).putInt(lastId);
    buf.put((byte) (motion ? STATE_FLAG_MOTION : 0));
    putTracks(buf, tracked, motion);
    putTracks(buf, lost, motion);
    return java.util.Arrays.copyOf(buf.array(), buf.position());
  }

  private static void putTracks(ByteBuffer buf, List<Track> tracks, boolean motion) {
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
      TrackClass c = t.trackClass;
      buf.put((byte) c.size);
      for (int i = 0; i < c.size; i++) {
        buf.putInt(c.classes[i]).putFloat(c.weights[i]);
      }
      buf.putInt(c.label);
      if (motion) {
        putMotion(buf, t.motion);
      }
    }
  }

  private static void putMotion(ByteBuffer buf, ObservedMotion m) {
    buf.put((byte) (m.present ? 1 : 0)).putInt(m.frame);
    for (double v : m.box) {
      buf.putDouble(v);
    }
    for (double v : m.obsMean) {
      buf.putDouble(v);
    }
    for (double v : m.obsCov) {
      buf.putDouble(v);
    }
  }

  private static void getMotion(ByteBuffer buf, Track t) {
    ObservedMotion m = t.motion;
    int present = buf.get();
    if (present != 0 && present != 1) {
      throw new InvalidInputException("corrupt ByteTracker state: track " + t.id
          + " has observation flag " + present + ", expected 0 or 1");
    }
    m.present = present == 1;
    m.frame = buf.getInt();
    for (int k = 0; k < m.box.length; k++) {
      m.box[k] = buf.getDouble();
    }
    for (int k = 0; k < m.obsMean.length; k++) {
      m.obsMean[k] = buf.getDouble();
    }
    for (int k = 0; k < m.obsCov.length; k++) {
      m.obsCov[k] = buf.getDouble();
    }
  }

  static Decoded decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidInputException("empty ByteTracker state: expected bytes from snapshot()");
    }
    int version = bytes[0];
    if (version != VERSION && version != VERSION_1) {
      throw new InvalidInputException("unsupported ByteTracker state version " + bytes[0]
          + ": expected version " + VERSION_1 + " or " + VERSION);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      buf.get();
      int frameId = buf.getInt();
      int lastId = buf.getInt();
      boolean v2 = version == VERSION;
      int flags = v2 ? buf.get() : 0;
      if ((flags & ~STATE_FLAG_MOTION) != 0) {
        throw new InvalidInputException("corrupt ByteTracker state: unknown flags " + flags);
      }
      boolean motion = (flags & STATE_FLAG_MOTION) != 0;
      List<Track> tracked = getTracks(buf, v2, motion);
      List<Track> lost = getTracks(buf, v2, motion);
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

  private static List<Track> getTracks(ByteBuffer buf, boolean v2, boolean motion) {
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
      if (v2) {
        TrackClass c = t.trackClass;
        c.size = buf.get();
        if (c.size < 1 || c.size > TrackClass.MAX_CLASSES) {
          throw new InvalidInputException("corrupt ByteTracker state: track " + t.id + " has "
              + c.size + " class votes, expected 1.." + TrackClass.MAX_CLASSES);
        }
        for (int k = 0; k < c.size; k++) {
          c.classes[k] = buf.getInt();
          c.weights[k] = buf.getFloat();
        }
        c.label = buf.getInt();
        if (motion) {
          getMotion(buf, t);
        }
      } else {
        t.trackClass.start(t.classId, t.score);
      }
      tracks.add(t);
    }
    return tracks;
  }
}
