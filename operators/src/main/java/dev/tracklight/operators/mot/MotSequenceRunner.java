package dev.tracklight.operators.mot;

import dev.tracklight.inference.Detections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.ByteTracker;

/**
 * Tracks a MOTChallenge sequence frame by frame the way the original ByteTrack evaluation does.
 *
 * <p>Frames without any detection are skipped: the tracker is not updated and nothing is output for
 * them (the original's {@code if outputs[0] is not None} guard). The tracker's frame counter, and so
 * the lost-track age, therefore counts frames with detections only. The frame rate that scales the
 * track buffer comes from the sequence's {@code seqinfo.ini}.
 */
public final class MotSequenceRunner {

  private MotSequenceRunner() {}

  /**
   * Runs a fresh tracker over frames {@code 1..max(seqLength, last detection frame)}.
   *
   * @return confirmed tracks per frame, index = 1-based frame (index 0 unused, empty)
   */
  public static Detections[] run(MotDetectionFile dets, ByteTrackConfig config, int seqLength) {
    ByteTracker tracker = new ByteTracker(config);
    int frames = Math.max(seqLength, dets.lastFrame());
    Detections[] out = new Detections[frames + 1];
    out[0] = Detections.empty();
    for (int f = 1; f <= frames; f++) {
      Detections d = dets.frame(f);
      out[f] = d.isEmpty() ? Detections.empty() : tracker.update(d);
    }
    return out;
  }
}
