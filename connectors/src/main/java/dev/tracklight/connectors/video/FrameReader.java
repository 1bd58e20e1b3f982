package dev.tracklight.connectors.video;

import java.util.Optional;

/**
 * What a replay's source reads a video with: frames in order, an exact frame seek (a restored
 * split resumes there), and whether the input ended early. {@link VideoReader} reads any file
 * FFmpeg demuxes; {@code KvsArchiveReader} reads a Kinesis Video archive, which FFmpeg's demuxer
 * cannot read whole. Not thread-safe; close it to free the native decoder.
 */
public interface FrameReader extends AutoCloseable {

  /** Stream properties known when the reader opened. */
  VideoInfo info();

  /** The next frame the sampling keeps, or empty at the end (then see {@link #truncated()}). */
  Optional<VideoFrame> next();

  /** True once the end was reached early: the input is cut off or corrupt after the last frame. */
  boolean truncated();

  /** Positions the reader so that the next frame decoded is frame {@code index}. */
  void seekToFrame(long index);

  @Override
  void close();
}
