package dev.tracklight.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConsoleApiTest}'s tests with the job store on a real PostgreSQL server (a throwaway
 * cluster), plus what only a server shows: the migration history and records surviving a
 * reconnect.
 */
class PostgresConsoleApiTest extends ConsoleApiTest {

  static PostgresCluster pg;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PostgresCluster.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Override
  ConsoleConfig config(Path dataDir) {
    return super.config(dataDir).withStore(pg.store());
  }

  @BeforeEach
  @Override
  void up() throws Exception {
    pg.reset();
    super.up();
  }

  @Test
  void theSchemaIsMigratedOnceAndRecordsSurviveANewStore() throws Exception {
    Instant t = Instant.parse("2026-12-01T10:00:00.123Z");
    try (JobStore a = JobStore.open(pg.url(), "tracklight", "")) {
      a.insert(new Job("j1", "alice", JobStatus.QUEUED, 0, Optional.empty(), "a.mp4", "/x/a.mp4", "local",
          Optional.empty(), "{}", t, t));
      a.update("j1", JobStatus.RUNNING, 0.5, Optional.empty(), t.plusSeconds(5));
    }
    try (JobStore b = JobStore.open(pg.url(), "tracklight", "")) { // migrates again: a no-op
      Job j = b.get("j1").orElseThrow();
      assertEquals(JobStatus.RUNNING, j.status());
      assertEquals(0.5, j.progress());
      assertEquals(t, j.createdAt());
      assertEquals(t.plusSeconds(5), j.updatedAt());
    }
    try (var c = DriverManager.getConnection(pg.url(), "tracklight", "");
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      assertTrue(rs.next());
      assertEquals("1", rs.getString(1));
      assertTrue(rs.getBoolean(2));
      assertTrue(rs.next());
      assertEquals("2", rs.getString(1), "saved rule sets");
      assertTrue(rs.getBoolean(2));
    }
  }
}
