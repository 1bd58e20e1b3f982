package dev.tracklight.operators.stream;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detections;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A frame with its detections: after inference (track ids unset) and after tracking (track ids
 * set). It still carries the pixels for annotation further down the same chain; records that leave
 * the chain for another task drop them (see {@link CameraFrame} on ownership).
 *
 * @param cameraId the camera or video id
 * @param frameIndex 0-based frame index in the camera's stream
 * @param timestampMs event time in milliseconds
 * @param image the frame's pixels
 * @param detections detections in source pixels
 * @param end whether this is the last frame of its stream
 * @param rules what the camera's rules made of the frame ({@link FrameRules#NONE} before them)
 */
@TypeInfo(FrameDetections.Factory.class)
public record FrameDetections(String cameraId, long frameIndex, long timestampMs, BgrImage image,
    Detections detections, StreamEnd end, FrameRules rules) {

  public FrameDetections {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(cameraId, "cameraId");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(detections, "detections");
    Objects.requireNonNull(end, "end");
  }

  /** A frame before the rules ran. */
  public FrameDetections(String cameraId, long frameIndex, long timestampMs, BgrImage image,
      Detections detections, StreamEnd end) {
    this(cameraId, frameIndex, timestampMs, image, detections, end, FrameRules.NONE);
  }

  /** The frame with its detections. */
  public static FrameDetections of(CameraFrame frame, Detections detections) {
    return new FrameDetections(frame.cameraId(), frame.frameIndex(), frame.timestampMs(),
        frame.image(), detections, frame.end());
  }

  /** The same frame with other detections (e.g. tracked ones). */
  public FrameDetections withDetections(Detections other) {
    return new FrameDetections(cameraId, frameIndex, timestampMs, image, other, end, rules);
  }

  /** The same frame with what the rules made of it. */
  public FrameDetections withRules(FrameRules output) {
    return new FrameDetections(cameraId, frameIndex, timestampMs, image, detections, end, output);
  }

  /** Flink type information: {@link FrameDetectionsSerializer}. */
  public static TypeInformation<FrameDetections> typeInfo() {
    return new ExplicitTypeInfo<>(FrameDetections.class, FrameDetectionsSerializer.INSTANCE);
  }

  /** Tells Flink's type extraction to use {@link #typeInfo()}. */
  public static final class Factory extends TypeInfoFactory<FrameDetections> {
    @Override
    public TypeInformation<FrameDetections> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
      return typeInfo();
    }
  }
}
