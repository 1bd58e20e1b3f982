package dev.tracklight.operators.highlights;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Zone membership of tracks, and the three rules built on it: {@code zone} (entry / exit /
 * occupancy), {@code loitering} (dwell longer than a limit) and {@code crowd} (occupancy at least N
 * for T seconds).
 *
 * <p>Design: per track, a confirmed inside/outside state plus a streak of frames that disagree with
 * it; the state flips when the streak reaches {@code inertia}, and the transition is dated at the
 * streak's first frame. A new track starts confirmed outside, so an object that appears inside
 * enters after {@code inertia} frames. A track missing from a frame breaks its streak; a track
 * unseen for {@code trackExpiryMs} is dropped, and if it was inside it exits at its last sighting.
 * Tracks live in a {@link TreeMap} so iteration (and the events it produces) is deterministic and
 * identical after a snapshot restore.
 */
final class ZoneEvaluator implements RuleEvaluator {

  private final Rule rule;
  private final Polygon polygon;
  private final ClassFilter classes;
  private final int inertia;
  private final long trackExpiryMs;
  /** Loitering limit, or -1 for other kinds. */
  private final long loiterMs;
  /** Crowd size and duration, or 0 for other kinds. */
  private final int crowdCount;
  private final long crowdMs;

  private final TreeMap<Integer, Member> members = new TreeMap<>();
  private int occupancy;
  // Crowd span: condition start (or -1), whether the alert fired, last frame it held, peak size.
  private long crowdStartMs = -1;
  private long crowdStartFrame;
  private boolean crowdAlerted;
  private long crowdLastMs;
  private long crowdLastFrame;
  private int crowdPeak;
  private long crowdPeakFrame;
  /** Tracks and classes inside at any frame of the current crowd span. */
  private final TreeSet<Integer> crowdTracks = new TreeSet<>();
  private final TreeSet<Integer> crowdClasses = new TreeSet<>();

  ZoneEvaluator(Rule rule, long trackExpiryMs) {
    this.rule = rule;
    this.trackExpiryMs = trackExpiryMs;
    if (rule instanceof Rule.Zone z) {
      polygon = z.polygon();
      classes = z.classes();
      inertia = z.inertia();
      loiterMs = -1;
      crowdCount = 0;
      crowdMs = 0;
    } else if (rule instanceof Rule.Loitering l) {
      polygon = l.polygon();
      classes = l.classes();
      inertia = l.inertia();
      loiterMs = Math.round(l.minSeconds() * 1000);
      crowdCount = 0;
      crowdMs = 0;
    } else if (rule instanceof Rule.Crowd c) {
      polygon = c.polygon();
      classes = c.classes();
      inertia = c.inertia();
      loiterMs = -1;
      crowdCount = c.minCount();
      crowdMs = Math.round(c.minSeconds() * 1000);
    } else {
      throw new IllegalArgumentException("not a zone-based rule: " + rule);
    }
  }

  @Override
  public Rule rule() {
    return rule;
  }

  /** Tracks currently (confirmed) inside. */
  int occupancy() {
    return occupancy;
  }

  @Override
  public void onFrame(FrameTracks f, List<RuleEvent> out) {
    int before = occupancy;
    for (Member m : members.values()) {
      m.seenThisFrame = false;
    }
    for (int i = 0; i < f.size(); i++) {
      int cls = f.tracks.classId(i);
      if (!classes.matches(cls)) {
        continue;
      }
      int id = f.tracks.trackId(i);
      Member m = members.computeIfAbsent(id, k -> new Member());
      if (m.seenThisFrame) {
        continue; // a duplicated id within one frame: the first box wins
      }
      m.seenThisFrame = true;
      m.classId = cls;
      m.score = f.tracks.score(i);
      boolean inside = polygon.contains(f.px[i], f.py[i]);
      if (inside == m.inside) {
        m.streak = 0;
      } else {
        if (m.streak == 0) {
          m.streakMs = f.timestampMs;
          m.streakFrame = f.frameIndex;
          System.arraycopy(f.boxes, 4 * i, m.streakBox, 0, 4);
        }
        if (++m.streak >= inertia) {
          m.inside = inside;
          m.streak = 0;
          if (inside) {
            enter(id, m, out);
          } else {
            exit(id, m, m.streakMs, m.streakFrame, m.streakBox, out);
          }
        }
      }
      m.lastMs = f.timestampMs;
      m.lastFrame = f.frameIndex;
      System.arraycopy(f.boxes, 4 * i, m.lastBox, 0, 4);
      if (m.inside && loiterMs >= 0 && !m.alerted && f.timestampMs - m.enteredMs >= loiterMs) {
        m.alerted = true;
        out.add(event(EventType.LOITER, f.frameIndex, f.timestampMs, m.enteredMs, f.frameIndex,
            id, m.classId, m.lastBox, 0, m.score));
      }
    }
    for (Iterator<Map.Entry<Integer, Member>> it = members.entrySet().iterator(); it.hasNext();) {
      Map.Entry<Integer, Member> e = it.next();
      Member m = e.getValue();
      if (m.seenThisFrame) {
        continue;
      }
      m.streak = 0;
      if (f.timestampMs - m.lastMs > trackExpiryMs) {
        // Read the key before remove(): TreeMap may reuse the removed entry for its successor.
        int id = e.getKey();
        it.remove();
        if (m.inside) {
          exit(id, m, m.lastMs, m.lastFrame, m.lastBox, out);
        }
      }
    }
    if (rule.kind() == RuleKind.ZONE && occupancy != before) {
      out.add(event(EventType.OCCUPANCY, f.frameIndex, f.timestampMs, f.timestampMs, f.frameIndex,
          -1, -1, null, occupancy, 1.0));
    }
    if (crowdCount > 0) {
      updateCrowd(f, out);
    }
  }

  private void enter(int id, Member m, List<RuleEvent> out) {
    occupancy++;
    m.enteredMs = m.streakMs;
    m.alerted = false;
    if (rule.kind() == RuleKind.ZONE) {
      out.add(event(EventType.ENTRY, m.streakFrame, m.streakMs, m.streakMs, m.streakFrame, id,
          m.classId, m.streakBox, 0, m.score));
    }
  }

  private void exit(int id, Member m, long ms, long frame, float[] box, List<RuleEvent> out) {
    occupancy--;
    m.inside = false;
    if (rule.kind() == RuleKind.ZONE) {
      out.add(event(EventType.EXIT, frame, ms, ms, frame, id, m.classId, box, 0, m.score));
    } else if (rule.kind() == RuleKind.LOITERING && m.alerted) {
      out.add(event(EventType.LOITER_END, frame, ms, Math.min(m.enteredMs, ms), frame, id,
          m.classId, box, 0, m.score));
    }
    m.alerted = false;
  }

  private void updateCrowd(FrameTracks f, List<RuleEvent> out) {
    if (occupancy >= crowdCount) {
      if (crowdStartMs < 0) {
        crowdStartMs = f.timestampMs;
        crowdStartFrame = f.frameIndex;
        crowdPeak = 0;
        crowdTracks.clear();
        crowdClasses.clear();
      }
      for (Map.Entry<Integer, Member> e : members.entrySet()) {
        if (e.getValue().inside) {
          if (crowdTracks.size() < AppearanceEvaluator.MAX_SPAN_TRACKS) {
            crowdTracks.add(e.getKey());
          }
          crowdClasses.add(e.getValue().classId);
        }
      }
      crowdLastMs = f.timestampMs;
      crowdLastFrame = f.frameIndex;
      if (occupancy > crowdPeak) {
        crowdPeak = occupancy;
        crowdPeakFrame = f.frameIndex;
      }
      if (!crowdAlerted && f.timestampMs - crowdStartMs >= crowdMs) {
        crowdAlerted = true;
        out.add(crowdEvent(EventType.CROWD, f.frameIndex, f.timestampMs, f.frameIndex));
      }
    } else if (crowdStartMs >= 0) {
      closeCrowd(out);
    }
  }

  private void closeCrowd(List<RuleEvent> out) {
    if (crowdAlerted) {
      out.add(crowdEvent(EventType.CROWD_END, crowdLastFrame, crowdLastMs, crowdPeakFrame));
    }
    crowdStartMs = -1;
    crowdAlerted = false;
  }

  private RuleEvent crowdEvent(EventType type, long frame, long ms, long peakFrame) {
    List<Integer> ids = List.copyOf(crowdTracks);
    List<Integer> cls = List.copyOf(crowdClasses);
    // Score: how far the crowd exceeded the limit, saturating (limit -> 0.5, twice the limit -> 2/3).
    double score = crowdPeak / (double) (crowdPeak + crowdCount);
    return new RuleEvent(rule.name(), rule.kind(), type, frame, ms, crowdStartMs, peakFrame, ids,
        cls, null, null, type == EventType.CROWD ? occupancy : crowdPeak, score);
  }

  @Override
  public void finish(long endTimestampMs, List<RuleEvent> out) {
    for (Map.Entry<Integer, Member> e : members.entrySet()) {
      Member m = e.getValue();
      if (m.inside && rule.kind() == RuleKind.LOITERING && m.alerted) {
        out.add(event(EventType.LOITER_END, m.lastFrame, m.lastMs, Math.min(m.enteredMs, m.lastMs),
            m.lastFrame, e.getKey(), m.classId, m.lastBox, 0, m.score));
        m.alerted = false;
      }
    }
    if (crowdStartMs >= 0) {
      closeCrowd(out);
    }
  }

  private RuleEvent event(EventType type, long frame, long ms, long startMs, long peakFrame,
      int trackId, int classId, float[] box, int count, double score) {
    return new RuleEvent(rule.name(), rule.kind(), type, frame, ms, startMs, peakFrame,
        trackId < 0 ? List.of() : List.of(trackId), classId < 0 ? List.of() : List.of(classId),
        box == null ? null : new NormalizedBox(box[0], box[1], box[2], box[3]), null,
        type == EventType.OCCUPANCY ? count : occupancy, score);
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    out.writeInt(occupancy);
    out.writeLong(crowdStartMs);
    out.writeLong(crowdStartFrame);
    out.writeBoolean(crowdAlerted);
    out.writeLong(crowdLastMs);
    out.writeLong(crowdLastFrame);
    out.writeInt(crowdPeak);
    out.writeLong(crowdPeakFrame);
    StateCodec.writeInts(out, crowdTracks);
    StateCodec.writeInts(out, crowdClasses);
    out.writeInt(members.size());
    for (Map.Entry<Integer, Member> e : members.entrySet()) {
      out.writeInt(e.getKey());
      e.getValue().write(out);
    }
  }

  @Override
  public void readState(DataInput in) throws IOException {
    occupancy = in.readInt();
    crowdStartMs = in.readLong();
    crowdStartFrame = in.readLong();
    crowdAlerted = in.readBoolean();
    crowdLastMs = in.readLong();
    crowdLastFrame = in.readLong();
    crowdPeak = in.readInt();
    crowdPeakFrame = in.readLong();
    StateCodec.readInts(in, crowdTracks);
    StateCodec.readInts(in, crowdClasses);
    members.clear();
    int n = StateCodec.count(in);
    for (int i = 0; i < n; i++) {
      int id = in.readInt();
      Member m = new Member();
      m.read(in);
      members.put(id, m);
    }
  }

  /** One track's zone state. */
  private static final class Member {
    boolean inside;
    int streak;
    long streakMs;
    long streakFrame;
    final float[] streakBox = new float[4];
    long enteredMs;
    boolean alerted;
    long lastMs;
    long lastFrame;
    final float[] lastBox = new float[4];
    int classId;
    float score;
    /** Scratch flag within one onFrame call; not state. */
    boolean seenThisFrame;

    void write(DataOutput out) throws IOException {
      out.writeBoolean(inside);
      out.writeInt(streak);
      out.writeLong(streakMs);
      out.writeLong(streakFrame);
      StateCodec.writeFloats(out, streakBox);
      out.writeLong(enteredMs);
      out.writeBoolean(alerted);
      out.writeLong(lastMs);
      out.writeLong(lastFrame);
      StateCodec.writeFloats(out, lastBox);
      out.writeInt(classId);
      out.writeFloat(score);
    }

    void read(DataInput in) throws IOException {
      inside = in.readBoolean();
      streak = in.readInt();
      streakMs = in.readLong();
      streakFrame = in.readLong();
      StateCodec.readFloats(in, streakBox);
      enteredMs = in.readLong();
      alerted = in.readBoolean();
      lastMs = in.readLong();
      lastFrame = in.readLong();
      StateCodec.readFloats(in, lastBox);
      classId = in.readInt();
      score = in.readFloat();
    }
  }
}
