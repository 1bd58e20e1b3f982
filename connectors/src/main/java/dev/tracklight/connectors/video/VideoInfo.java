package dev.tracklight.connectors.video;

/**
 * What the container says about a video's first video stream, read when the file is opened.
 *
 * @param width coded picture width in pixels
 * @param height coded picture height in pixels
 * @param frameRate the stream's frame rate as FFmpeg's exact rational ({@code r_frame_rate}, or
 *     the average rate when that is unset)
 * @param frameCount frames according to the container: exact for MP4/MOV (from the sample table),
 *     an estimate from duration × fps for containers without an index (WebM, MKV, TS); only a full
 *     decode gives the true count
 * @param durationMs container duration in milliseconds (0 if the container does not say)
 * @param codec decoder name, e.g. {@code h264}, {@code vp9}, {@code mpeg4}
 * @param pixelFormat the decoded pixel format before conversion to BGR, e.g. {@code yuv420p}
 * @param container demuxer name, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2} or {@code matroska,webm}
 */
public record VideoInfo(int width, int height, FrameRate frameRate, long frameCount,
    long durationMs, String codec, String pixelFormat, String container) {

  /** Frames per second as a double. */
  public double fps() {
    return frameRate.fps();
  }
}
