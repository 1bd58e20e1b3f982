package dev.tracklight.operators.stream;

import dev.tracklight.inference.BgrImage;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * One decoded frame of one camera (or archived video) as it leaves a source.
 *
 * <p><b>Ownership.</b> The image's pixel array belongs to the record. Jobs run with object reuse
 * on and keep source → inference → tracking → annotation chained in one task, so the same array is
 * handed from operator to operator without a copy (a 720p frame is 2.7 MB); the only writer is the
 * annotator at the end of the chain. The record is serialized only where Flink must (in-flight
 * async requests in a checkpoint).
 *
 * @param cameraId the camera or video id (the key of all per-camera state)
 * @param frameIndex 0-based index of the frame in its stream (original index when sampling)
 * @param timestampMs event time: presentation time for archives, capture wall time for live cameras
 * @param image the pixels
 * @param end whether this is the last frame of its stream
 */
@TypeInfo(CameraFrame.Factory.class)
public record CameraFrame(String cameraId, long frameIndex, long timestampMs, BgrImage image,
    StreamEnd end) {

  public CameraFrame {
    Objects.requireNonNull(cameraId, "cameraId");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(end, "end");
  }

  /** The same frame marked as the last of its stream. */
  public CameraFrame asLast(StreamEnd how) {
    return new CameraFrame(cameraId, frameIndex, timestampMs, image, how);
  }

  /** Flink type information: {@link CameraFrameSerializer}. */
  public static TypeInformation<CameraFrame> typeInfo() {
    return new ExplicitTypeInfo<>(CameraFrame.class, CameraFrameSerializer.INSTANCE);
  }

  /** Tells Flink's type extraction to use {@link #typeInfo()}. */
  public static final class Factory extends TypeInfoFactory<CameraFrame> {
    @Override
    public TypeInformation<CameraFrame> createTypeInfo(Type t, Map<String, TypeInformation<?>> params) {
      return typeInfo();
    }
  }
}
