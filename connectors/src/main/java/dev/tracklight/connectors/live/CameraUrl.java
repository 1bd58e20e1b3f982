package dev.tracklight.connectors.live;

import dev.tracklight.inference.InvalidInputException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code rtsp://} or {@code rtsps://} camera address that may carry credentials, in a form that
 * cannot leak them by accident: {@link #toString()} and {@link #redacted()} give
 * {@code rtsp://user:***@host:port/path} (and {@code ***} for the values of password-like query
 * parameters such as {@code password=}, {@code pwd=}, {@code token=}); the address with its secrets
 * is reachable only through {@link #connectionString()}, which exists to be handed to FFmpeg.
 * {@link #redact(String)} scrubs the secrets out of any text (FFmpeg and JavaCV error messages quote
 * the address they failed to open), so every log line, exception message and health event built
 * from it is safe.
 *
 * <p>Not a record on purpose: a record's accessors and generated members would expose the password
 * as readily as the host; here the secret has exactly one, deliberately named, way out.
 *
 * <p>Userinfo and query are kept as written (percent-encoding included), because that is what FFmpeg
 * receives; redaction scrubs both the written and the percent-decoded form of a secret.
 */
public final class CameraUrl {

  /** What replaces a secret. */
  public static final String MASK = "***";

  /**
   * Query parameters whose values are secrets. Cameras and VMS gateways put credentials in the
   * query under these names (ONVIF gateways, Hikvision/Dahua style, token-authenticated relays).
   */
  private static final Set<String> SECRET_QUERY_KEYS = Set.of("password", "passwd", "pwd", "pass",
      "secret", "token", "access_token", "auth", "key", "signature", "sig");

  /** A password in any URL's user info: {@code rtsp://user:SECRET@host}. */
  private static final Pattern USERINFO_PASSWORD = Pattern.compile("(://[^/:@\\s]*:)[^@/\\s]*@");
  /**
   * A secret query value in free text: {@link #SECRET_QUERY_KEYS} and a presigned S3 URL's
   * signature, credential and session token ({@code X-Amz-*}).
   */
  private static final Pattern QUERY_SECRET = Pattern.compile("(?i)([?&](?:x-amz-[a-z-]+|"
      + String.join("|", SECRET_QUERY_KEYS) + ")=)[^&\\s\"']*");

  private static final Pattern URL = Pattern.compile(
      "(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://"
          + "(?:(?<userinfo>[^@/?#]*)@)?"
          + "(?<host>\\[[0-9A-Fa-f:.]+\\]|[^:/?#@\\[\\]]*)"
          + "(?::(?<port>[^/?#@]*))?"
          + "(?<path>/[^?#]*)?"
          + "(?:\\?(?<query>[^#]*))?");

  private final String scheme;
  private final String user;
  private final String password;
  private final String host;
  /** The port as written, or -1 when the URL relies on the scheme's default. */
  private final int explicitPort;
  private final String path;
  private final String query;
  private final String connectionString;
  private final String redacted;
  /** Every string that must never appear in output, longest first (so longer ones mask whole). */
  private final List<String> secrets;

  private CameraUrl(String scheme, String user, String password, String host, int explicitPort,
      String path, String query, String connectionString) {
    this.scheme = scheme;
    this.user = user;
    this.password = password;
    this.host = host;
    this.explicitPort = explicitPort;
    this.path = path;
    this.query = query;
    this.connectionString = connectionString;
    this.redacted = render(true);
    this.secrets = collectSecrets();
  }

  /**
   * Parses {@code rtsp://[user[:password]@]host[:port][/path][?query]} (also {@code rtsps://}).
   *
   * @throws InvalidInputException naming the problem, with the address already redacted
   */
  public static CameraUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("camera URL is empty; expected rtsp://[user:password@]host"
          + "[:port]/path");
    }
    String text = url.strip();
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i)) || Character.isISOControl(text.charAt(i))) {
        throw invalid(text, "contains whitespace or control characters; percent-encode them");
      }
    }
    Matcher m = URL.matcher(text);
    if (!m.matches()) {
      throw invalid(text, "is not a URL");
    }
    String scheme = m.group("scheme").toLowerCase(Locale.ROOT);
    if (!scheme.equals("rtsp") && !scheme.equals("rtsps")) {
      throw invalid(text, "has scheme '" + scheme + "'");
    }
    String user = null;
    String password = null;
    String userinfo = m.group("userinfo");
    if (userinfo != null) {
      int colon = userinfo.indexOf(':');
      user = colon < 0 ? userinfo : userinfo.substring(0, colon);
      password = colon < 0 ? null : userinfo.substring(colon + 1);
      if (user.isEmpty()) {
        throw invalid(text, "has credentials without a user name");
      }
    }
    String host = m.group("host");
    if (host.isEmpty()) {
      throw invalid(text, "has no host");
    }
    int port = -1;
    String portText = m.group("port");
    if (portText != null) {
      if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1
          || Integer.parseInt(portText) > 65535) {
        // the port text is not quoted: in a mangled address it may hold part of a password
        throw invalid(text, "has an invalid port; expected a number in 1..65535");
      }
      port = Integer.parseInt(portText);
    }
    String path = m.group("path") == null ? "" : m.group("path");
    return new CameraUrl(scheme, user, password, host, port, path, m.group("query"), text);
  }

  /** The address with its secrets, for FFmpeg only: never log, print or store it. */
  public String connectionString() {
    return connectionString;
  }

  /** {@code rtsp://user:***@host:port/path?password=***}: safe to log and show. */
  public String redacted() {
    return redacted;
  }

  /** Same as {@link #redacted()}. */
  @Override
  public String toString() {
    return redacted;
  }

  /**
   * {@code text} (a log line, an error message) with the secrets of every URL in it masked, URLs
   * this program never parsed included: a {@code user:password@} password and the values of
   * secret query parameters become {@value #MASK}. For a configured camera, {@link #redact} also
   * masks its secrets where they stand alone.
   */
  public static String scrub(String text) {
    String s = USERINFO_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
    return QUERY_SECRET.matcher(s).replaceAll("$1" + MASK);
  }

  /**
   * {@code text} with this URL's secrets masked: the full address becomes its redacted form, and
   * any other occurrence of the password or a secret query value (written or percent-decoded)
   * becomes {@value #MASK}. Masks bare occurrences of even a short password, at the cost of
   * occasionally masking an innocent substring: a leak is worse than an odd-looking message.
   */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text.replace(connectionString, redacted);
    for (String secret : secrets) {
      out = out.replace(secret, MASK);
    }
    return out;
  }

  public String scheme() {
    return scheme;
  }

  public String host() {
    return host;
  }

  /** The port, explicit or the scheme's default (554 for rtsp, 322 for rtsps). */
  public int port() {
    return explicitPort > 0 ? explicitPort : scheme.equals("rtsps") ? 322 : 554;
  }

  /** The user name as written, or null without credentials. User names are not secret. */
  public String user() {
    return user;
  }

  /** Whether the address carries a password (in the userinfo or a password-like query value). */
  public boolean hasSecrets() {
    return !secrets.isEmpty();
  }

  /** The path (with its leading slash), or empty. */
  public String path() {
    return path;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CameraUrl other && connectionString.equals(other.connectionString);
  }

  @Override
  public int hashCode() {
    return connectionString.hashCode();
  }

  private String render(boolean mask) {
    StringBuilder sb = new StringBuilder(scheme).append("://");
    if (user != null) {
      sb.append(user);
      if (password != null) {
        sb.append(':').append(mask ? MASK : password);
      }
      sb.append('@');
    }
    sb.append(host);
    if (explicitPort > 0) {
      sb.append(':').append(explicitPort);
    }
    sb.append(path);
    if (query != null) {
      sb.append('?').append(mask ? maskQuery(query) : query);
    }
    return sb.toString();
  }

  private List<String> collectSecrets() {
    List<String> found = new ArrayList<>();
    if (password != null && !password.isEmpty()) {
      found.add(password);
    }
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && isSecretKey(pair.substring(0, eq)) && eq + 1 < pair.length()) {
          found.add(pair.substring(eq + 1));
        }
      }
    }
    for (String secret : List.copyOf(found)) {
      String decoded = decode(secret);
      if (!decoded.equals(secret) && !decoded.isEmpty()) {
        found.add(decoded);
      }
    }
    found.sort((a, b) -> Integer.compare(b.length(), a.length()));
    return List.copyOf(found);
  }

  private static String maskQuery(String query) {
    StringBuilder sb = new StringBuilder();
    for (String pair : query.split("&", -1)) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      int eq = pair.indexOf('=');
      sb.append(eq > 0 && isSecretKey(pair.substring(0, eq)) ? pair.substring(0, eq + 1) + MASK : pair);
    }
    return sb.toString();
  }

  private static boolean isSecretKey(String key) {
    return SECRET_QUERY_KEYS.contains(decode(key).toLowerCase(Locale.ROOT));
  }

  private static String decode(String s) {
    try {
      // Not form encoding: '+' is a literal in URL userinfo, so protect it from URLDecoder.
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // malformed %-escape: FFmpeg sees it as written
    }
  }

  /** An error whose message shows the address with anything that could be a secret masked. */
  private static InvalidInputException invalid(String text, String problem) {
    return new InvalidInputException("camera URL " + maskUnparsed(text) + " " + problem
        + "; expected rtsp://[user:password@]host[:port]/path");
  }

  /**
   * Best-effort masking of an address that did not parse: everything between "://" and the last
   * '@' (the userinfo, whatever it contains), and the values of password-like query parameters.
   */
  static String maskUnparsed(String text) {
    String out = text;
    int start = out.indexOf("://");
    int at = out.lastIndexOf('@');
    if (at >= 0) {
      int from = start >= 0 && start < at ? start + 3 : 0;
      int colon = out.indexOf(':', from);
      // keep a user name that is clearly separated by ':'; mask the rest of the userinfo
      int maskFrom = colon >= 0 && colon < at ? colon + 1 : from;
      out = out.substring(0, maskFrom) + MASK + out.substring(at);
    }
    int q = out.indexOf('?');
    if (q >= 0) {
      out = out.substring(0, q + 1) + maskQuery(out.substring(q + 1));
    }
    return out;
  }
}
