package dev.tracklight.operators.highlights;

import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;

/**
 * One frame's tracks in normalised coordinates, computed once per frame and shared by every rule:
 * bottom-centre position ({@code px, py}, of the whole box) and the box clipped to the image, as
 * primitive columns.
 */
final class FrameTracks {

  final long frameIndex;
  final long timestampMs;
  final Detections tracks;
  final float[] px;
  final float[] py;
  final float[] boxes;

  FrameTracks(long frameIndex, long timestampMs, int width, int height, Detections tracks) {
    if (width < 1 || height < 1) {
      throw new InvalidInputException("invalid frame size " + width + "x" + height
          + ": expected width and height >= 1 pixel");
    }
    this.frameIndex = frameIndex;
    this.timestampMs = timestampMs;
    this.tracks = tracks;
    int n = tracks.size();
    px = new float[n];
    py = new float[n];
    boxes = new float[4 * n];
    float[] b = tracks.boxes();
    for (int i = 0; i < n; i++) {
      if (tracks.trackId(i) == Detections.NO_TRACK) {
        throw new InvalidInputException("detection " + i + " of frame " + frameIndex
            + " has no track id: expected tracker output (ByteTracker.update)");
      }
      boxes[4 * i] = b[4 * i] / width;
      boxes[4 * i + 1] = b[4 * i + 1] / height;
      boxes[4 * i + 2] = b[4 * i + 2] / width;
      boxes[4 * i + 3] = b[4 * i + 3] / height;
      px[i] = (boxes[4 * i] + boxes[4 * i + 2]) / 2;
      py[i] = boxes[4 * i + 3];
      // Positions come from the whole (tracked) box; the boxes events report stay in the image.
      for (int k = 4 * i; k < 4 * i + 4; k++) {
        boxes[k] = Math.max(0f, Math.min(1f, boxes[k]));
      }
      if (!Float.isFinite(px[i]) || !Float.isFinite(py[i])) {
        throw new InvalidInputException("track " + tracks.trackId(i) + " of frame " + frameIndex
            + " has a non-finite box: expected finite pixel coordinates");
      }
    }
  }

  int size() {
    return px.length;
  }

  NormalizedBox box(int i) {
    return new NormalizedBox(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
  }
}
