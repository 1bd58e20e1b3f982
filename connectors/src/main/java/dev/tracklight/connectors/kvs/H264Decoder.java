package dev.tracklight.connectors.kvs;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import dev.tracklight.inference.BgrImage;
import java.io.IOException;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes the H.264 frames of MKV {@code SimpleBlock}s (length-prefixed NAL units, "AVCC", with the
 * track's {@code CodecPrivate} as the decoder configuration) to BGR pictures with FFmpeg's decoder
 * directly. Going through libavcodec rather than a demuxing grabber keeps the one-to-one link between
 * an MKV block (its fragment and offset, hence its event time) and the picture it decodes to: each
 * packet is tagged, and the picture comes back with its packet's tag.
 *
 * <p>Single-threaded decoding ({@code thread_count 1}): frame threading would hold pictures back by
 * one frame per thread, a live camera is 640x360 to 1080p at a few frames per second here, and the
 * task threads already use the cores. One owner thread; native state is freed by {@link #close()}.
 */
final class H264Decoder implements AutoCloseable {

  /** Receives a decoded picture with the tag of the packet it came from. */
  interface Pictures {
    /** The picture of {@code tag}; {@code null} when {@link #wants} said no. */
    void accept(long tag, BgrImage image) throws InterruptedException;

    /**
     * Whether the picture of {@code tag} is wanted as pixels. Every picture is decoded (H.264
     * needs it for the next ones), but the BGR conversion and copy cost more than the decoding
     * and are skipped for a picture a sampling camera drops (25 of 30 at 5 fps). Asked once per
     * picture, just before {@link #accept}.
     */
    default boolean wants(long tag) {
      return true;
    }
  }

  private final byte[] codecPrivate;
  private AVCodecContext context;
  private final AVPacket packet;
  private final AVFrame frame;
  private SwsContext scaler;
  private int scalerWidth;
  private int scalerHeight;
  private int scalerFormat = -1;
  private BytePointer bgr;
  private boolean draining;

  H264Decoder(byte[] codecPrivate) throws IOException {
    this.codecPrivate = codecPrivate.clone();
    AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (codec == null || codec.isNull()) {
      throw new IOException("this FFmpeg build has no H.264 decoder");
    }
    context = avcodec_alloc_context3(codec);
    packet = av_packet_alloc();
    frame = av_frame_alloc();
    if (codecPrivate.length > 0) {
      // FFmpeg owns and frees extradata: it must come from av_malloc, with zeroed padding.
      BytePointer extra = new BytePointer(av_mallocz(codecPrivate.length + AV_INPUT_BUFFER_PADDING_SIZE));
      extra.put(codecPrivate);
      context.extradata(extra);
      context.extradata_size(codecPrivate.length);
    }
    context.thread_count(1);
    int rc = avcodec_open2(context, codec, (AVDictionary) null);
    if (rc < 0) {
      close();
      throw new IOException("cannot open the H.264 decoder: " + error(rc));
    }
  }

  /** True when this decoder was configured with {@code codecPrivate} (a new track needs a new one). */
  boolean configuredFor(byte[] other) {
    return Arrays.equals(codecPrivate, other);
  }

  /** Decodes one block; pictures it completes go to {@code out}. */
  void decode(byte[] data, boolean keyFrame, long tag, Pictures out) throws IOException, InterruptedException {
    if (draining) {
      avcodec_flush_buffers(context);
      draining = false;
    }
    int rc = av_new_packet(packet, data.length);
    if (rc < 0) {
      throw new IOException("cannot allocate a packet: " + error(rc));
    }
    try {
      packet.data().put(data);
      packet.pts(tag);
      packet.dts(tag);
      if (keyFrame) {
        packet.flags(packet.flags() | AV_PKT_FLAG_KEY);
      }
      rc = avcodec_send_packet(context, packet);
    } finally {
      av_packet_unref(packet);
    }
    if (rc < 0 && rc != AVERROR_EAGAIN()) {
      throw new IOException("H.264 decoding failed: " + error(rc));
    }
    receive(out);
  }

  /**
   * Hands out every picture still held by the decoder (the end of a fragment: KVS fragments are
   * closed groups of pictures, so nothing after it is needed to finish them). Decoding may go on.
   */
  void drain(Pictures out) throws IOException, InterruptedException {
    if (draining) {
      return;
    }
    int rc = avcodec_send_packet(context, (AVPacket) null);
    draining = true;
    if (rc < 0 && rc != AVERROR_EOF) {
      throw new IOException("H.264 decoding failed: " + error(rc));
    }
    receive(out);
  }

  private void receive(Pictures out) throws IOException, InterruptedException {
    while (true) {
      int rc = avcodec_receive_frame(context, frame);
      if (rc == AVERROR_EAGAIN() || rc == AVERROR_EOF) {
        return;
      }
      if (rc < 0) {
        throw new IOException("H.264 decoding failed: " + error(rc));
      }
      long tag = frame.best_effort_timestamp();
      out.accept(tag, out.wants(tag) ? toBgr() : null);
    }
  }

  private BgrImage toBgr() throws IOException {
    int width = frame.width();
    int height = frame.height();
    if (scaler == null || width != scalerWidth || height != scalerHeight || frame.format() != scalerFormat) {
      if (scaler != null) {
        sws_freeContext(scaler);
      }
      // Bicubic, as the file and RTSP readers convert: the detector sees the same pixels.
      scaler = sws_getContext(width, height, frame.format(), width, height, AV_PIX_FMT_BGR24,
          SWS_BICUBIC, null, null, (DoublePointer) null);
      if (scaler == null || scaler.isNull()) {
        throw new IOException("cannot convert " + width + "x" + height + " pixel format "
            + frame.format() + " to BGR");
      }
      scalerWidth = width;
      scalerHeight = height;
      scalerFormat = frame.format();
      if (bgr != null) {
        bgr.close();
      }
      bgr = new BytePointer((long) width * height * 3);
    }
    try (PointerPointer<BytePointer> dst = new PointerPointer<>(1);
        IntPointer dstStride = new IntPointer(1)) {
      dst.put(0, bgr);
      dstStride.put(0, width * 3);
      sws_scale(scaler, frame.data(), frame.linesize(), 0, height, dst, dstStride);
    }
    BgrImage image = BgrImage.allocate(width, height);
    bgr.position(0).get(image.pixels(), 0, width * height * 3);
    return image;
  }

  private static String error(int code) {
    byte[] text = new byte[256];
    av_strerror(code, text, text.length);
    int end = 0;
    while (end < text.length && text[end] != 0) {
      end++;
    }
    return new String(text, 0, end) + " (" + code + ")";
  }

  @Override
  public void close() {
    if (context != null) {
      avcodec_free_context(context);
      context = null;
    }
    AVPacket p = packet;
    if (p != null && !p.isNull()) {
      av_packet_free(p);
    }
    AVFrame f = frame;
    if (f != null && !f.isNull()) {
      av_frame_free(f);
    }
    if (scaler != null) {
      sws_freeContext(scaler);
      scaler = null;
    }
    if (bgr != null) {
      bgr.close();
      bgr = null;
    }
  }
}
