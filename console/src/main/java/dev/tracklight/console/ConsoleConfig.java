package dev.tracklight.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The console's settings ({@code console.yaml}; every key optional):
 *
 * <pre>
 * host: 127.0.0.1            # any other address requires users
 * port: 8080
 * workers: 1                 # local replays at once
 * max_upload_mb: 4096
 * store:                     # default: an H2 file in the data directory
 *   url: jdbc:postgresql://db:5432/tracklight
 *   user: tracklight
 *   password_env: TRACKLIGHT_DB_PASSWORD   # the password is read from this variable, never the file
 * alerts: /var/tracklight/alerts.jsonl     # the alert sink's JSONL file, streamed on the Live page
 * users:
 *   - name: alice
 *     password: pbkdf2-sha256$600000$...   # `tracklight serve --hash-password`
 *     tokens: [sha256:...]                  # API tokens, as SHA-256 hex of the token
 * </pre>
 */
public record ConsoleConfig(String host, int port, Path dataDir, int workers, long maxUploadBytes,
    Optional<Store> store, Optional<Path> alertsFile, List<User> users) {

  /** A PostgreSQL (or other JDBC) store; the password comes from the environment. */
  public record Store(String url, String user, String password) {
    @Override
    public String toString() {
      return "Store[url=" + url + ", user=" + user + "]"; // never the password
    }
  }

  /** A console user: a password hash and API token hashes. */
  public record User(String name, Optional<String> passwordHash, List<String> tokenHashes) {}

  public ConsoleConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    if (maxUploadBytes < 1) {
      throw new IllegalArgumentException("max_upload_mb must be > 0");
    }
    users = List.copyOf(users);
  }

  public static ConsoleConfig defaults(Path dataDir) {
    return new ConsoleConfig("127.0.0.1", 8080, dataDir, 1, 4096L << 20, Optional.empty(), Optional.empty(), List.of());
  }

  /** Whether the bind address is the loopback interface only (no login needed there). */
  public boolean loopbackOnly() {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }

  public ConsoleConfig withHost(String h) {
    return new ConsoleConfig(h, port, dataDir, workers, maxUploadBytes, store, alertsFile, users);
  }

  public ConsoleConfig withPort(int p) {
    return new ConsoleConfig(host, p, dataDir, workers, maxUploadBytes, store, alertsFile, users);
  }

  public ConsoleConfig withUsers(List<User> u) {
    return new ConsoleConfig(host, port, dataDir, workers, maxUploadBytes, store, alertsFile, u);
  }

  public ConsoleConfig withStore(Store s) {
    return new ConsoleConfig(host, port, dataDir, workers, maxUploadBytes, Optional.of(s), alertsFile, users);
  }

  public ConsoleConfig withMaxUploadBytes(long b) {
    return new ConsoleConfig(host, port, dataDir, workers, b, store, alertsFile, users);
  }

  public ConsoleConfig withAlertsFile(Path p) {
    return new ConsoleConfig(host, port, dataDir, workers, maxUploadBytes, store, Optional.of(p), users);
  }

  private static final Set<String> KEYS = Set.of("host", "port", "workers", "max_upload_mb", "store", "alerts", "users");

  /** Reads {@code file}; errors are one line naming the file and key. */
  public static ConsoleConfig load(Path file, Path dataDir, Map<String, String> env) throws IOException {
    Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    String f = file.getFileName().toString();
    Map<?, ?> m = doc == null ? Map.of() : map(f, "", doc);
    for (Object k : m.keySet()) {
      if (!KEYS.contains(String.valueOf(k))) {
        throw new IllegalArgumentException(f + ": unknown key '" + k + "' (expected one of " + KEYS + ")");
      }
    }
    ConsoleConfig d = defaults(dataDir);
    Optional<Store> store = Optional.empty();
    if (m.get("store") != null) {
      Map<?, ?> s = map(f, "store", m.get("store"));
      String url = str(f, "store.url", s.get("url"));
      String user = s.get("user") == null ? "" : str(f, "store.user", s.get("user"));
      String password = "";
      if (s.get("password_env") != null) {
        String var = str(f, "store.password_env", s.get("password_env"));
        password = Optional.ofNullable(env.get(var)).orElseThrow(() ->
            new IllegalArgumentException(f + ": store.password_env: variable " + var + " is not set"));
      }
      store = Optional.of(new Store(url, user, password));
    }
    List<User> users = new ArrayList<>();
    if (m.get("users") instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        Map<?, ?> u = map(f, "users[" + i + "]", list.get(i));
        List<String> tokens = new ArrayList<>();
        if (u.get("tokens") instanceof List<?> t) {
          t.forEach(x -> tokens.add(String.valueOf(x)));
        }
        users.add(new User(str(f, "users[" + i + "].name", u.get("name")),
            Optional.ofNullable(u.get("password")).map(String::valueOf), tokens));
      }
    } else if (m.get("users") != null) {
      throw new IllegalArgumentException(f + ": users: expected a list");
    }
    try {
      return new ConsoleConfig(
          m.get("host") == null ? d.host() : str(f, "host", m.get("host")),
          m.get("port") == null ? d.port() : num(f, "port", m.get("port")),
          dataDir,
          m.get("workers") == null ? d.workers() : num(f, "workers", m.get("workers")),
          m.get("max_upload_mb") == null ? d.maxUploadBytes() : ((long) num(f, "max_upload_mb", m.get("max_upload_mb"))) << 20,
          store,
          m.get("alerts") == null ? Optional.empty() : Optional.of(Path.of(str(f, "alerts", m.get("alerts")))),
          users);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
    }
  }

  private static Map<?, ?> map(String f, String key, Object o) {
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new IllegalArgumentException(f + ": " + (key.isEmpty() ? "top level" : key) + ": expected a mapping");
  }

  private static String str(String f, String key, Object o) {
    if (o == null || o instanceof Map || o instanceof List) {
      throw new IllegalArgumentException(f + ": " + key + ": expected a string");
    }
    return String.valueOf(o);
  }

  private static int num(String f, String key, Object o) {
    if (o instanceof Integer i) {
      return i;
    }
    throw new IllegalArgumentException(f + ": " + key + ": expected an integer, got " + o);
  }
}
