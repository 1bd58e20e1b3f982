package dev.tracklight.console;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.flywaydb.core.Flyway;

/**
 * The job records, in an embedded H2 file under the console's data directory or in PostgreSQL;
 * the schema is created and upgraded by Flyway's versioned migrations ({@code db/console/V*.sql},
 * the same files for both databases).
 *
 * <p><b>Concurrency.</b> One JDBC connection, every statement under this object's lock: the
 * console writes a few rows a second at most (a status change, a progress tick), so a pool would
 * buy nothing but another dependency; the lock keeps a statement and its result set together.
 * A broken connection (PostgreSQL restarted) is reopened on the next call.
 */
public final class JobStore implements AutoCloseable {

  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
  private static final String COLUMNS = "id, owner, status, progress, error, video_name, source,"
      + " executor, external_id, options, created_at, updated_at";

  private final String url;
  private final String user;
  private final String password;
  private Connection connection;

  private JobStore(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
  }

  /**
   * Opens (and migrates) the store at a JDBC URL: {@code jdbc:h2:file:...} or
   * {@code jdbc:postgresql://...}. The password is used, never logged.
   */
  public static JobStore open(String url, String user, String password) {
    Flyway.configure().dataSource(url, user, password).locations("classpath:db/console")
        .load().migrate();
    JobStore store = new JobStore(url, user, password);
    synchronized (store) {
      store.connection();
    }
    return store;
  }

  /** The embedded default: an H2 file {@code jobs.mv.db} in {@code dataDir}. */
  public static JobStore embedded(java.nio.file.Path dataDir) {
    return open("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("jobs") + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
  }

  public synchronized void insert(Job j) {
    run("INSERT INTO jobs (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", ps -> {
      ps.setString(1, j.id());
      ps.setString(2, j.owner());
      ps.setString(3, j.status().wire());
      ps.setDouble(4, j.progress());
      ps.setString(5, j.error().orElse(null));
      ps.setString(6, j.videoName());
      ps.setString(7, j.source());
      ps.setString(8, j.executor());
      ps.setString(9, j.externalId().orElse(null));
      ps.setString(10, j.options());
      ps.setTimestamp(11, Timestamp.from(j.createdAt()), UTC);
      ps.setTimestamp(12, Timestamp.from(j.updatedAt()), UTC);
      ps.executeUpdate();
      return null;
    });
  }

  /** Sets status, progress and error; returns false if the job is gone. */
  public synchronized boolean update(String id, JobStatus status, double progress, Optional<String> error,
      Instant now) {
    return run("UPDATE jobs SET status = ?, progress = ?, error = ?, updated_at = ? WHERE id = ?", ps -> {
      ps.setString(1, status.wire());
      ps.setDouble(2, progress);
      ps.setString(3, error.orElse(null));
      ps.setTimestamp(4, Timestamp.from(now), UTC);
      ps.setString(5, id);
      return ps.executeUpdate() == 1;
    });
  }

  public synchronized void setExternalId(String id, String externalId) {
    run("UPDATE jobs SET external_id = ? WHERE id = ?", ps -> {
      ps.setString(1, externalId);
      ps.setString(2, id);
      return ps.executeUpdate();
    });
  }

  public synchronized Optional<Job> get(String id) {
    return run("SELECT " + COLUMNS + " FROM jobs WHERE id = ?", ps -> {
      ps.setString(1, id);
      List<Job> jobs = read(ps);
      return jobs.isEmpty() ? Optional.<Job>empty() : Optional.of(jobs.get(0));
    });
  }

  /** One page of a user's jobs, newest first. */
  public synchronized List<Job> list(String owner, int offset, int limit) {
    return run("SELECT " + COLUMNS + " FROM jobs WHERE owner = ? ORDER BY created_at DESC, id DESC"
        + " LIMIT ? OFFSET ?", ps -> {
      ps.setString(1, owner);
      ps.setInt(2, limit);
      ps.setInt(3, offset);
      return read(ps);
    });
  }

  /** The jobs in {@code status} of every user (reconciliation at start). */
  public synchronized List<Job> withStatus(JobStatus status) {
    return run("SELECT " + COLUMNS + " FROM jobs WHERE status = ?", ps -> {
      ps.setString(1, status.wire());
      return read(ps);
    });
  }

  public synchronized boolean delete(String id) {
    return run("DELETE FROM jobs WHERE id = ?", ps -> {
      ps.setString(1, id);
      return ps.executeUpdate() == 1;
    });
  }

  /** Saves a rule set; false if its owner already has one by that name. */
  public synchronized boolean insertRuleSet(RuleSet r) {
    boolean taken = run("SELECT COUNT(*) FROM rulesets WHERE owner = ? AND name = ?", ps -> {
      ps.setString(1, r.owner());
      ps.setString(2, r.name());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    });
    if (taken) {
      return false;
    }
    run("INSERT INTO rulesets (id, owner, name, rules, created_at) VALUES (?,?,?,?,?)", ps -> {
      ps.setString(1, r.id());
      ps.setString(2, r.owner());
      ps.setString(3, r.name());
      ps.setString(4, r.rules());
      ps.setTimestamp(5, Timestamp.from(r.createdAt()), UTC);
      return ps.executeUpdate();
    });
    return true;
  }

  /** A user's rule sets by name. */
  public synchronized List<RuleSet> ruleSets(String owner) {
    return run("SELECT id, owner, name, rules, created_at FROM rulesets WHERE owner = ? ORDER BY name", ps -> {
      ps.setString(1, owner);
      List<RuleSet> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new RuleSet(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getTimestamp(5, UTC).toInstant()));
        }
      }
      return out;
    });
  }

  /** Deletes a rule set of {@code owner}; false if that user has none with this id. */
  public synchronized boolean deleteRuleSet(String owner, String id) {
    return run("DELETE FROM rulesets WHERE id = ? AND owner = ?", ps -> {
      ps.setString(1, id);
      ps.setString(2, owner);
      return ps.executeUpdate() == 1;
    });
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // closing: nothing left to do with it
      }
      connection = null;
    }
  }

  private interface Statement<T> {
    T apply(PreparedStatement ps) throws SQLException;
  }

  private <T> T run(String sql, Statement<T> body) {
    for (int attempt = 0; ; attempt++) {
      try (PreparedStatement ps = connection().prepareStatement(sql)) {
        return body.apply(ps);
      } catch (SQLException e) {
        // One retry on a fresh connection: the server may have dropped the old one.
        if (attempt == 0 && !isValid()) {
          close();
          continue;
        }
        throw new IllegalStateException("job store: " + e.getMessage(), e);
      }
    }
  }

  private boolean isValid() {
    try {
      return connection != null && connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private Connection connection() {
    if (connection == null) {
      try {
        connection = DriverManager.getConnection(url, user, password);
      } catch (SQLException e) {
        throw new IllegalStateException("job store: cannot connect: " + e.getMessage(), e);
      }
    }
    return connection;
  }

  private static List<Job> read(PreparedStatement ps) throws SQLException {
    List<Job> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Job(rs.getString(1), rs.getString(2), JobStatus.parse(rs.getString(3)), rs.getDouble(4),
            Optional.ofNullable(rs.getString(5)), rs.getString(6), rs.getString(7), rs.getString(8),
            Optional.ofNullable(rs.getString(9)), rs.getString(10), rs.getTimestamp(11, UTC).toInstant(),
            rs.getTimestamp(12, UTC).toInstant()));
      }
    }
    return out;
  }
}
