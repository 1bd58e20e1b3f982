package dev.tracklight.operators.annotation;

/** The drawing library behind a {@link FrameAnnotator}; see its header for the measurements. */
public enum AnnotationBackend {
  /** Java2D drawing straight into the frame's byte array (zero copy). */
  JAVA2D,
  /** OpenCV {@code imgproc} drawing on a native copy of the frame (copied in and out). */
  OPENCV
}
