package dev.tracklight.operators.tracking;

import dev.tracklight.inference.InvalidInputException;

/**
 * ByteTrack parameters, named after the original ({@code ifzhang/ByteTrack}, {@code args.*} of
 * {@code BYTETracker}). Validated on construction: a bad value fails fast with an
 * {@link InvalidInputException} instead of being clamped.
 *
 * @param trackThresh detections with a score above this take part in the first association
 *     (original {@code track_thresh}, default 0.5)
 * @param lowThresh detections with {@code lowThresh < score < trackThresh} take part in the second
 *     association only (hard-coded 0.1 in the original)
 * @param newTrackThresh an unmatched high detection starts a track only if its score is at least
 *     this (original {@code det_thresh = track_thresh + 0.1})
 * @param trackBuffer frames (at 30 fps) a lost track is kept for re-identification (original
 *     {@code track_buffer}, default 30)
 * @param matchThresh cost limit of the first association (original {@code match_thresh}, 0.8)
 * @param frameRate stream frame rate; scales the buffer like the original
 *     ({@code int(frame_rate / 30 * track_buffer)})
 * @param mot20 the original's {@code mot20} flag: {@code false} (default) fuses the detection score
 *     into the IoU cost ({@code fuse_score}), {@code true} uses plain IoU distance
 * @param perClass associate only detections and tracks of the same class id (not in the original,
 *     which is class-agnostic; default {@code false})
 * @param algorithm {@link TrackerAlgorithm#BYTETRACK} (the original, exactly) or
 *     {@link TrackerAlgorithm#OC_BYTETRACK} (with OC-SORT's observation-centric additions)
 */
public record ByteTrackConfig(
    double trackThresh,
    double lowThresh,
    double newTrackThresh,
    int trackBuffer,
    double matchThresh,
    double frameRate,
    boolean mot20,
    boolean perClass,
    TrackerAlgorithm algorithm) implements java.io.Serializable {

  /** Original default of {@code track_thresh}. */
  public static final double DEFAULT_TRACK_THRESH = 0.5;
  /** The original's second-stage lower bound ({@code inds_low = scores > 0.1}). */
  public static final double DEFAULT_LOW_THRESH = 0.1;
  /** The original sets {@code det_thresh = track_thresh + 0.1}. */
  public static final double NEW_TRACK_MARGIN = 0.1;
  /** Original default of {@code track_buffer}. */
  public static final int DEFAULT_TRACK_BUFFER = 30;
  /** Original default of {@code match_thresh}. */
  public static final double DEFAULT_MATCH_THRESH = 0.8;
  /** Original default of {@code frame_rate}; also the rate {@code trackBuffer} is expressed at. */
  public static final double DEFAULT_FRAME_RATE = 30.0;
  /**
   * Lost-track buffer of {@link #recommended()}, in seconds (the original keeps 1 s): recovery by
   * the last observed box makes re-finding after longer gaps safe. Measured on the six MOT
   * sequences (mean IDF1 +0.9 at 1 s, +1.1 at 2 s, +1.4 at 3 s over ByteTrack) and the demo clip,
   * whose dog keeps one id only from 2 s on (docs/tracking.md).
   */
  public static final double RECOMMENDED_BUFFER_SECONDS = 3.0;

  /** The original's parameters under {@link TrackerAlgorithm#BYTETRACK}. */
  public ByteTrackConfig(double trackThresh, double lowThresh, double newTrackThresh,
      int trackBuffer, double matchThresh, double frameRate, boolean mot20, boolean perClass) {
    this(trackThresh, lowThresh, newTrackThresh, trackBuffer, matchThresh, frameRate, mot20,
        perClass, TrackerAlgorithm.BYTETRACK);
  }

  public ByteTrackConfig {
    if (algorithm == null) {
      throw new InvalidInputException("missing tracking algorithm: expected one of bytetrack, "
          + "oc-bytetrack");
    }
    requireIn("trackThresh", trackThresh, 0.0, 1.0, "a score strictly between 0 and 1");
    if (!(lowThresh >= 0.0 && lowThresh < trackThresh)) {
      throw new InvalidInputException("invalid ByteTrack lowThresh " + lowThresh
          + ": expected 0 <= lowThresh < trackThresh (" + trackThresh + ")");
    }
    if (!(Double.isFinite(newTrackThresh) && newTrackThresh >= trackThresh)) {
      throw new InvalidInputException("invalid ByteTrack newTrackThresh " + newTrackThresh
          + ": expected a finite value >= trackThresh (" + trackThresh + ")");
    }
    if (trackBuffer < 1) {
      throw new InvalidInputException(
          "invalid ByteTrack trackBuffer " + trackBuffer + ": expected a frame count >= 1");
    }
    requireIn("matchThresh", matchThresh, 0.0, 1.0, "an IoU cost strictly between 0 and 1");
    if (!(Double.isFinite(frameRate) && frameRate > 0)) {
      throw new InvalidInputException(
          "invalid ByteTrack frameRate " + frameRate + ": expected frames per second > 0");
    }
  }

  /** The original's defaults at 30 fps, exact ByteTrack. */
  public static ByteTrackConfig defaults() {
    return of(DEFAULT_TRACK_THRESH, DEFAULT_TRACK_BUFFER, DEFAULT_MATCH_THRESH, DEFAULT_FRAME_RATE);
  }

  /**
   * What the jobs run by default: {@link TrackerAlgorithm#OC_BYTETRACK} with the original
   * thresholds and a {@value #RECOMMENDED_BUFFER_SECONDS} s lost-track buffer.
   */
  public static ByteTrackConfig recommended() {
    return defaults().withAlgorithm(TrackerAlgorithm.OC_BYTETRACK)
        .withTrackBufferSeconds(RECOMMENDED_BUFFER_SECONDS);
  }

  /** Original-style parameters; low threshold 0.1, new-track threshold {@code trackThresh + 0.1}. */
  public static ByteTrackConfig of(double trackThresh, int trackBuffer, double matchThresh,
      double frameRate) {
    return new ByteTrackConfig(trackThresh, DEFAULT_LOW_THRESH, trackThresh + NEW_TRACK_MARGIN,
        trackBuffer, matchThresh, frameRate, false, false);
  }

  public ByteTrackConfig withFrameRate(double fps) {
    return new ByteTrackConfig(trackThresh, lowThresh, newTrackThresh, trackBuffer, matchThresh, fps,
        mot20, perClass, algorithm);
  }

  public ByteTrackConfig withPerClass(boolean on) {
    return new ByteTrackConfig(trackThresh, lowThresh, newTrackThresh, trackBuffer, matchThresh,
        frameRate, mot20, on, algorithm);
  }

  public ByteTrackConfig withAlgorithm(TrackerAlgorithm a) {
    return new ByteTrackConfig(trackThresh, lowThresh, newTrackThresh, trackBuffer, matchThresh,
        frameRate, mot20, perClass, a);
  }

  /** The buffer as frames at 30 fps, the unit {@code trackBuffer} is kept in. */
  public ByteTrackConfig withTrackBuffer(int frames) {
    return new ByteTrackConfig(trackThresh, lowThresh, newTrackThresh, frames, matchThresh,
        frameRate, mot20, perClass, algorithm);
  }

  /**
   * A lost-track buffer of {@code seconds}, whatever the stream's frame rate.
   *
   * @throws InvalidInputException unless {@code seconds} is finite and gives at least one frame
   */
  public ByteTrackConfig withTrackBufferSeconds(double seconds) {
    if (!(Double.isFinite(seconds) && seconds * DEFAULT_FRAME_RATE >= 1)) {
      throw new InvalidInputException("invalid track buffer " + seconds
          + " s: expected at least " + 1 / DEFAULT_FRAME_RATE + " s");
    }
    return withTrackBuffer((int) Math.round(seconds * DEFAULT_FRAME_RATE));
  }

  /** The lost-track buffer in seconds. */
  public double trackBufferSeconds() {
    return trackBuffer / DEFAULT_FRAME_RATE;
  }

  /** Frames a lost track survives: {@code int(frame_rate / 30.0 * track_buffer)} as the original. */
  public int maxTimeLost() {
    return (int) (frameRate / DEFAULT_FRAME_RATE * trackBuffer);
  }

  private static void requireIn(String name, double v, double lo, double hi, String expected) {
    if (!(v > lo && v < hi)) {
      throw new InvalidInputException(
          "invalid ByteTrack " + name + " " + v + ": expected " + expected);
    }
  }
}
