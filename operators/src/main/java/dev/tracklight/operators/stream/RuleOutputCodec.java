package dev.tracklight.operators.stream;

import dev.tracklight.operators.highlights.EventType;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.LineDirection;
import dev.tracklight.operators.highlights.NormalizedBox;
import dev.tracklight.operators.highlights.NormalizedPoint;
import dev.tracklight.operators.highlights.RuleEvent;
import dev.tracklight.operators.highlights.RuleKind;
import dev.tracklight.operators.highlights.RuleState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of {@link FrameRules} inside {@link FrameDetectionsSerializer}'s records: counts
 * first, enums by ordinal (append-only enums; a reordering needs a new record format version),
 * absent values flagged by a byte. Usually two zero counts: most frames cause no event.
 */
final class RuleOutputCodec {

  private RuleOutputCodec() {}

  static void write(FrameRules rules, DataOutput out) throws IOException {
    out.writeInt(rules.events().size());
    for (RuleEvent e : rules.events()) {
      writeEvent(e, out);
    }
    out.writeInt(rules.highlights().size());
    for (Highlight h : rules.highlights()) {
      writeHighlight(h, out);
    }
    out.writeInt(rules.states().size());
    for (RuleState st : rules.states()) {
      out.writeUTF(st.rule());
      out.writeByte(st.kind().ordinal());
      out.writeInt(st.geometry().size());
      for (NormalizedPoint p : st.geometry()) {
        out.writeDouble(p.x());
        out.writeDouble(p.y());
      }
      out.writeInt(st.occupancy());
      out.writeLong(st.in());
      out.writeLong(st.out());
      out.writeBoolean(st.alerting());
    }
  }

  /**
   * Reads what {@link #write} wrote.
   *
   * @param withStates false for records of the format before rule states (version 2)
   */
  static FrameRules read(DataInput in, boolean withStates) throws IOException {
    int events = count(in.readInt(), "rule events");
    List<RuleEvent> list = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      list.add(readEvent(in));
    }
    List<Highlight> highlights = readHighlights(in, count(in.readInt(), "highlights"));
    List<RuleState> states = withStates ? readStates(in) : List.of();
    if (list.isEmpty() && highlights.isEmpty() && states.isEmpty()) {
      return FrameRules.NONE;
    }
    return new FrameRules(list, highlights, states);
  }

  private static List<RuleState> readStates(DataInput in) throws IOException {
    int n = count(in.readInt(), "rule states");
    List<RuleState> states = new ArrayList<>(n);
    RuleKind[] kinds = RuleKind.values();
    for (int i = 0; i < n; i++) {
      String rule = in.readUTF();
      int kind = in.readUnsignedByte();
      if (kind >= kinds.length) {
        throw new IOException("corrupt rule state: kind " + kind + "; expected 0.." + (kinds.length - 1));
      }
      int points = count(in.readInt(), "rule points");
      List<NormalizedPoint> geometry = new ArrayList<>(points);
      for (int k = 0; k < points; k++) {
        geometry.add(new NormalizedPoint(in.readDouble(), in.readDouble()));
      }
      states.add(new RuleState(rule, kinds[kind], geometry, in.readInt(), in.readLong(),
          in.readLong(), in.readBoolean()));
    }
    return states;
  }

  private static List<Highlight> readHighlights(DataInput in, int n) throws IOException {
    List<Highlight> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(readHighlight(in));
    }
    return list;
  }

  static void writeEvent(RuleEvent e, DataOutput out) throws IOException {
    out.writeUTF(e.rule());
    out.writeByte(e.ruleKind().ordinal());
    out.writeByte(e.type().ordinal());
    out.writeLong(e.frameIndex());
    out.writeLong(e.timestampMs());
    out.writeLong(e.startMs());
    out.writeLong(e.peakFrameIndex());
    writeInts(e.trackIds(), out);
    writeInts(e.classIds(), out);
    out.writeBoolean(e.box() != null);
    if (e.box() != null) {
      out.writeFloat(e.box().x1());
      out.writeFloat(e.box().y1());
      out.writeFloat(e.box().x2());
      out.writeFloat(e.box().y2());
    }
    out.writeByte(e.direction() == null ? -1 : e.direction().ordinal());
    out.writeInt(e.count());
    out.writeDouble(e.score());
  }

  static RuleEvent readEvent(DataInput in) throws IOException {
    String rule = in.readUTF();
    RuleKind kind = enumValue(RuleKind.values(), in.readByte(), "rule kind");
    EventType type = enumValue(EventType.values(), in.readByte(), "event type");
    long frame = in.readLong();
    long ts = in.readLong();
    long start = in.readLong();
    long peak = in.readLong();
    List<Integer> tracks = readInts(in);
    List<Integer> classes = readInts(in);
    NormalizedBox box = in.readBoolean()
        ? new NormalizedBox(in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat()) : null;
    byte dir = in.readByte();
    LineDirection direction = dir < 0 ? null : enumValue(LineDirection.values(), dir, "direction");
    return new RuleEvent(rule, kind, type, frame, ts, start, peak, tracks, classes, box, direction,
        in.readInt(), in.readDouble());
  }

  static void writeHighlight(Highlight h, DataOutput out) throws IOException {
    out.writeUTF(h.id());
    out.writeUTF(h.camera());
    out.writeDouble(h.startS());
    out.writeDouble(h.endS());
    out.writeDouble(h.score());
    writeStrings(h.reasons(), out);
    writeInts(h.trackIds(), out);
    writeStrings(h.classes(), out);
    out.writeLong(h.peakFrame());
  }

  static Highlight readHighlight(DataInput in) throws IOException {
    return new Highlight(in.readUTF(), in.readUTF(), in.readDouble(), in.readDouble(),
        in.readDouble(), readStrings(in), readInts(in), readStrings(in), in.readLong());
  }

  private static void writeInts(List<Integer> values, DataOutput out) throws IOException {
    out.writeInt(values.size());
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static List<Integer> readInts(DataInput in) throws IOException {
    int n = count(in.readInt(), "ids");
    List<Integer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(in.readInt());
    }
    return list;
  }

  private static void writeStrings(List<String> values, DataOutput out) throws IOException {
    out.writeInt(values.size());
    for (String v : values) {
      out.writeUTF(v);
    }
  }

  private static List<String> readStrings(DataInput in) throws IOException {
    int n = count(in.readInt(), "names");
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(in.readUTF());
    }
    return list;
  }

  /** Guards allocations against corrupt input: no frame has millions of events or ids. */
  private static int count(int n, String what) throws IOException {
    if (n < 0 || n > 1_000_000) {
      throw new IOException("corrupt record: " + n + " " + what);
    }
    return n;
  }

  private static <E extends Enum<E>> E enumValue(E[] values, int ordinal, String what)
      throws IOException {
    if (ordinal < 0 || ordinal >= values.length) {
      throw new IOException("corrupt record: " + what + " " + ordinal);
    }
    return values[ordinal];
  }
}
