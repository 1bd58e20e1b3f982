package dev.tracklight.operators.annotation;

import dev.tracklight.inference.Detections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Recent box centres per track id, for drawing motion trails.
 *
 * <p>Design: one fixed-size ring buffer of {@code capacity} points per live track (primitive
 * arrays, no per-frame allocation once a track exists). Time is the annotator's frame counter,
 * passed in by the caller, never a clock. A track not seen for {@code capacity} frames is evicted:
 * its trail would be entirely stale by then, and eviction bounds memory in long streams where
 * trackers hand out ever new ids. Not thread-safe; owned by one {@link FrameAnnotator}.
 */
final class TrackTrails {

  /** Points of one track, oldest first once unrolled. */
  private static final class Trail {
    final float[] xs;
    final float[] ys;
    int size;
    int head; // next write position
    long lastSeenFrame;

    Trail(int capacity) {
      xs = new float[capacity];
      ys = new float[capacity];
    }

    void add(float x, float y) {
      xs[head] = x;
      ys[head] = y;
      head = (head + 1) % xs.length;
      size = Math.min(size + 1, xs.length);
    }
  }

  private final int capacity;
  private final Map<Integer, Trail> trails = new HashMap<>();

  TrackTrails(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("trail capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Records the centre of every tracked detection at {@code frame}, then evicts stale tracks. */
  void update(Detections detections, long frame) {
    for (int i = 0; i < detections.size(); i++) {
      int id = detections.trackId(i);
      if (id == Detections.NO_TRACK) {
        continue;
      }
      Trail trail = trails.computeIfAbsent(id, k -> new Trail(capacity));
      trail.add((detections.x1(i) + detections.x2(i)) * 0.5f,
          (detections.y1(i) + detections.y2(i)) * 0.5f);
      trail.lastSeenFrame = frame;
    }
    for (Iterator<Trail> it = trails.values().iterator(); it.hasNext(); ) {
      if (frame - it.next().lastSeenFrame >= capacity) {
        it.remove();
      }
    }
  }

  /**
   * Copies the trail of {@code trackId}, oldest point first, into {@code xs}/{@code ys} (each at
   * least {@code capacity} long) and returns the number of points (0 for an unknown track).
   */
  int points(int trackId, int[] xs, int[] ys) {
    Trail trail = trails.get(trackId);
    if (trail == null) {
      return 0;
    }
    int start = (trail.head - trail.size + capacity) % capacity;
    for (int k = 0; k < trail.size; k++) {
      int at = (start + k) % capacity;
      xs[k] = Math.round(trail.xs[at]);
      ys[k] = Math.round(trail.ys[at]);
    }
    return trail.size;
  }

  int capacity() {
    return capacity;
  }

  /** Tracks currently remembered. */
  int trackCount() {
    return trails.size();
  }
}
