package dev.tracklight.connectors.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/** Reads a video's packets without decoding them: which are keyframes (tests of GOP structure). */
final class VideoPackets {

  private VideoPackets() {}

  /** Positions (0-based, in file order) of the video packets flagged as keyframes. */
  static List<Integer> keyframes(Path video) {
    List<Integer> keys = new ArrayList<>();
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
    try {
      grabber.start();
      int videoStream = grabber.getVideoStream();
      int n = 0;
      for (AVPacket p = grabber.grabPacket(); p != null; p = grabber.grabPacket()) {
        if (p.stream_index() == videoStream) {
          if ((p.flags() & AV_PKT_FLAG_KEY) != 0) {
            keys.add(n);
          }
          n++;
        }
        avcodec.av_packet_unref(p);
      }
      grabber.stop();
      grabber.release();
    } catch (FrameGrabber.Exception e) {
      throw new IllegalStateException("cannot read packets of " + video + ": " + e.getMessage(), e);
    }
    return keys;
  }
}
