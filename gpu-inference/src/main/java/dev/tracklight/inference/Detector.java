package dev.tracklight.inference;

import java.util.List;

/**
 * An object detector: images in, per-image columnar {@link Detections} in source-image pixels out.
 * Implementations own native resources and must be closed by whoever opened them.
 */
public interface Detector extends AutoCloseable {

  /**
   * Detects objects in each image. Runs real batches where the model allows it (up to the
   * configured max batch), otherwise one image at a time; the result is the same either way.
   *
   * @return one {@link Detections} per image, in input order, sorted by descending score
   */
  List<Detections> detect(List<BgrImage> images);

  /** Detects objects in one image. */
  default Detections detect(BgrImage image) {
    return detect(List.of(image)).get(0);
  }

  /** The names of the classes the model scores. */
  ClassNames classNames();

  /** What the detector runs. */
  ModelInfo info();

  @Override
  void close();
}
