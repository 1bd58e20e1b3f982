-- The console's job records. Portable SQL: the same file migrates the embedded H2 store and
-- PostgreSQL (Flyway applies it once and records it in flyway_schema_history).
CREATE TABLE jobs (
  id          VARCHAR(36)   NOT NULL PRIMARY KEY,
  owner       VARCHAR(128)  NOT NULL,
  status      VARCHAR(16)   NOT NULL,
  progress    DOUBLE PRECISION NOT NULL DEFAULT 0,
  error       VARCHAR(2000),
  video_name  VARCHAR(512)  NOT NULL,
  source      VARCHAR(2048) NOT NULL,
  executor    VARCHAR(16)   NOT NULL,
  external_id VARCHAR(256),
  options     VARCHAR(8000) NOT NULL,
  created_at  TIMESTAMP     NOT NULL,
  updated_at  TIMESTAMP     NOT NULL
);
-- GET /api/jobs: a user's jobs, newest first, paginated by (created_at, id).
CREATE INDEX jobs_owner_created ON jobs (owner, created_at DESC, id DESC);
-- Reconciliation at start: the jobs still queued or running.
CREATE INDEX jobs_status ON jobs (status);
