import type Sqlite from 'better-sqlite3';
import { StoreError } from '../port.js';

/**
 * Versioned schema. The version lives in `PRAGMA user_version` (part of the
 * database header, so it commits and rolls back with the step that sets it).
 * Steps are applied in order, each once, each in its own transaction. Never
 * edit a released step: append a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE halls (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        state_json TEXT NOT NULL,
        seq        INTEGER NOT NULL,
        version    INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE events (
        hall_id TEXT NOT NULL REFERENCES halls(id),
        seq     INTEGER NOT NULL,
        type    TEXT NOT NULL,
        at      INTEGER NOT NULL,
        json    TEXT NOT NULL,
        PRIMARY KEY (hall_id, seq)
      ) STRICT, WITHOUT ROWID;

      -- Projection of the latest version of every ticket seen in an event.
      CREATE TABLE tickets (
        id      TEXT PRIMARY KEY,
        hall_id TEXT NOT NULL REFERENCES halls(id),
        day     TEXT NOT NULL,
        number  TEXT NOT NULL,
        status  TEXT NOT NULL,
        json    TEXT NOT NULL
      ) STRICT;
      CREATE INDEX tickets_by_hall_day ON tickets(hall_id, day);

      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL,
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL,
        hall_ids      TEXT NOT NULL,
        staff_no      TEXT,
        post          TEXT,
        password_hash TEXT NOT NULL,
        disabled      INTEGER NOT NULL,
        created_at    INTEGER NOT NULL
      ) STRICT;
      -- BINARY collation: usernames are case-sensitive.
      CREATE UNIQUE INDEX users_by_username ON users(username);

      CREATE TABLE devices (
        id           TEXT PRIMARY KEY,
        hall_id      TEXT NOT NULL,
        kind         TEXT NOT NULL,
        name         TEXT NOT NULL,
        token_hash   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        created_by   TEXT NOT NULL,
        revoked_at   INTEGER,
        last_seen_at INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX devices_by_token_hash ON devices(token_hash);
      CREATE INDEX devices_by_hall ON devices(hall_id);

      CREATE TABLE secrets (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
];

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export function schemaVersionOf(db: Sqlite.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings the schema up to SCHEMA_VERSION; refuses a database written by a newer build. */
export function migrate(db: Sqlite.Database): void {
  const current = schemaVersionOf(db);
  if (current > SCHEMA_VERSION) {
    throw new StoreError(
      'CORRUPT',
      `database ${db.name} has schema version ${current}, newer than the ${SCHEMA_VERSION} this HallQ build knows; ` +
        'upgrade HallQ (or restore a backup) instead of opening it with an older build',
    );
  }
  for (const step of MIGRATIONS) {
    if (step.version <= current) continue;
    db.transaction(() => {
      // Re-read under the write lock: another process may have just applied it.
      if (schemaVersionOf(db) >= step.version) return;
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
}
