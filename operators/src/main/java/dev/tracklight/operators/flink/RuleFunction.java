package dev.tracklight.operators.flink;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.HighlightBuilder;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleEngine;
import dev.tracklight.operators.highlights.RuleEvent;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.FrameRules;
import dev.tracklight.operators.stream.StreamCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Runs each camera's highlight rules ({@link RuleEngine}) and highlight building
 * ({@link HighlightBuilder}) in Flink keyed state, right after tracking in the same chain. Every
 * frame passes on with what the rules made of it ({@link FrameDetections#rules()}); every rule
 * event also becomes an {@link Alert} on the {@link #ALERTS} side output.
 *
 * <p><b>Event time.</b> Rules see only the frames' timestamps. Each camera has its own event-time
 * clock, a per-camera watermark {@code max timestamp - maxOutOfOrderMs} (the declared bound): a
 * frame's tracks wait in a small buffer (tracks only, never pixels) until the watermark passes
 * them, then are evaluated in timestamp order; a frame at or behind the last evaluated timestamp is
 * late, counted ({@code lateFrames}) and left out of the rules (it still flows on to the outputs).
 * Per camera rather than Flink's operator watermark, because cameras' clocks are independent: one
 * camera's delay must not hold back another's alerts, and a replay's videos each start at 0. With
 * the default bound 0 (frames of a camera arrive in order through the ordered async operator) the
 * buffer is always empty and alerts leave with the frame that caused them.
 *
 * <p><b>Highlights.</b> A replay ({@code live == false}) delivers all of a video's highlights with
 * its last frame; a live camera delivers each highlight with the first frame after it closed
 * ({@link HighlightBuilder#drainClosed}).
 *
 * <p><b>State and restore.</b> Per camera, two byte-array value states: the engine snapshot plus
 * the reorder buffer (rewritten every frame, a few hundred bytes), and the builder's pending moments
 * (rewritten only when they change). The live objects are cached per key in the function, so a
 * frame costs one engine update and one small snapshot, never a restore; a restored job has a new
 * function instance whose empty cache is filled from state. Frames at or before the last one
 * evaluated (a source replaying after a restore) are dropped by {@link TrackingFunction} upstream,
 * so no event or alert is emitted twice to exactly-once sinks.
 */
public final class RuleFunction extends KeyedProcessFunction<String, FrameDetections, FrameDetections> {

  private static final long serialVersionUID = 1L;

  /** Alerts of every rule event, in the order the events happened per camera. */
  public static final OutputTag<Alert> ALERTS = new OutputTag<>("alerts", Alert.typeInfo());

  /** Layout version of the engine state (the engine and builder carry their own versions too). */
  private static final byte STATE_VERSION = 1;

  private final Map<String, List<Rule>> rulesByCamera;
  private final List<Rule> defaultRules;
  private final List<String> classNames;
  private final long maxOutOfOrderMs;
  private final boolean live;

  private transient ValueState<byte[]> engineState;
  private transient ValueState<byte[]> builderState;
  private transient Map<String, CameraRules> cache;
  private transient ClassNames names;
  private transient Counter lateFrames;
  private transient Counter events;
  private transient Counter highlights;

  /**
   * @param rulesByCamera each camera's rules; cameras not in it get {@code defaultRules}
   * @param defaultRules rules of the other cameras (non-empty)
   * @param classNames the model's class names, for alerts
   * @param maxOutOfOrderMs how far behind the newest frame a camera's frame may arrive and still be
   *     evaluated in order (>= 0); it delays events by as much
   * @param live drain highlights as they close (live) instead of at the end of the stream (replay)
   */
  public RuleFunction(Map<String, List<Rule>> rulesByCamera, List<Rule> defaultRules,
      List<String> classNames, long maxOutOfOrderMs, boolean live) {
    if (defaultRules.isEmpty()) {
      throw new IllegalArgumentException("default rules must not be empty");
    }
    if (maxOutOfOrderMs < 0) {
      throw new IllegalArgumentException("maxOutOfOrderMs must be >= 0, got " + maxOutOfOrderMs);
    }
    this.rulesByCamera = new HashMap<>();
    rulesByCamera.forEach((k, v) -> this.rulesByCamera.put(k, List.copyOf(v)));
    this.defaultRules = List.copyOf(defaultRules);
    this.classNames = List.copyOf(classNames);
    this.maxOutOfOrderMs = maxOutOfOrderMs;
    this.live = live;
  }

  @Override
  public void open(OpenContext context) {
    engineState = getRuntimeContext().getState(new ValueStateDescriptor<>("rule-engine",
        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    builderState = getRuntimeContext().getState(new ValueStateDescriptor<>("highlight-moments",
        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    cache = new HashMap<>();
    names = new ClassNames(classNames);
    lateFrames = getRuntimeContext().getMetricGroup().counter("lateFrames");
    events = getRuntimeContext().getMetricGroup().counter("ruleEvents");
    highlights = getRuntimeContext().getMetricGroup().counter("highlights");
  }

  @Override
  public void processElement(FrameDetections frame, Context ctx, Collector<FrameDetections> out)
      throws Exception {
    String camera = frame.cameraId();
    CameraRules st = cache.get(camera);
    if (st == null) {
      st = restore(camera);
      cache.put(camera, st);
    }
    List<RuleEvent> happened = new ArrayList<>(0);
    if (frame.timestampMs() <= st.releasedMs || st.hasPending(frame.timestampMs())) {
      lateFrames.inc();
    } else {
      st.pending.add(new PendingFrame(frame.frameIndex(), frame.timestampMs(),
          frame.image().width(), frame.image().height(), frame.detections()));
      st.maxMs = Math.max(st.maxMs, frame.timestampMs());
    }
    boolean last = frame.end().isLast();
    st.release(last ? Long.MAX_VALUE : st.maxMs - maxOutOfOrderMs, happened);
    if (last) {
      happened.addAll(st.engine.finish(Math.max(st.maxMs, st.releasedMs)));
    }
    boolean builderChanged = !happened.isEmpty();
    for (RuleEvent e : happened) {
      st.builder.accept(e);
      ctx.output(ALERTS, Alert.of(camera, st.rule(e.rule()), e, names, System.currentTimeMillis()));
    }
    List<Highlight> closed;
    if (last) {
      closed = live ? st.builder.drainClosed(Long.MAX_VALUE) : st.builder.build(st.maxMs);
    } else {
      closed = live ? st.builder.drainClosed(st.releasedMs) : List.of();
    }
    builderChanged |= live && !closed.isEmpty();
    events.inc(happened.size());
    highlights.inc(closed.size());
    engineState.update(st.engineBytes());
    if (builderChanged) {
      builderState.update(st.builderBytes());
    }
    out.collect(frame.withRules(new FrameRules(happened, closed,
        st.engine.states(frame.timestampMs()))));
  }

  private CameraRules restore(String camera) throws IOException {
    List<Rule> rules = rulesByCamera.getOrDefault(camera, defaultRules);
    CameraRules st = new CameraRules(camera, rules, names);
    byte[] engineBytes = engineState.value();
    if (engineBytes != null) {
      st.readEngine(engineBytes);
    }
    byte[] builderBytes = builderState.value();
    if (builderBytes != null) {
      st.builder.readState(new DataInputStream(new ByteArrayInputStream(builderBytes)));
    }
    return st;
  }

  /** A frame's tracks waiting for the camera's watermark. */
  private record PendingFrame(long frameIndex, long timestampMs, int width, int height,
      Detections tracks) {}

  /** One camera's live rule objects. */
  private static final class CameraRules {
    final Map<String, Rule> byName = new HashMap<>();
    final List<Rule> rules;
    RuleEngine engine;
    final HighlightBuilder builder;
    final List<PendingFrame> pending = new ArrayList<>(1);
    long releasedMs = Long.MIN_VALUE;
    long maxMs = Long.MIN_VALUE;

    CameraRules(String camera, List<Rule> rules, ClassNames names) {
      this.rules = rules;
      rules.forEach(r -> byName.put(r.name(), r));
      this.engine = new RuleEngine(rules);
      this.builder = new HighlightBuilder(camera, rules, names);
    }

    Rule rule(String name) {
      return byName.get(name);
    }

    boolean hasPending(long timestampMs) {
      for (PendingFrame p : pending) {
        if (p.timestampMs() == timestampMs) {
          return true;
        }
      }
      return false;
    }

    /** Evaluates, in timestamp order, the pending frames at or before {@code watermarkMs}. */
    void release(long watermarkMs, List<RuleEvent> out) {
      if (pending.isEmpty()) {
        return;
      }
      pending.sort((a, b) -> Long.compare(a.timestampMs(), b.timestampMs()));
      int n = 0;
      for (PendingFrame p : pending) {
        if (p.timestampMs() > watermarkMs) {
          break;
        }
        out.addAll(engine.onFrame(p.frameIndex(), p.timestampMs(), p.width(), p.height(), p.tracks()));
        releasedMs = p.timestampMs();
        n++;
      }
      pending.subList(0, n).clear();
    }

    byte[] engineBytes() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(STATE_VERSION);
        out.writeLong(releasedMs);
        out.writeLong(maxMs);
        byte[] engineSnapshot = engine.snapshot();
        out.writeInt(engineSnapshot.length);
        out.write(engineSnapshot);
        out.writeInt(pending.size());
        for (PendingFrame p : pending) {
          out.writeLong(p.frameIndex());
          out.writeLong(p.timestampMs());
          out.writeInt(p.width());
          out.writeInt(p.height());
          StreamCodec.writeDetections(p.tracks(), new DataOutputViewStreamWrapper(out));
        }
      }
      return bytes.toByteArray();
    }

    void readEngine(byte[] state) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
        byte version = in.readByte();
        if (version != STATE_VERSION) {
          throw new IOException("unsupported rule state version " + version + ": expected "
              + STATE_VERSION);
        }
        releasedMs = in.readLong();
        maxMs = in.readLong();
        byte[] engineSnapshot = new byte[in.readInt()];
        in.readFully(engineSnapshot);
        engine = RuleEngine.restore(rules, engineSnapshot);
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          pending.add(new PendingFrame(in.readLong(), in.readLong(), in.readInt(), in.readInt(),
              StreamCodec.readDetections(new DataInputViewStreamWrapper(in))));
        }
      }
    }

    byte[] builderBytes() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        builder.writeState(out);
      }
      return bytes.toByteArray();
    }
  }
}
