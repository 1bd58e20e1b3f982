package dev.tracklight.console;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: {@code initdb} into a temporary directory, {@code pg_ctl
 * start} on a free port of 127.0.0.1 (socket directory inside it too), trust authentication for
 * the test user; {@link #close} stops it and deletes everything. The binaries come from
 * {@code $PG_BIN}, else the newest {@code /usr/lib/postgresql/N/bin}; without them the calling
 * test is skipped with that message. PostgreSQL refuses to run as root: as root (a CI container)
 * the server runs as the {@code postgres} user (Debian's package creates it) through {@code runuser}.
 */
final class PostgresCluster implements AutoCloseable {

  final Path dir;
  final int port;
  private final Path bin;

  private PostgresCluster(Path dir, int port, Path bin) {
    this.dir = dir;
    this.port = port;
    this.bin = bin;
  }

  static Optional<Path> binaries() {
    String env = System.getenv("PG_BIN");
    if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
      return Optional.of(Path.of(env));
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("initdb")))
          .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0"))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static PostgresCluster start() throws Exception {
    Optional<Path> bin = binaries();
    assumeTrue(bin.isPresent(), "PostgreSQL binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin"
        + " or $PG_BIN: install Debian's postgresql package to run the PostgreSQL store tests");
    Path dir = Files.createTempDirectory("tracklight-pg");
    if (asRoot()) {
      run(List.of("chown", "postgres", dir.toString()), dir);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    run(List.of(bin.get().resolve("initdb").toString(), "-D", dir.resolve("db").toString(), "-U", "tracklight",
        "--auth=trust", "-E", "UTF8", "--no-sync"), dir);
    run(List.of(bin.get().resolve("pg_ctl").toString(), "-D", dir.resolve("db").toString(), "-w", "-l",
        dir.resolve("log").toString(), "-o", "-p " + port + " -k " + dir + " -h 127.0.0.1 -F", "start"), dir);
    return new PostgresCluster(dir, port, bin.get());
  }

  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  ConsoleConfig.Store store() {
    return new ConsoleConfig.Store(url(), "tracklight", "");
  }

  /** Drops and recreates the public schema: each test starts from an empty database. */
  void reset() throws Exception {
    try (var c = java.sql.DriverManager.getConnection(url(), "tracklight", ""); var st = c.createStatement()) {
      st.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
  }

  private static boolean asRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void run(List<String> command, Path dir) throws Exception {
    List<String> cmd = command;
    if (asRoot() && command.get(0).contains("/bin/")) {
      cmd = new java.util.ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
      cmd.addAll(command);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("cmd.log").toFile()).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd.get(0) + " failed: " + Files.readString(dir.resolve("cmd.log")));
    }
  }

  @Override
  public void close() throws Exception {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("db").toString(), "-m", "immediate", "-w", "stop"), dir);
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
