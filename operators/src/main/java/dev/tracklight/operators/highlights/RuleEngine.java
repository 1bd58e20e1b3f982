package dev.tracklight.operators.highlights;

import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates a camera's rules on its tracked frames, in event time.
 *
 * <p>Design: one engine per camera (one Flink key later), fed by a single thread in frame order;
 * each rule has its own evaluator with its own state, and all of them see the same normalised view
 * of the frame. Time comes only from the frames' timestamps (no clock is read), so a replay gives
 * the same events at any speed, and timestamps must strictly increase. {@link #snapshot()} writes
 * the whole state as compact bytes ({@link #STATE_VERSION} first, then a fingerprint of the rules,
 * then each evaluator's fixed layout) for keyed state; {@link #restore} continues from them with
 * events identical to an uninterrupted run. The rules themselves are configuration and are not in
 * the snapshot.
 */
public final class RuleEngine {

  /** Layout version of {@link #snapshot()}; a new layout must bump it. */
  public static final byte STATE_VERSION = 2;

  /** Version 1 had no alert state per rule ({@link #states}); it restores with none open. */
  private static final byte STATE_VERSION_WITHOUT_ALERTS = 1;

  /**
   * How long a rule counts as alerting after an instantaneous event (entry, exit, crossing,
   * occupancy), in event time: one second is long enough to see on a video at any frame rate,
   * short enough that a busy door does not stay red for good.
   */
  public static final long ALERT_HOLD_MS = 1000;

  /**
   * Default time after which a track that is no longer reported is forgotten (and exits its
   * zones): longer than ByteTrack's default re-identification buffer (30 frames at 30 fps = 1 s),
   * so a track that comes back under its id keeps its state; short enough to report exits
   * promptly.
   */
  public static final long DEFAULT_TRACK_EXPIRY_MS = 2000;

  private final List<Rule> rules;
  private final long trackExpiryMs;
  private final List<RuleEvaluator> evaluators;
  /** Per rule: alert spans open now (loitering tracks, a crowd, a present class). */
  private final int[] openSpans;
  /** Per rule: timestamp of the frame at which it last raised an event. */
  private final long[] lastEventMs;
  private long frames;
  private long lastFrameIndex = Long.MIN_VALUE;
  private long lastTimestampMs = Long.MIN_VALUE;
  private boolean finished;

  /** An engine for {@code rules} (use {@link RuleParser#defaults()} when none are configured). */
  public RuleEngine(List<Rule> rules) {
    this(rules, DEFAULT_TRACK_EXPIRY_MS);
  }

  public RuleEngine(List<Rule> rules, long trackExpiryMs) {
    if (rules.isEmpty()) {
      throw new InvalidInputException("a rule engine needs at least one rule; expected the"
          + " configured rules or RuleParser.defaults()");
    }
    if (trackExpiryMs <= 0) {
      throw new InvalidInputException("invalid track expiry " + trackExpiryMs
          + " ms: expected a duration > 0");
    }
    this.rules = List.copyOf(rules);
    this.trackExpiryMs = trackExpiryMs;
    this.evaluators = new ArrayList<>(rules.size());
    for (Rule r : this.rules) {
      evaluators.add(evaluatorFor(r, trackExpiryMs));
    }
    this.openSpans = new int[rules.size()];
    this.lastEventMs = new long[rules.size()];
    java.util.Arrays.fill(lastEventMs, Long.MIN_VALUE);
  }

  private static RuleEvaluator evaluatorFor(Rule r, long trackExpiryMs) {
    if (r instanceof Rule.Line l) {
      return new LineEvaluator(l, trackExpiryMs);
    } else if (r instanceof Rule.Appearance a) {
      return new AppearanceEvaluator(a);
    } else if (r instanceof Rule.Activity a) {
      return new ActivityEvaluator(a, trackExpiryMs);
    }
    return new ZoneEvaluator(r, trackExpiryMs); // zone, loitering, crowd
  }

  public List<Rule> rules() {
    return rules;
  }

  /** Frames consumed so far. */
  public long frames() {
    return frames;
  }

  /**
   * Consumes one frame's tracks ({@link dev.tracklight.operators.tracking.ByteTracker#update}
   * output, boxes in pixels of a {@code width x height} frame) and returns what happened, in rule
   * order. Events of a transition confirmed by {@code inertia} are dated at its first frame.
   *
   * @throws InvalidInputException on a non-increasing timestamp or frame index, a bad frame size or
   *     untracked detections
   */
  public List<RuleEvent> onFrame(long frameIndex, long timestampMs, int width, int height,
      Detections tracks) {
    Objects.requireNonNull(tracks, "tracks");
    if (finished) {
      throw new IllegalStateException("the stream was finished at frame " + lastFrameIndex);
    }
    if (timestampMs <= lastTimestampMs || frameIndex <= lastFrameIndex) {
      throw new InvalidInputException("frame " + frameIndex + " at " + timestampMs
          + " ms follows frame " + lastFrameIndex + " at " + lastTimestampMs
          + " ms: expected strictly increasing frame indices and timestamps");
    }
    FrameTracks frame = new FrameTracks(frameIndex, timestampMs, width, height, tracks);
    List<RuleEvent> out = new ArrayList<>(2);
    for (int r = 0; r < evaluators.size(); r++) {
      int before = out.size();
      evaluators.get(r).onFrame(frame, out);
      noteEvents(r, out, before, timestampMs);
    }
    frames++;
    lastFrameIndex = frameIndex;
    lastTimestampMs = timestampMs;
    return out;
  }

  /**
   * Ends the stream: closes open spans (loitering, crowd, presence, activity peak) at the last frame
   * their condition held. Further frames are refused.
   */
  public List<RuleEvent> finish(long endTimestampMs) {
    if (frames > 0 && endTimestampMs < lastTimestampMs) {
      throw new InvalidInputException("end of stream at " + endTimestampMs
          + " ms is before the last frame at " + lastTimestampMs + " ms");
    }
    List<RuleEvent> out = new ArrayList<>();
    if (!finished) {
      for (int r = 0; r < evaluators.size(); r++) {
        int before = out.size();
        evaluators.get(r).finish(endTimestampMs, out);
        noteEvents(r, out, before, endTimestampMs);
      }
      finished = true;
    }
    return out;
  }

  /** Keeps the alert state of rule {@code r} from its events {@code out[from..]}. */
  private void noteEvents(int r, List<RuleEvent> out, int from, long atMs) {
    for (int k = from; k < out.size(); k++) {
      EventType t = out.get(k).type();
      if (t == EventType.LOITER || t == EventType.CROWD || t == EventType.APPEARANCE) {
        openSpans[r]++;
      } else if (t == EventType.LOITER_END || t == EventType.CROWD_END || t == EventType.APPEARANCE_END) {
        openSpans[r] = Math.max(0, openSpans[r] - 1);
      }
      lastEventMs[r] = atMs;
    }
  }

  /**
   * Every rule's geometry and running figures after the frame at {@code timestampMs} (the last one
   * consumed), in rule order, for drawing: occupancy of zones, crossings of lines (all classes), and
   * whether the rule is alerting (an open span, or an event within {@link #ALERT_HOLD_MS}).
   */
  public List<RuleState> states(long timestampMs) {
    List<RuleState> list = new ArrayList<>(rules.size());
    for (int r = 0; r < rules.size(); r++) {
      Rule rule = rules.get(r);
      RuleEvaluator e = evaluators.get(r);
      int occupancy = e instanceof ZoneEvaluator z ? z.occupancy() : 0;
      long in = 0;
      long out = 0;
      if (e instanceof LineEvaluator l) {
        for (LineCount c : l.counts()) {
          in += c.in();
          out += c.out();
        }
      }
      boolean alerting = openSpans[r] > 0 || (lastEventMs[r] != Long.MIN_VALUE
          && timestampMs - lastEventMs[r] < ALERT_HOLD_MS);
      list.add(new RuleState(rule.name(), rule.kind(), RuleState.geometryOf(rule), occupancy, in,
          out, alerting));
    }
    return list;
  }

  /** Tracks inside the zone of the {@code zone}, {@code loitering} or {@code crowd} rule now. */
  public int occupancy(String ruleName) {
    if (evaluator(ruleName) instanceof ZoneEvaluator z) {
      return z.occupancy();
    }
    throw new InvalidInputException("rule '" + ruleName + "' has no zone: expected a zone,"
        + " loitering or crowd rule");
  }

  /** Crossings so far of the {@code line} rule, per class. */
  public List<LineCount> lineCounts(String ruleName) {
    if (evaluator(ruleName) instanceof LineEvaluator l) {
      return l.counts();
    }
    throw new InvalidInputException("rule '" + ruleName + "' is not a line rule");
  }

  private RuleEvaluator evaluator(String ruleName) {
    for (RuleEvaluator e : evaluators) {
      if (e.rule().name().equals(ruleName)) {
        return e;
      }
    }
    throw new InvalidInputException("no rule named '" + ruleName + "'; expected one of "
        + rules.stream().map(Rule::name).toList());
  }

  /** The engine's state as compact bytes (version byte first); the rules are not included. */
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(STATE_VERSION);
      out.writeInt(rulesFingerprint());
      out.writeLong(frames);
      out.writeLong(lastFrameIndex);
      out.writeLong(lastTimestampMs);
      out.writeBoolean(finished);
      for (int r = 0; r < evaluators.size(); r++) {
        evaluators.get(r).writeState(out);
        out.writeInt(openSpans[r]);
        out.writeLong(lastEventMs[r]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * An engine for {@code rules} continuing from {@code state} ({@link #snapshot()} of an engine with
   * the same rules in the same order).
   *
   * @throws InvalidInputException if the bytes are of another version, another rule set, or corrupt
   */
  public static RuleEngine restore(List<Rule> rules, long trackExpiryMs, byte[] state) {
    RuleEngine engine = new RuleEngine(rules, trackExpiryMs);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      byte version = in.readByte();
      if (version != STATE_VERSION && version != STATE_VERSION_WITHOUT_ALERTS) {
        throw new InvalidInputException("unsupported rule engine state version " + version
            + ": expected " + STATE_VERSION);
      }
      if (in.readInt() != engine.rulesFingerprint()) {
        throw new InvalidInputException("rule engine state was written for other rules: expected"
            + " the same rules in the same order as " + rules.stream().map(Rule::name).toList());
      }
      engine.frames = in.readLong();
      engine.lastFrameIndex = in.readLong();
      engine.lastTimestampMs = in.readLong();
      engine.finished = in.readBoolean();
      for (int r = 0; r < engine.evaluators.size(); r++) {
        engine.evaluators.get(r).readState(in);
        if (version != STATE_VERSION_WITHOUT_ALERTS) {
          engine.openSpans[r] = in.readInt();
          engine.lastEventMs[r] = in.readLong();
        }
      }
      if (in.available() != 0) {
        throw new InvalidInputException("corrupt rule engine state: " + in.available()
            + " trailing bytes; expected exactly one snapshot");
      }
    } catch (IOException e) {
      throw new InvalidInputException("corrupt rule engine state (" + e.getMessage()
          + "): expected bytes from RuleEngine.snapshot()", e);
    }
    return engine;
  }

  /** {@link #restore(List, long, byte[])} with {@link #DEFAULT_TRACK_EXPIRY_MS}. */
  public static RuleEngine restore(List<Rule> rules, byte[] state) {
    return restore(rules, DEFAULT_TRACK_EXPIRY_MS, state);
  }

  /**
   * A hash of the rules' text form: records print all their values and enums print their names,
   * so it is stable across JVMs (unlike {@code hashCode()}, which is identity-based for enums).
   */
  private int rulesFingerprint() {
    return rules.toString().hashCode();
  }
}
