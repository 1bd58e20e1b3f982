package dev.tracklight.connectors.media;

/** What a file's leading bytes say it is. */
public enum MediaKind {
  /** A still-image format OpenCV's {@code imread} decodes (JPEG, PNG, BMP, GIF, TIFF, WebP, PNM). */
  IMAGE,
  /** A video container or elementary stream FFmpeg demuxes (MP4/MOV, Matroska/WebM, AVI, TS, ...). */
  VIDEO,
  /** Neither signature matched: text, an unsupported format, or garbage. */
  UNKNOWN
}
