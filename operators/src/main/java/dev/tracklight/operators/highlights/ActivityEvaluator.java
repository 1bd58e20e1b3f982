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
 * Per-camera activity score and its peaks.
 *
 * <p>Score of a frame: the sum over matching tracks of the bottom-centre speed (normalised image
 * units per second, from the track's previous sighting, capped at {@link #MAX_SPEED}) plus
 * {@link #COUNT_WEIGHT} per track, so both motion and a crowd raise it.
 *
 * <p>Threshold: {@code max(minScore, mean + sigma * std)} of the scores of the previous
 * {@code windowSeconds} (the current frame excluded, so a jump is judged against what came
 * before). A frame above the threshold opens a peak; the peak lasts while frames stay above the
 * (moving) threshold, so sustained activity raises the mean and ends the peak: it adapts to a busy
 * scene instead of flagging all of it. No peak opens before {@link #WARMUP_SAMPLES} samples and a
 * quarter of the window of history. The peak's score is its relative excess
 * {@code (max - threshold) / max}, in {@code 0..1}.
 *
 * <p>State: per-track last positions and the window's (timestamp, score) samples in a primitive
 * ring buffer, so mean and std are recomputed exactly from the samples each frame (no drifting
 * running sums, and identical after a snapshot restore).
 */
final class ActivityEvaluator implements RuleEvaluator {

  /** Speeds above two frame-widths per second are id switches or teleports, not motion. */
  static final double MAX_SPEED = 2.0;
  /** Presence counts a little: ten still people ~ one person crossing half the frame per second. */
  static final double COUNT_WEIGHT = 0.05;
  /** A mean and std over fewer samples than this are noise. */
  static final int WARMUP_SAMPLES = 8;
  /** Track ids remembered per peak (bounds the state). */
  static final int MAX_PEAK_TRACKS = 64;

  private final Rule.Activity rule;
  private final long windowMs;
  private final long trackExpiryMs;

  private final TreeMap<Integer, double[]> lastPositions = new TreeMap<>(); // {x, y, ms}
  private long[] sampleMs = new long[64];
  private double[] sampleScore = new double[64];
  private int head;
  private int size;
  private long firstSampleMs = -1;

  private boolean inPeak;
  private long peakStartMs;
  private long peakLastMs;
  private long peakLastFrame;
  private double peakMax;
  private double peakThreshold;
  private long peakFrame;
  private final TreeSet<Integer> peakTracks = new TreeSet<>();
  private final TreeSet<Integer> peakClasses = new TreeSet<>();

  ActivityEvaluator(Rule.Activity rule, long trackExpiryMs) {
    this.rule = rule;
    this.windowMs = Math.round(rule.windowSeconds() * 1000);
    this.trackExpiryMs = trackExpiryMs;
  }

  @Override
  public Rule rule() {
    return rule;
  }

  /** The score of {@code f}; updates the per-track positions. */
  double score(FrameTracks f) {
    double score = 0;
    for (int i = 0; i < f.size(); i++) {
      if (!rule.classes().matches(f.tracks.classId(i))) {
        continue;
      }
      int id = f.tracks.trackId(i);
      double[] last = lastPositions.get(id);
      if (last == null) {
        last = new double[3];
        lastPositions.put(id, last);
      } else if (f.timestampMs > last[2]) {
        double dt = (f.timestampMs - last[2]) / 1000.0;
        double speed = Math.hypot(f.px[i] - last[0], f.py[i] - last[1]) / dt;
        score += Math.min(MAX_SPEED, speed);
      }
      last[0] = f.px[i];
      last[1] = f.py[i];
      last[2] = f.timestampMs;
      score += COUNT_WEIGHT;
    }
    for (Iterator<Map.Entry<Integer, double[]>> it = lastPositions.entrySet().iterator();
        it.hasNext();) {
      if (f.timestampMs - it.next().getValue()[2] > trackExpiryMs) {
        it.remove();
      }
    }
    return score;
  }

  @Override
  public void onFrame(FrameTracks f, List<RuleEvent> out) {
    double score = score(f);
    evictOlderThan(f.timestampMs - windowMs);
    double threshold = threshold(f.timestampMs);
    boolean above = !Double.isNaN(threshold) && score > threshold;
    if (above) {
      if (!inPeak) {
        inPeak = true;
        peakStartMs = f.timestampMs;
        peakMax = -1;
        peakTracks.clear();
        peakClasses.clear();
      }
      peakLastMs = f.timestampMs;
      peakLastFrame = f.frameIndex;
      if (score > peakMax) {
        peakMax = score;
        peakThreshold = threshold;
        peakFrame = f.frameIndex;
      }
      for (int i = 0; i < f.size(); i++) {
        if (rule.classes().matches(f.tracks.classId(i))) {
          peakClasses.add(f.tracks.classId(i));
          if (peakTracks.size() < MAX_PEAK_TRACKS) {
            peakTracks.add(f.tracks.trackId(i));
          }
        }
      }
    } else if (inPeak) {
      closePeak(out);
    }
    addSample(f.timestampMs, score);
  }

  /** {@code max(minScore, mean + sigma * std)} of the window, or NaN while warming up. */
  private double threshold(long nowMs) {
    if (size < WARMUP_SAMPLES || nowMs - firstSampleMs < windowMs / 4) {
      return Double.NaN;
    }
    double sum = 0;
    for (int k = 0; k < size; k++) {
      sum += sampleScore[(head + k) % sampleScore.length];
    }
    double mean = sum / size;
    double var = 0;
    for (int k = 0; k < size; k++) {
      double d = sampleScore[(head + k) % sampleScore.length] - mean;
      var += d * d;
    }
    return Math.max(rule.minScore(), mean + rule.sigma() * Math.sqrt(var / size));
  }

  private void closePeak(List<RuleEvent> out) {
    double score = peakMax > 0 ? (peakMax - peakThreshold) / peakMax : 0;
    out.add(new RuleEvent(rule.name(), rule.kind(), EventType.ACTIVITY_PEAK, peakLastFrame,
        peakLastMs, peakStartMs, peakFrame, List.copyOf(peakTracks), List.copyOf(peakClasses),
        null, null, peakTracks.size(), score));
    inPeak = false;
  }

  private void evictOlderThan(long cutoffMs) {
    while (size > 0 && sampleMs[head] < cutoffMs) {
      head = (head + 1) % sampleMs.length;
      size--;
    }
  }

  private void addSample(long ms, double score) {
    if (firstSampleMs < 0) {
      firstSampleMs = ms;
    }
    if (size == sampleMs.length) {
      grow(size * 2);
    }
    int tail = (head + size) % sampleMs.length;
    sampleMs[tail] = ms;
    sampleScore[tail] = score;
    size++;
  }

  private void grow(int capacity) {
    long[] ms = new long[capacity];
    double[] sc = new double[capacity];
    for (int k = 0; k < size; k++) {
      ms[k] = sampleMs[(head + k) % sampleMs.length];
      sc[k] = sampleScore[(head + k) % sampleScore.length];
    }
    sampleMs = ms;
    sampleScore = sc;
    head = 0;
  }

  @Override
  public void finish(long endTimestampMs, List<RuleEvent> out) {
    if (inPeak) {
      closePeak(out);
    }
  }

  @Override
  public void writeState(DataOutput out) throws IOException {
    out.writeInt(lastPositions.size());
    for (Map.Entry<Integer, double[]> e : lastPositions.entrySet()) {
      out.writeInt(e.getKey());
      for (double v : e.getValue()) {
        out.writeDouble(v);
      }
    }
    out.writeLong(firstSampleMs);
    out.writeInt(size);
    for (int k = 0; k < size; k++) {
      out.writeLong(sampleMs[(head + k) % sampleMs.length]);
      out.writeDouble(sampleScore[(head + k) % sampleScore.length]);
    }
    out.writeBoolean(inPeak);
    out.writeLong(peakStartMs);
    out.writeLong(peakLastMs);
    out.writeLong(peakLastFrame);
    out.writeDouble(peakMax);
    out.writeDouble(peakThreshold);
    out.writeLong(peakFrame);
    StateCodec.writeInts(out, peakTracks);
    StateCodec.writeInts(out, peakClasses);
  }

  @Override
  public void readState(DataInput in) throws IOException {
    lastPositions.clear();
    int n = StateCodec.count(in);
    for (int i = 0; i < n; i++) {
      lastPositions.put(in.readInt(), new double[] {in.readDouble(), in.readDouble(),
          in.readDouble()});
    }
    firstSampleMs = in.readLong();
    size = StateCodec.count(in);
    sampleMs = new long[Math.max(64, Integer.highestOneBit(Math.max(1, size)) * 2)];
    sampleScore = new double[sampleMs.length];
    head = 0;
    for (int k = 0; k < size; k++) {
      sampleMs[k] = in.readLong();
      sampleScore[k] = in.readDouble();
    }
    inPeak = in.readBoolean();
    peakStartMs = in.readLong();
    peakLastMs = in.readLong();
    peakLastFrame = in.readLong();
    peakMax = in.readDouble();
    peakThreshold = in.readDouble();
    peakFrame = in.readLong();
    StateCodec.readInts(in, peakTracks);
    StateCodec.readInts(in, peakClasses);
  }
}
