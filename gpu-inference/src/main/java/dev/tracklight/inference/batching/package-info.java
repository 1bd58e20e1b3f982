/**
 * Cross-camera batching of detector calls, without Flink imports.
 *
 * <p>{@link dev.tracklight.inference.batching.BatchingDetectionService} owns one detector and one
 * worker thread and turns per-frame {@code submit(cameraId, image)} calls from many cameras into
 * batched {@code detect} calls; {@link dev.tracklight.inference.batching.SharedDetectionServices}
 * shares one such service per detector/batching configuration among everyone in the JVM (or class
 * loader) by reference counting. The intended caller is a Flink {@code RichAsyncFunction}:
 *
 * <pre>{@code
 * open():        lease = SharedDetectionServices.global().acquire(new Key(detectorOptions, batching));
 * asyncInvoke(): lease.service().submit(cameraId, frame).whenComplete((d, e) -> {
 *                  if (e == null) resultFuture.complete(List.of(d));
 *                  else resultFuture.completeExceptionally(e); });
 * close():       lease.close();
 * }</pre>
 *
 * <p>{@code submit} blocks on a full queue (backpressure on the task thread) and reports every
 * outcome through the returned future, per-camera {@link dev.tracklight.inference.batching.CameraStats}
 * and a {@link dev.tracklight.inference.batching.BatchListener} for metrics.
 */
package dev.tracklight.inference.batching;
