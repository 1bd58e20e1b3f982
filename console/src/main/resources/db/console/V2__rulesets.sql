-- Saved rule sets: a user's named highlight rules (YAML with a top-level rules: list), picked in
-- the job form. Portable SQL, like V1.
CREATE TABLE rulesets (
  id          VARCHAR(36)   NOT NULL PRIMARY KEY,
  owner       VARCHAR(128)  NOT NULL,
  name        VARCHAR(100)  NOT NULL,
  rules       VARCHAR(8000) NOT NULL,
  created_at  TIMESTAMP     NOT NULL
);
-- GET /api/rulesets lists a user's sets by name; a name is unique per user.
CREATE UNIQUE INDEX rulesets_owner_name ON rulesets (owner, name);
