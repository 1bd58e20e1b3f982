package dev.tracklight.pipeline.bench;

import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The replay's inference-only ceiling: frames of the video already decoded in memory, fed to
 * {@link Detector#detect} back to back at a given batch size, with nothing else running in the
 * process. A full replay cannot be faster than this on the same cores, since it also decodes,
 * tracks, annotates and encodes.
 *
 * <p>To bound memory, only the first {@code cachedFrames} frames are kept (200 frames of 768x432
 * are 200 MB) and cycled until as many images as the video has frames were detected, so the
 * amount of work matches a replay. Not thread-safe; the detector is borrowed.
 */
final class InferenceLimit {

  /**
   * Untimed calls per batch size before timing: ONNX Runtime sizes its arenas for a new batch
   * shape and the JIT compiles pre- and post-processing during the first calls.
   */
  static final int WARMUP_CALLS = 5;

  private final Detector detector;
  private final List<BgrImage> frames;
  private final long imagesPerRun;

  private InferenceLimit(Detector detector, List<BgrImage> frames, long imagesPerRun) {
    this.detector = detector;
    this.frames = frames;
    this.imagesPerRun = imagesPerRun;
  }

  /**
   * Decodes up to {@code cachedFrames} frames of {@code video}.
   *
   * @param imagesPerRun images detected per timed run (the video's frame count)
   */
  static InferenceLimit load(Detector detector, Path video, int cachedFrames, long imagesPerRun) {
    if (cachedFrames < 1) {
      throw new InvalidInputException("cached frames must be at least 1, got " + cachedFrames);
    }
    if (imagesPerRun < 1) {
      throw new InvalidInputException("images per run must be at least 1, got " + imagesPerRun);
    }
    List<BgrImage> frames = new ArrayList<>(cachedFrames);
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults())) {
      for (var next = reader.next(); next.isPresent() && frames.size() < cachedFrames; next = reader.next()) {
        frames.add(next.get().image()); // a fresh copy per frame (VideoReader's contract)
      }
    }
    if (frames.isEmpty()) {
      throw new InvalidInputException(video + " has no decodable frame; expected a playable video");
    }
    return new InferenceLimit(detector, List.copyOf(frames), imagesPerRun);
  }

  int cachedFrames() {
    return frames.size();
  }

  long imagesPerRun() {
    return imagesPerRun;
  }

  /** Untimed calls at {@code batch} (see {@link #WARMUP_CALLS}). */
  void warmUp(int batch) {
    for (int i = 0; i < WARMUP_CALLS; i++) {
      detector.detect(batchAt(i * batch, batch));
    }
  }

  /** Detects {@link #imagesPerRun()} images in batches of {@code batch}; returns images per second. */
  double imagesPerSecond(int batch, LongSupplier nanoClock) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    long start = nanoClock.getAsLong();
    long detections = 0;
    for (long done = 0; done < imagesPerRun; ) {
      int n = (int) Math.min(batch, imagesPerRun - done);
      detections += detector.detect(batchAt(done, n)).size();
      done += n;
    }
    double seconds = (nanoClock.getAsLong() - start) / 1e9;
    if (detections != imagesPerRun) {
      throw new IllegalStateException("detector returned " + detections + " results for " + imagesPerRun + " images");
    }
    return imagesPerRun / seconds;
  }

  private List<BgrImage> batchAt(long offset, int n) {
    List<BgrImage> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(frames.get((int) ((offset + i) % frames.size())));
    }
    return batch;
  }
}
