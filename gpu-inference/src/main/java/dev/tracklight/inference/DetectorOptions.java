package dev.tracklight.inference;

import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.EngineThreads;
import java.util.List;

/**
 * How to open a detector. Nullable/zero fields mean "work it out from the model".
 *
 * @param model a registered model name ({@code yolox-nano}) or a model file path
 * @param engine the engine, or null for the registry's / the file extension's
 * @param device where to run; {@link DeviceSpec#AUTO} picks a GPU when there is one
 * @param confidenceThreshold candidates scoring at or below this are dropped, in {@code [0, 1]}
 * @param iouThreshold class-aware NMS drops boxes overlapping a better one by more, in {@code [0, 1]}
 * @param classes class names (or Darknet aliases) to keep; empty keeps all
 * @param family the model family, or null to detect it from metadata and output shape
 * @param inputSize the square input side, or 0 to take it from the model (or registry)
 * @param classNames names replacing the model's own, or null
 * @param maxBatch most images per forward call for dynamic-batch models (bounds buffer memory)
 * @param maxDetections most detections returned per image (the best-scoring ones)
 * @param threads how detection uses the CPU ({@link EngineThreads#ALONE} when null; the Flink jobs
 *     use {@link EngineThreads#SHARED})
 * @param inputShape square model input or fitted to the frame ({@link InputShape#SQUARE} when null)
 */
public record DetectorOptions(String model, EngineKind engine, DeviceSpec device,
    float confidenceThreshold, float iouThreshold, List<String> classes, ModelFamily family,
    int inputSize, List<String> classNames, int maxBatch, int maxDetections, EngineThreads threads,
    InputShape inputShape)
    implements java.io.Serializable {

  /** YOLOX's and Ultralytics' demo default: keeps weak but plausible detections for tracking. */
  public static final float DEFAULT_CONFIDENCE = 0.25f;
  /** The IoU both upstream demos use for NMS. */
  public static final float DEFAULT_IOU = 0.45f;
  /** Enough to keep a GPU busy; a batch of 8 at 640 needs a 39 MB input buffer. */
  public static final int DEFAULT_MAX_BATCH = 8;
  /** Ultralytics' {@code max_det} default. */
  public static final int DEFAULT_MAX_DETECTIONS = 300;
  /** Sanity bound on the batch: 1024 images at 640 would already need a 5 GB input buffer. */
  public static final int MAX_BATCH_LIMIT = 1024;
  /** The default model: Apache-2.0 YOLOX-Nano. */
  public static final String DEFAULT_MODEL = "yolox-nano";

  public DetectorOptions {
    if (model == null || model.isBlank()) {
      throw new InvalidInputException("no model given; expected a registered model name or a file path");
    }
    if (device == null) {
      throw new InvalidInputException("no device given; expected cpu, gpu, gpu:N or auto");
    }
    checkUnit("confidence threshold", confidenceThreshold);
    checkUnit("IoU threshold", iouThreshold);
    classes = classes == null ? List.of() : List.copyOf(classes);
    if (inputSize < 0 || inputSize % 32 != 0) {
      throw new InvalidInputException("input size must be a positive multiple of 32 (or 0 for the"
          + " model's own), got " + inputSize);
    }
    classNames = classNames == null ? null : List.copyOf(classNames);
    if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
      throw new InvalidInputException("max batch must be in 1.." + MAX_BATCH_LIMIT + ", got " + maxBatch);
    }
    if (maxDetections < 1) {
      throw new InvalidInputException("max detections must be at least 1, got " + maxDetections);
    }
    threads = threads == null ? EngineThreads.ALONE : threads;
    inputShape = inputShape == null ? InputShape.SQUARE : inputShape;
  }

  private static void checkUnit(String what, float value) {
    if (!(value >= 0f && value <= 1f)) {
      throw new InvalidInputException(what + " must be between 0 and 1, got " + value);
    }
  }

  /** Defaults for a model: auto engine and device, conf 0.25, IoU 0.45, all classes. */
  public static DetectorOptions forModel(String model) {
    return new DetectorOptions(model, null, DeviceSpec.AUTO, DEFAULT_CONFIDENCE, DEFAULT_IOU,
        List.of(), null, 0, null, DEFAULT_MAX_BATCH, DEFAULT_MAX_DETECTIONS, EngineThreads.ALONE,
        InputShape.SQUARE);
  }

  /**
   * These options pinned to what {@code loaded} is: its file's absolute path, engine, family and
   * input size. Jobs hand these to every TaskManager, where a registry name could resolve to another
   * file and a plain path would lose the registry's input size.
   */
  public DetectorOptions pinnedTo(ModelInfo loaded) {
    return new DetectorOptions(loaded.source().toAbsolutePath().toString(), loaded.engine(), device,
        confidenceThreshold, iouThreshold, classes, loaded.family(), loaded.inputSize(), classNames,
        maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withEngine(EngineKind value) {
    return new DetectorOptions(model, value, device, confidenceThreshold, iouThreshold, classes,
        family, inputSize, classNames, maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withDevice(DeviceSpec value) {
    return new DetectorOptions(model, engine, value, confidenceThreshold, iouThreshold, classes,
        family, inputSize, classNames, maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withConfidenceThreshold(float value) {
    return new DetectorOptions(model, engine, device, value, iouThreshold, classes, family,
        inputSize, classNames, maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withIouThreshold(float value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, value, classes, family,
        inputSize, classNames, maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withClasses(List<String> value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, iouThreshold, value,
        family, inputSize, classNames, maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withFamily(ModelFamily value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, iouThreshold, classes,
        value, inputSize, classNames, maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withInputSize(int value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, iouThreshold, classes,
        family, value, classNames, maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withClassNames(List<String> value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, iouThreshold, classes,
        family, inputSize, value, maxBatch, maxDetections, threads, inputShape);
  }

  public DetectorOptions withMaxBatch(int value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, iouThreshold, classes,
        family, inputSize, classNames, value, maxDetections, threads, inputShape);
  }

  public DetectorOptions withMaxDetections(int value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, iouThreshold, classes,
        family, inputSize, classNames, maxBatch, value, threads, inputShape);
  }

  public DetectorOptions withInputShape(InputShape value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, iouThreshold, classes,
        family, inputSize, classNames, maxBatch, maxDetections, threads, value);
  }

  public DetectorOptions withThreads(EngineThreads value) {
    return new DetectorOptions(model, engine, device, confidenceThreshold, iouThreshold, classes,
        family, inputSize, classNames, maxBatch, maxDetections, value, inputShape);
  }
}
