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
 * live:                      # the Live page (see {@link LiveSettings})
 *   status: /var/tracklight/status.json    # `tracklight run`'s status file (cameras' health)
 *   stale_seconds: 5                       # older than this: the run is shown as not running
 *   kafka:                                 # alerts from the job's Kafka topic (committed only)
 *     bootstrap_servers: broker:9092
 *     topic: tracklight-alerts
 *     properties: {security.protocol: SASL_SSL}       # further consumer settings
 *     properties_env: {sasl.jaas.config: KAFKA_JAAS}  # settings read from these variables
 * batch:                     # offer AWS Batch in the job form (the `batch submit` names)
 *   queue: tracklight-gpu    # job queue (name or ARN)
 *   job_definition: tracklight-worker
 *   out: s3://bucket/console # uploads are staged and results written under OUT/JOB_ID/
 *   poll_seconds: 15         # how often the jobs are looked up (DescribeJobs)
 *   worker_args: []          # further worker arguments, as `batch submit --worker-arg`
 * users:
 *   - name: alice
 *     password: pbkdf2-sha256$600000$...   # `tracklight serve --hash-password`
 *     tokens: [sha256:...]                  # API tokens, as SHA-256 hex of the token
 * </pre>
 */
public record ConsoleConfig(String host, int port, Path dataDir, int workers, long maxUploadBytes,
    Optional<Store> store, Optional<Path> alertsFile, List<User> users, Optional<Batch> batch, LiveSettings live) {

  /** Without a {@code live:} section. */
  public ConsoleConfig(String host, int port, Path dataDir, int workers, long maxUploadBytes,
      Optional<Store> store, Optional<Path> alertsFile, List<User> users, Optional<Batch> batch) {
    this(host, port, dataDir, workers, maxUploadBytes, store, alertsFile, users, batch, LiveSettings.NONE);
  }

  /**
   * AWS Batch as an executor: the names {@code tracklight batch submit} takes ({@code --queue},
   * {@code --job-definition}, {@code --out}, {@code --worker-arg}); checked against AWS when the
   * console starts.
   */
  public record Batch(String queue, String jobDefinition, String out, int pollSeconds, List<String> workerArgs) {
    public Batch {
      if (queue == null || queue.isBlank()) {
        throw new IllegalArgumentException("batch.queue: expected a Batch job queue (name or ARN)");
      }
      if (jobDefinition == null || jobDefinition.isBlank()) {
        throw new IllegalArgumentException("batch.job_definition: expected a Batch job definition (name or ARN)");
      }
      if (out == null || !out.matches("s3://[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9](/\\S*)?")) {
        throw new IllegalArgumentException("batch.out: expected an S3 prefix like s3://bucket/console, got " + out);
      }
      if (pollSeconds < 1 || pollSeconds > 3600) {
        throw new IllegalArgumentException("batch.poll_seconds: expected 1..3600, got " + pollSeconds);
      }
      workerArgs = List.copyOf(workerArgs);
    }
  }

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
    java.util.Objects.requireNonNull(live, "live");
  }

  public static ConsoleConfig defaults(Path dataDir) {
    return new ConsoleConfig("127.0.0.1", 8080, dataDir, 1, 4096L << 20, Optional.empty(), Optional.empty(), List.of(),
        Optional.empty());
  }

  /** Whether the bind address is the loopback interface only (no login needed there). */
  public boolean loopbackOnly() {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }

  public ConsoleConfig withHost(String h) {
    return new ConsoleConfig(h, port, dataDir, workers, maxUploadBytes, store, alertsFile, users, batch, live);
  }

  public ConsoleConfig withPort(int p) {
    return new ConsoleConfig(host, p, dataDir, workers, maxUploadBytes, store, alertsFile, users, batch, live);
  }

  public ConsoleConfig withUsers(List<User> u) {
    return new ConsoleConfig(host, port, dataDir, workers, maxUploadBytes, store, alertsFile, u, batch, live);
  }

  public ConsoleConfig withStore(Store s) {
    return new ConsoleConfig(host, port, dataDir, workers, maxUploadBytes, Optional.of(s), alertsFile, users, batch, live);
  }

  public ConsoleConfig withMaxUploadBytes(long b) {
    return new ConsoleConfig(host, port, dataDir, workers, b, store, alertsFile, users, batch, live);
  }

  public ConsoleConfig withBatch(Batch b) {
    return new ConsoleConfig(host, port, dataDir, workers, maxUploadBytes, store, alertsFile, users, Optional.of(b), live);
  }

  public ConsoleConfig withLive(LiveSettings l) {
    return new ConsoleConfig(host, port, dataDir, workers, maxUploadBytes, store, alertsFile, users, batch, l);
  }

  public ConsoleConfig withAlertsFile(Path p) {
    return new ConsoleConfig(host, port, dataDir, workers, maxUploadBytes, store, Optional.of(p), users, batch, live);
  }

  private static final Set<String> KEYS = Set.of("host", "port", "workers", "max_upload_mb", "store", "alerts", "users",
      "batch", "live");
  private static final Set<String> BATCH_KEYS = Set.of("queue", "job_definition", "out", "poll_seconds", "worker_args");

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
      Optional<Batch> batch = Optional.empty();
      if (m.get("batch") != null) {
        Map<?, ?> b = map(f, "batch", m.get("batch"));
        for (Object k : b.keySet()) {
          if (!BATCH_KEYS.contains(String.valueOf(k))) {
            throw new IllegalArgumentException("batch: unknown key '" + k + "' (expected one of " + BATCH_KEYS + ")");
          }
        }
        List<String> args = new ArrayList<>();
        if (b.get("worker_args") instanceof List<?> l) {
          l.forEach(x -> args.add(String.valueOf(x)));
        } else if (b.get("worker_args") != null) {
          throw new IllegalArgumentException("batch.worker_args: expected a list");
        }
        batch = Optional.of(new Batch(
            b.get("queue") == null ? null : str(f, "batch.queue", b.get("queue")),
            b.get("job_definition") == null ? null : str(f, "batch.job_definition", b.get("job_definition")),
            b.get("out") == null ? null : str(f, "batch.out", b.get("out")),
            b.get("poll_seconds") == null ? 15 : num(f, "batch.poll_seconds", b.get("poll_seconds")),
            args));
      }
      return new ConsoleConfig(
          m.get("host") == null ? d.host() : str(f, "host", m.get("host")),
          m.get("port") == null ? d.port() : num(f, "port", m.get("port")),
          dataDir,
          m.get("workers") == null ? d.workers() : num(f, "workers", m.get("workers")),
          m.get("max_upload_mb") == null ? d.maxUploadBytes() : ((long) num(f, "max_upload_mb", m.get("max_upload_mb"))) << 20,
          store,
          m.get("alerts") == null ? Optional.empty() : Optional.of(Path.of(str(f, "alerts", m.get("alerts")))),
          users, batch,
          m.get("live") == null ? LiveSettings.NONE : LiveSettings.parse(map(f, "live", m.get("live")), env));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
    }
  }

  static Map<?, ?> map(String f, String key, Object o) {
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
