package dev.tracklight.inference.batching;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every listener call, for assertions. */
final class RecordingListener implements BatchListener {

  record Batch(int size, long queueWaitNanosMax, long inferenceNanos) {}

  final List<Batch> batches = new CopyOnWriteArrayList<>();
  final List<Integer> failedBatchSizes = new CopyOnWriteArrayList<>();
  final List<Throwable> failures = new CopyOnWriteArrayList<>();
  final List<String> timeouts = new CopyOnWriteArrayList<>();
  final List<String> rejections = new CopyOnWriteArrayList<>();

  @Override
  public void onBatch(int size, long queueWaitNanosMax, long inferenceNanos) {
    batches.add(new Batch(size, queueWaitNanosMax, inferenceNanos));
  }

  @Override
  public void onBatchFailed(int size, Throwable cause) {
    failedBatchSizes.add(size);
    failures.add(cause);
  }

  @Override
  public void onTimeout(String cameraId) {
    timeouts.add(cameraId);
  }

  @Override
  public void onRejected(String cameraId) {
    rejections.add(cameraId);
  }

  List<Integer> batchSizes() {
    return batches.stream().map(Batch::size).toList();
  }
}
