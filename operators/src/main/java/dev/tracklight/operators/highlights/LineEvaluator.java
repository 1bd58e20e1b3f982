package dev.tracklight.operators.highlights;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Line crossings with inertia, counted per class and direction.
 *
 * <p>Design: per track, the confirmed side of the directed line ({@code -1} left, {@code +1} right,
 * see {@link Geometry#side}) and the last position seen on that side. A position on the other side
 * starts a streak; after {@code inertia} consecutive frames there the side flips. It is a crossing
 * only if the step from the last position on the old side to the first position on the new side
 * intersects the segment itself, so passing beside the end of a short line does not count. A
 * position exactly on the line carries no side information and is skipped. New tracks take their
 * first side without an event; tracks unseen for {@code trackExpiryMs} are dropped.
 */
final class LineEvaluator implements RuleEvaluator {

  private final Rule.Line rule;
  private final long trackExpiryMs;
  private final TreeMap<Integer, Side> sides = new TreeMap<>();
  /** classId -> {in, out}. */
  private final TreeMap<Integer, long[]> counts = new TreeMap<>();

  LineEvaluator(Rule.Line rule, long trackExpiryMs) {
    this.rule = rule;
    this.trackExpiryMs = trackExpiryMs;
  }

  @Override
  public Rule rule() {
    return rule;
  }

  List<LineCount> counts() {
    List<LineCount> list = new ArrayList<>(counts.size());
    counts.forEach((cls, c) -> list.add(new LineCount(cls, c[0], c[1])));
    return list;
  }

  @Override
  public void onFrame(FrameTracks f, List<RuleEvent> out) {
    NormalizedPoint a = rule.a();
    NormalizedPoint b = rule.b();
    for (int i = 0; i < f.size(); i++) {
      int cls = f.tracks.classId(i);
      if (!rule.classes().matches(cls)) {
        continue;
      }
      int id = f.tracks.trackId(i);
      double x = f.px[i];
      double y = f.py[i];
      double s = Geometry.side(a.x(), a.y(), b.x(), b.y(), x, y);
      Side t = sides.get(id);
      if (t == null) {
        t = new Side();
        sides.put(id, t);
      }
      t.lastMs = f.timestampMs;
      if (s == 0) {
        continue;
      }
      int side = s > 0 ? 1 : -1;
      if (t.side == 0 || side == t.side) {
        t.side = side;
        t.streak = 0;
        t.x = x;
        t.y = y;
        continue;
      }
      if (t.streak == 0) {
        t.streakMs = f.timestampMs;
        t.streakFrame = f.frameIndex;
        System.arraycopy(f.boxes, 4 * i, t.streakBox, 0, 4);
        t.streakScore = f.tracks.score(i);
        t.crossedSegment = Geometry.segmentsIntersect(t.x, t.y, x, y, a.x(), a.y(), b.x(), b.y());
      }
      if (++t.streak < rule.inertia()) {
        continue;
      }
      t.side = side;
      t.streak = 0;
      t.x = x;
      t.y = y;
      LineDirection dir = side > 0 ? LineDirection.IN : LineDirection.OUT;
      if (t.crossedSegment && rule.direction().accepts(dir)) {
        long[] c = counts.computeIfAbsent(cls, k -> new long[2]);
        long n = ++c[dir == LineDirection.IN ? 0 : 1];
        out.add(new RuleEvent(rule.name(), rule.kind(), EventType.CROSSING, t.streakFrame,
            t.streakMs, t.streakMs, t.streakFrame, List.of(id), List.of(cls),
            new NormalizedBox(t.streakBox[0], t.streakBox[1], t.streakBox[2], t.streakBox[3]), dir,
            (int) Math.min(Integer.MAX_VALUE, n), t.streakScore));
      }
    }
    for (Iterator<Map.Entry<Integer, Side>> it = sides.entrySet().iterator(); it.hasNext();) {
      Side t = it.next().getValue();
      if (t.lastMs != f.timestampMs) {
        t.streak = 0; // inertia counts consecutive frames of the track
        if (f.timestampMs - t.lastMs > trackExpiryMs) {
          it.remove();
        }
      }
    }
  }

  @Override
  public void finish(long endTimestampMs, List<RuleEvent> out) {
    // Crossings are instantaneous: nothing is open at the end of a stream.
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<Integer, long[]> e : counts.entrySet()) {
      out.writeInt(e.getKey());
      out.writeLong(e.getValue()[0]);
      out.writeLong(e.getValue()[1]);
    }
    out.writeInt(sides.size());
    for (Map.Entry<Integer, Side> e : sides.entrySet()) {
      Side t = e.getValue();
      out.writeInt(e.getKey());
      out.writeByte(t.side);
      out.writeInt(t.streak);
      out.writeDouble(t.x);
      out.writeDouble(t.y);
      out.writeLong(t.lastMs);
      out.writeLong(t.streakMs);
      out.writeLong(t.streakFrame);
      StateCodec.writeFloats(out, t.streakBox);
      out.writeFloat(t.streakScore);
      out.writeBoolean(t.crossedSegment);
    }
  }

  @Override
  public void readState(DataInput in) throws IOException {
    counts.clear();
    int n = StateCodec.count(in);
    for (int i = 0; i < n; i++) {
      counts.put(in.readInt(), new long[] {in.readLong(), in.readLong()});
    }
    sides.clear();
    n = StateCodec.count(in);
    for (int i = 0; i < n; i++) {
      int id = in.readInt();
      Side t = new Side();
      t.side = in.readByte();
      t.streak = in.readInt();
      t.x = in.readDouble();
      t.y = in.readDouble();
      t.lastMs = in.readLong();
      t.streakMs = in.readLong();
      t.streakFrame = in.readLong();
      StateCodec.readFloats(in, t.streakBox);
      t.streakScore = in.readFloat();
      t.crossedSegment = in.readBoolean();
      sides.put(id, t);
    }
  }

  /** One track's side of the line. */
  private static final class Side {
    /** -1, +1, or 0 before the first off-line position. */
    int side;
    int streak;
    /** Last position on the confirmed side. */
    double x;
    double y;
    long lastMs;
    long streakMs;
    long streakFrame;
    final float[] streakBox = new float[4];
    float streakScore;
    boolean crossedSegment;
  }
}
