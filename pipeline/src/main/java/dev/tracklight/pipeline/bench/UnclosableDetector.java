package dev.tracklight.pipeline.bench;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.ModelInfo;
import java.util.List;

/**
 * A view of a detector that forwards everything but {@link #close}, for handing a detector the
 * benchmark owns (and reuses across rounds) to a service that closes what it is given.
 */
final class UnclosableDetector implements Detector {

  private final Detector owner;

  UnclosableDetector(Detector owner) {
    this.owner = owner;
  }

  @Override
  public List<Detections> detect(List<BgrImage> images) {
    return owner.detect(images);
  }

  @Override
  public ClassNames classNames() {
    return owner.classNames();
  }

  @Override
  public ModelInfo info() {
    return owner.info();
  }

  /** Does nothing: the benchmark closes the real detector itself. */
  @Override
  public void close() {}
}
