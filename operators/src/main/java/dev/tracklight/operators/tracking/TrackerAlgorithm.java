package dev.tracklight.operators.tracking;

import dev.tracklight.inference.InvalidInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The association algorithm of a {@link ByteTracker}; {@code tracking.algorithm} in cameras.yaml. */
public enum TrackerAlgorithm {
  /** The original ByteTrack, reproduced exactly (parity-tested on MOT sequences). */
  BYTETRACK("bytetrack"),
  /**
   * ByteTrack's two-stage association plus OC-SORT's observation-centric re-update and recovery
   * and the duplicate rules of {@link ObservationCentric}; the default, as it scores better on the
   * same detections.
   */
  OC_BYTETRACK("oc-bytetrack");

  private final String key;

  TrackerAlgorithm(String key) {
    this.key = key;
  }

  /** The name in configuration files and on the command line. */
  public String key() {
    return key;
  }

  /** @throws InvalidInputException for an unknown name, listing the known ones */
  public static TrackerAlgorithm parse(String name) {
    for (TrackerAlgorithm a : values()) {
      if (a.key.equals(name)) {
        return a;
      }
    }
    throw new InvalidInputException("unknown tracking algorithm '" + name + "': expected one of "
        + Arrays.stream(values()).map(TrackerAlgorithm::key).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return key;
  }
}
