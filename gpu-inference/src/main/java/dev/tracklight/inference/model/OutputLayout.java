package dev.tracklight.inference.model;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ModelFamily;
import dev.tracklight.inference.postprocess.GridLayout;
import java.util.Arrays;
import java.util.Map;

/**
 * A model's output layout as Tracklight understands it: which family produced it, the square input
 * it was run at, anchors per image, classes and feature strides. {@link #detect} derives it from the
 * output shape the engine reports, cross-checked with Ultralytics metadata where present.
 */
public record OutputLayout(ModelFamily family, int inputSize, int anchors, int classes,
    int[] strides) {

  /** Shown whenever a layout is rejected, so the user learns what would have worked. */
  public static final String SUPPORTED = "supported output layouts: YOLOX raw grid [batch, N, 5+classes]"
      + " and Ultralytics YOLOv8/YOLO11 [batch, 4+classes, N], with N = (S/8)^2 + (S/16)^2 + (S/32)^2"
      + " for input size S";

  public OutputLayout {
    strides = strides.clone();
  }

  @Override
  public int[] strides() {
    return strides.clone();
  }

  /**
   * Recognises the layout of a model's output.
   *
   * @param outputShape one image's output dims (no batch dimension)
   * @param inputSize the square input side the model runs at
   * @param metadata model metadata (Ultralytics {@code stride} and {@code names} are used)
   * @param familyOverride the family the user insists on, or null to detect it
   * @throws InvalidInputException for any layout other than the supported ones
   */
  public static OutputLayout detect(int[] outputShape, int inputSize, Map<String, String> metadata,
      ModelFamily familyOverride) {
    String shape = "[batch, " + String.join(", ",
        Arrays.stream(outputShape).mapToObj(String::valueOf).toArray(String[]::new)) + "]";
    if (outputShape.length != 2) {
      throw unsupported(shape, inputSize, "");
    }
    int maxStride = UltralyticsMetadata.stride(metadata).orElse(32);
    int[] strides;
    try {
      strides = GridLayout.stridesUpTo(maxStride);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("model metadata declares stride " + maxStride
          + "; expected a power of two >= 8");
    }
    int anchors = GridLayout.anchorCount(inputSize, strides);
    int rows = outputShape[0];
    int cols = outputShape[1];
    boolean yolox = anchors > 0 && rows == anchors && cols > 5;
    boolean ultralytics = anchors > 0 && cols == anchors && rows > 4;
    Integer namedClasses = UltralyticsMetadata.names(metadata).map(java.util.List::size).orElse(null);
    if (yolox && ultralytics) {
      // Only possible when 5+nc == N; let the metadata (Ultralytics-only) decide.
      yolox = namedClasses == null;
      ultralytics = !yolox;
    }
    ModelFamily detected = yolox ? ModelFamily.YOLOX : ultralytics ? ModelFamily.ULTRALYTICS : null;
    if (familyOverride != null && familyOverride != detected) {
      throw unsupported(shape, inputSize, " as a " + familyOverride.cliName() + " model");
    }
    if (detected == null) {
      throw unsupported(shape, inputSize, "");
    }
    int classes = detected == ModelFamily.YOLOX ? cols - 5 : rows - 4;
    if (namedClasses != null && namedClasses != classes) {
      throw new InvalidInputException("model output " + shape + " has " + classes
          + " class columns but its metadata names " + namedClasses + " classes; " + SUPPORTED);
    }
    return new OutputLayout(detected, inputSize, anchors, classes, strides);
  }

  private static InvalidInputException unsupported(String shape, int inputSize, String as) {
    return new InvalidInputException("unsupported model output " + shape + " at input size "
        + inputSize + as + "; " + SUPPORTED);
  }
}
