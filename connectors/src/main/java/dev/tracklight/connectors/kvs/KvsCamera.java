package dev.tracklight.connectors.kvs;

import dev.tracklight.inference.InvalidInputException;
import java.io.Serializable;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/**
 * A Kinesis Video Streams camera as {@code cameras.yaml} names it: {@code url: kvs://STREAM} or a
 * stream ARN, with {@code kvs: {region, start, endpoint}}. Validated when built, so a bad name,
 * region, start or endpoint is one line before any job starts.
 *
 * @param streamName the stream's name (from the URL or the ARN)
 * @param streamArn the ARN when the camera was given by ARN, else null (the API then gets the name)
 * @param region the stream's AWS region
 * @param start where the first read starts
 * @param mediaEndpoint the GetMedia endpoint to use instead of GetDataEndpoint's answer (a proxy, a
 *     VPC endpoint, a test server), else null
 */
public record KvsCamera(String streamName, String streamArn, String region, KvsStart start, String mediaEndpoint)
    implements Serializable {

  /** The scheme of a KVS camera URL. */
  public static final String SCHEME = "kvs://";
  /** KVS's own rule for stream names. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,256}");
  private static final Pattern ARN = Pattern.compile(
      "arn:aws[a-z-]*:kinesisvideo:([a-z0-9-]+):([0-9]{12}):stream/([a-zA-Z0-9_.-]{1,256})/([0-9]+)");

  public KvsCamera {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(start, "start");
  }

  /** True for the camera URLs this class reads: {@code kvs://...} or a Kinesis Video stream ARN. */
  public static boolean isKvs(String url) {
    return url.startsWith(SCHEME) || url.startsWith("arn:aws") && url.contains(":kinesisvideo:");
  }

  /**
   * Parses and checks a camera.
   *
   * @param url {@code kvs://NAME} or {@code arn:aws:kinesisvideo:REGION:ACCOUNT:stream/NAME/CREATION}
   * @param region the configured region; may be null when the ARN names it
   * @param start {@code now}, {@code earliest} or an ISO-8601 producer time
   * @param endpoint the media endpoint override, or null
   * @throws InvalidInputException one line naming the problem
   */
  public static KvsCamera of(String url, String region, String start, String endpoint) {
    String name;
    String arn = null;
    String arnRegion = null;
    if (url.startsWith(SCHEME)) {
      name = url.substring(SCHEME.length());
      if (name.endsWith("/")) {
        name = name.substring(0, name.length() - 1);
      }
      if (!NAME.matcher(name).matches()) {
        throw new InvalidInputException("'" + url + "' is not a valid Kinesis Video stream; expected kvs://NAME"
            + " with 1-256 letters, digits, '_', '.' or '-'");
      }
    } else {
      Matcher m = ARN.matcher(url);
      if (!m.matches()) {
        throw new InvalidInputException("'" + url + "' is not a Kinesis Video stream ARN; expected"
            + " arn:aws:kinesisvideo:REGION:ACCOUNT:stream/NAME/CREATION_TIME");
      }
      arn = url;
      arnRegion = m.group(1);
      name = m.group(3);
    }
    String r = region != null ? region.trim() : arnRegion;
    if (r == null || r.isEmpty()) {
      throw new InvalidInputException("no region for '" + url + "'; expected kvs.region (e.g. us-east-1)");
    }
    if (!Region.regions().contains(Region.of(r))) {
      throw new InvalidInputException("unknown AWS region '" + r + "'; expected one such as us-east-1 or eu-west-1");
    }
    if (arnRegion != null && !arnRegion.equals(r)) {
      throw new InvalidInputException("kvs.region '" + r + "' differs from the ARN's region '" + arnRegion + "'");
    }
    if (start == null) {
      throw new InvalidInputException("missing start for '" + url + "'; expected kvs.start: now, earliest or"
          + " an ISO-8601 producer time");
    }
    KvsStart s = KvsStart.parse(start);
    if (endpoint != null) {
      URI uri;
      try {
        uri = URI.create(endpoint.trim());
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null || uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new InvalidInputException("kvs.endpoint '" + endpoint + "' is not an http(s) URL;"
            + " expected e.g. https://s-1234abcd.kinesisvideo.us-east-1.amazonaws.com");
      }
      endpoint = uri.toString();
    }
    return new KvsCamera(name, arn, r, s, endpoint);
  }

  public Optional<String> endpoint() {
    return Optional.ofNullable(mediaEndpoint);
  }

  /** {@code kvs://NAME}: how logs and health events name the camera (nothing secret in it). */
  public String label() {
    return SCHEME + streamName;
  }

  @Override
  public String toString() {
    return label() + " (" + region + ", start " + start + (mediaEndpoint == null ? "" : ", endpoint " + mediaEndpoint) + ")";
  }
}
