package dev.tracklight.operators.tracking;

import java.util.Arrays;

/**
 * The class of one track, decided over its life from the classes of the detections it was matched
 * with, so that a swimming dog the detector calls "bird" in a few frames stays a "dog".
 *
 * <p>Evidence: every matched detection adds its score to its class's weight, after all weights
 * have been multiplied by {@link #DECAY} (an exponentially decayed, score-weighted vote: recent
 * frames count most, about the last {@code 1 / (1 - DECAY)} = 100 matches matter). Hysteresis:
 * once the track holds {@link #SETTLED_WEIGHT} of evidence, its class changes only when another
 * class's weight exceeds the current class's by the factor {@link #SWITCH_RATIO}; before that the
 * heaviest class simply wins, so a track whose first detection was mislabelled corrects itself
 * within a few frames. A real change (the detector now consistently sees something else, e.g.
 * tracks of two objects swapped) turns a settled label after some tens of consistent frames; a
 * flicker never does. Measured on the demo clip (docs/tracking.md): boxes whose label is not their
 * track's majority fall from 24 % (per-frame detection class) to 0.0 % with these constants, under
 * both algorithms. A cumulative vote (decay 1) also reaches 0.0 % at ratio 2 (2.3 % at 1.5), but a
 * settled label could then only change after twice the track's whole history; decay 0.98 at
 * ratio 1.5 lets the long "bird" stretches of the clip through (6.8 %).
 *
 * <p>Mutable, owned by one {@link Track}; at most {@link #MAX_CLASSES} classes are remembered (the
 * weakest is replaced), which bounds the state. Not thread-safe.
 */
final class TrackClass {

  /** Per-match decay of the evidence: a weight halves after ~69 matches (2-3 s of video). */
  static final float DECAY = 0.99f;
  /** A challenger class must outweigh the current class by this factor to take the label over. */
  static final float SWITCH_RATIO = 2.0f;
  /**
   * Evidence (summed decayed scores) below which the label simply follows the heaviest class: a
   * young track's first detections decide nothing yet, so hysteresis only starts once about five
   * confident detections are in.
   */
  static final float SETTLED_WEIGHT = 3.0f;
  /** Classes remembered per track: more rarely carry weight and would only grow the state. */
  static final int MAX_CLASSES = 4;
  /**
   * Most evidence a new track takes over from the track it grew out of ({@link #inherit}): about
   * forty confident detections. Enough to carry the label through the detector's confusion (on the
   * demo, 17 "bird" frames in a row; 10 was not enough, the source's own evidence being a third
   * "bird"), little enough that a wrongly inherited label gives way to a consistent new class
   * within about 60 detections (2 s).
   */
  static final float MAX_INHERITED_WEIGHT = 20.0f;
  /**
   * A new track inherits only when its first detection's class already holds this share of the
   * source's evidence: the detector is known to confuse the two classes on that object. A person
   * appearing inside a parked car's box never inherits "car", as the car's track never saw "person".
   */
  static final float MIN_CONFUSION_SHARE = 0.05f;

  final int[] classes = new int[MAX_CLASSES];
  final float[] weights = new float[MAX_CLASSES];
  int size;
  /** The track's class: what tracks report as their class id. */
  int label;

  /** A track's first detection decides its class until evidence says otherwise. */
  void start(int classId, float score) {
    size = 1;
    classes[0] = classId;
    weights[0] = Math.max(score, Float.MIN_NORMAL);
    label = classId;
  }

  /** Adds a matched detection of {@code classId} with {@code score}; may change the label. */
  void add(int classId, float score) {
    int found = -1;
    int weakest = -1;
    for (int i = 0; i < size; i++) {
      weights[i] *= DECAY;
      if (classes[i] == classId) {
        found = i;
      }
      if (classes[i] != label && (weakest < 0 || weights[i] < weights[weakest])) {
        weakest = i;
      }
    }
    float w = Math.max(score, Float.MIN_NORMAL);
    if (found >= 0) {
      weights[found] += w;
    } else if (size < MAX_CLASSES) {
      classes[size] = classId;
      weights[size++] = w;
    } else if (weakest >= 0) {
      classes[weakest] = classId;
      weights[weakest] = w;
    }
    float current = weightOf(label);
    float total = 0;
    int best = -1;
    for (int i = 0; i < size; i++) {
      total += weights[i];
      if (classes[i] != label && (best < 0 || weights[i] > weights[best])) {
        best = i;
      }
    }
    float ratio = total < SETTLED_WEIGHT ? 1 : SWITCH_RATIO;
    if (best >= 0 && weights[best] > ratio * current) {
      label = classes[best];
    }
  }

  /**
   * Whether a new track whose first detection is {@code classId} may take over this track's
   * evidence: the class is this track's label, or one the detector gave this track's object often
   * enough ({@link #MIN_CONFUSION_SHARE} of the evidence).
   */
  boolean confusableWith(int classId) {
    if (classId == label) {
      return true;
    }
    float total = 0;
    for (int i = 0; i < size; i++) {
      total += weights[i];
    }
    return total > 0 && weightOf(classId) >= MIN_CONFUSION_SHARE * total;
  }

  /**
   * Starts a new track's evidence from {@code source}'s (the track whose box it grew out of),
   * scaled down to at most {@link #MAX_INHERITED_WEIGHT}, then adds its first detection.
   */
  void inherit(TrackClass source, int classId, float score) {
    copyFrom(source);
    float total = 0;
    for (int i = 0; i < size; i++) {
      total += weights[i];
    }
    if (total > MAX_INHERITED_WEIGHT) {
      float scale = MAX_INHERITED_WEIGHT / total;
      for (int i = 0; i < size; i++) {
        weights[i] *= scale;
      }
    }
    add(classId, score);
  }

  float weightOf(int classId) {
    for (int i = 0; i < size; i++) {
      if (classes[i] == classId) {
        return weights[i];
      }
    }
    return 0;
  }

  void copyFrom(TrackClass o) {
    System.arraycopy(o.classes, 0, classes, 0, MAX_CLASSES);
    System.arraycopy(o.weights, 0, weights, 0, MAX_CLASSES);
    size = o.size;
    label = o.label;
  }

  @Override
  public String toString() {
    return "TrackClass[label=" + label + ", classes=" + Arrays.toString(Arrays.copyOf(classes, size))
        + ", weights=" + Arrays.toString(Arrays.copyOf(weights, size)) + "]";
  }
}
