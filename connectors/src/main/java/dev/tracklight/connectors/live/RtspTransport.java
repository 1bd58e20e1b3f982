package dev.tracklight.connectors.live;

import java.util.Locale;

/** How RTP packets travel from the camera (FFmpeg's {@code rtsp_transport} option). */
public enum RtspTransport {
  /**
   * RTP interleaved in the RTSP TCP connection: no packet loss, passes NAT and firewalls, and a
   * dropped connection is seen at once. The default for cameras across networks.
   */
  TCP,
  /** RTP over UDP: lower latency on a clean LAN, but lost packets smear frames. */
  UDP;

  /** The value of FFmpeg's {@code rtsp_transport} option. */
  public String ffmpegName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
