package dev.tracklight.connectors.live;

/** Where a {@link LiveCameraReader}'s connection to its camera stands. */
public enum CameraState {
  /** First connection attempt since the reader started. */
  CONNECTING,
  /** Connected and decoding frames. */
  STREAMING,
  /** The stream failed (refused, dropped, hung); the reader is backing off before the next try. */
  RECONNECTING,
  /** The reader was closed; no more frames will come. */
  STOPPED
}
