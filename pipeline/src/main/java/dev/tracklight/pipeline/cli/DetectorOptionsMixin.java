package dev.tracklight.pipeline.cli;

import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InputShape;
import dev.tracklight.inference.ModelFamily;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import dev.tracklight.inference.engine.EngineThreads;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The detector options shared by every command that runs a model. Values are parsed here and
 * validated by {@link DetectorOptions} (and the detector, for class names), so every command
 * reports the same one-line errors.
 */
final class DetectorOptionsMixin {

  @Option(names = {"-m", "--model"}, defaultValue = DetectorOptions.DEFAULT_MODEL, paramLabel = "MODEL",
      description = "Registered model name (yolox-nano, yolox-nano-ts, yolov8n-int8) or a .onnx/.pt file "
          + "(default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--engine", paramLabel = "ENGINE",
      description = "onnxruntime or pytorch (default: the model's).")
  String engine;

  @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
      description = "cpu, gpu, gpu:N, or auto (a GPU when present) (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--conf", defaultValue = "0.25", paramLabel = "P",
      description = "Confidence threshold in [0, 1] (default: ${DEFAULT-VALUE}).")
  float confidence;

  @Option(names = "--iou", defaultValue = "0.45", paramLabel = "P",
      description = "IoU threshold of the class-aware NMS in [0, 1] (default: ${DEFAULT-VALUE}).")
  float iou;

  @Option(names = "--classes", split = ",", paramLabel = "NAME",
      description = "Keep only these classes, e.g. person,dog (default: all).")
  List<String> classes = new ArrayList<>();

  @Option(names = "--family", paramLabel = "FAMILY",
      description = "Override the model family: ${COMPLETION-CANDIDATES} (default: detected).")
  ModelFamily family;

  @Option(names = "--input-size", defaultValue = "0", paramLabel = "PX",
      description = "Override the square model input size (default: the model's).")
  int inputSize;

  @Option(names = "--input-shape", defaultValue = "square", paramLabel = "fit|square",
      description = "Model input per frame: square = the model's full square, as the upstream demos"
          + " and the reference detections; fit = the letterboxed frame padded only to the model's"
          + " stride plus one (416x288 for 16:9 at 416; YOLOX on ONNX Runtime), faster, boxes at"
          + " the padded edge may move a few pixels (default: ${DEFAULT-VALUE}).")
  String inputShape;

  @Option(names = "--max-batch", defaultValue = "8", paramLabel = "N",
      description = "Most images per forward call (default: ${DEFAULT-VALUE}).")
  int maxBatch;

  @Option(names = "--replicas", paramLabel = "N",
      description = "Copies of the model splitting each batch, one thread each; 0 = one per core"
          + " (default: 1 for a detector alone, 0 in Flink jobs; ONNX Runtime only).")
  Integer replicas;

  @Option(names = "--intra-op-threads", paramLabel = "N",
      description = "Threads per forward pass of one copy; 0 = automatic (default: 0; ONNX Runtime only).")
  Integer intraOpThreads;

  @Option(names = "--spinning", arity = "1", paramLabel = "true|false",
      description = "Let ONNX Runtime's idle threads busy-wait: faster alone, slower when other work"
          + " shares the cores (default: true for a detector alone, false in Flink jobs).")
  Boolean spinning;

  /** The options for a detector alone (the detect command, the serial loop). */
  DetectorOptions toOptions() {
    return toOptions(EngineThreads.ALONE);
  }

  /**
   * The options, with thread settings not given on the command line taken from {@code defaults}
   * ({@link EngineThreads#SHARED} for the Flink jobs, where other stages run on the same cores).
   */
  DetectorOptions toOptions(EngineThreads defaults) {
    DetectorOptions options = DetectorOptions.forModel(model)
        .withDevice(DeviceSpec.parse(device))
        .withConfidenceThreshold(confidence)
        .withIouThreshold(iou)
        .withClasses(classes)
        .withInputSize(inputSize)
        .withInputShape(InputShape.parse(inputShape))
        .withMaxBatch(maxBatch)
        .withThreads(new EngineThreads(
            replicas != null ? replicas : defaults.replicas(),
            intraOpThreads != null ? intraOpThreads : defaults.intraOpThreads(),
            spinning != null ? spinning : defaults.spinning()));
    if (engine != null) {
      options = options.withEngine(EngineKind.parse(engine));
    }
    if (family != null) {
      options = options.withFamily(family);
    }
    return options;
  }
}
