package dev.tracklight.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is asking. On the loopback interface with no users configured everyone is the one local
 * user; otherwise a request names its user by an API token ({@code Authorization: Bearer}) or by
 * the session cookie that {@code POST /api/login} sets.
 *
 * <p><b>State.</b> Sessions live in memory (a restart logs everyone out, which is acceptable for a
 * console) in a concurrent map; expired ones are dropped when met. Each session has its own CSRF
 * token; the local user has one for the server's lifetime.
 */
public final class Auth {

  public static final String LOCAL_USER = "local";
  public static final Duration SESSION_TTL = Duration.ofHours(12);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A logged-in browser. */
  public record Session(String user, String csrf, Instant expires) {}

  private final ConsoleConfig config;
  private final Clock clock;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final String localCsrf = randomToken();

  public Auth(ConsoleConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    if (!config.loopbackOnly() && config.users().isEmpty()) {
      throw new IllegalArgumentException("binding " + config.host() + " (not 127.0.0.1) requires users"
          + " with passwords or tokens in console.yaml");
    }
  }

  /** Whether requests must name a user (any bind but loopback, or users configured). */
  public boolean required() {
    return !config.users().isEmpty();
  }

  public String localCsrf() {
    return localCsrf;
  }

  public Optional<String> userForToken(String token) {
    String h = "sha256:" + sha256(token);
    for (ConsoleConfig.User u : config.users()) {
      for (String t : u.tokenHashes()) {
        if (MessageDigest.isEqual(t.getBytes(StandardCharsets.US_ASCII), h.getBytes(StandardCharsets.US_ASCII))) {
          return Optional.of(u.name());
        }
      }
    }
    return Optional.empty();
  }

  /** A new session id for a correct name and password; empty (same time either way) otherwise. */
  public Optional<String> login(String name, char[] password) {
    ConsoleConfig.User user = config.users().stream().filter(u -> u.name().equals(name)).findFirst().orElse(null);
    // An unknown user costs the same hash as a known one: the response time does not tell which.
    String hash = user != null && user.passwordHash().isPresent() ? user.passwordHash().get() : DummyHash.VALUE;
    boolean ok = PasswordHash.verify(password, hash) && user != null && user.passwordHash().isPresent();
    if (!ok) {
      return Optional.empty();
    }
    String id = randomToken();
    sessions.put(id, new Session(name, randomToken(), clock.instant().plus(SESSION_TTL)));
    return Optional.of(id);
  }

  public Optional<Session> session(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s != null && s.expires().isBefore(clock.instant())) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.ofNullable(s);
  }

  public void logout(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  /** Made on first use (a full-cost hash takes seconds on a small machine; not at every start). */
  private static final class DummyHash {
    static final String VALUE = PasswordHash.hash("not a password".toCharArray());
  }

  static String randomToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  public static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
