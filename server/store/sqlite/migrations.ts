import type Sqlite from 'better-sqlite3';
import type { HallState, Ticket } from '../../protocol/model.js';
import { StoreError } from '../port.js';
import { parseStored } from './errors.js';

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
  /** Data conversion run after `sql`, in the same transaction. */
  convert?: (db: Sqlite.Database) => void;
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
  {
    version: 2,
    name: 'hall split into state, config and live tickets',
    sql: `
      -- HallState.config, written only when the configuration changes; halls.state_json
      -- no longer holds it. Its own table, not a column of halls: SQLite rewrites a whole
      -- row (overflow pages included) whenever its size changes, which state_json's does
      -- on nearly every command, so a column would still copy the ~17 KB config each time.
      CREATE TABLE hall_configs (
        hall_id TEXT PRIMARY KEY REFERENCES halls(id),
        json    TEXT NOT NULL
      ) STRICT;

      -- HallState.tickets, one row per live ticket, so that an update writes only the
      -- tickets it changed; ord keeps them in the order the engine had them. A rowid
      -- table: new rows append at its end, which is cheaper than WITHOUT ROWID here.
      CREATE TABLE live_tickets (
        hall_id TEXT NOT NULL REFERENCES halls(id),
        id      TEXT NOT NULL,
        ord     INTEGER NOT NULL,
        json    TEXT NOT NULL,
        PRIMARY KEY (hall_id, id)
      ) STRICT;
    `,
    convert: splitV1Halls,
  },
  {
    version: 3,
    name: 'requests out of the hall state',
    sql: `
      -- HallState.requests (the answers to the last commands that carried a client requestId),
      -- one row per entry, so that an update inserts the answers it adds and deletes the ones
      -- it drops instead of rewriting them all in halls.state_json; ord keeps them in order.
      -- WITHOUT ROWID, clustered by hall: the list is a queue per hall, so an update touches
      -- the hall's last page (append) and first page (trim). Measured against a rowid table
      -- (with PRIMARY KEY (hall_id, ord), or ord as the rowid and an index on hall_id), which
      -- touches a table page and an index page for each: 54.0 instead of 58.3-58.5 KB written
      -- per command with every other command remembered (48.8 KB without any), same CPU time.
      CREATE TABLE hall_requests (
        hall_id TEXT NOT NULL REFERENCES halls(id),
        id      TEXT NOT NULL,
        ord     INTEGER NOT NULL,
        json    TEXT NOT NULL,
        PRIMARY KEY (hall_id, ord)
      ) STRICT, WITHOUT ROWID;
    `,
    convert: moveRequestsOut,
  },
  {
    version: 4,
    name: 'kiosk printers',
    sql: `
      -- The printer a kiosk prints its slips on (server/printing/address.ts); NULL = the server default.
      ALTER TABLE devices ADD COLUMN printer TEXT;
    `,
  },
  {
    version: 5,
    name: 'staff windows, partner and photo',
    sql: `
      -- UserRecord.windowIds, partnerId and photo as one JSON object (NULL when none): read with the account, never queried.
      ALTER TABLE users ADD COLUMN extra_json TEXT;
    `,
  },
  {
    version: 6,
    name: 'window screens',
    sql: `
      -- DeviceRecord.windowId: the window a paired window screen belongs to (NULL for kiosks and print agents).
      ALTER TABLE devices ADD COLUMN window_id TEXT;
    `,
  },
  {
    version: 7,
    name: 'outbox endpoints',
    sql: `
      -- server/outbox: per hall and subscription (e.g. rating-upload) the endpoint, its signing secret
      -- (not hall configuration, which staff screens and config files get) and the delivery cursor
      -- over the hall's event log: every event up to delivered_seq has been delivered.
      CREATE TABLE outbox_endpoints (
        hall_id           TEXT NOT NULL,
        name              TEXT NOT NULL,
        url               TEXT NOT NULL,
        secret            TEXT NOT NULL,
        enabled           INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        updated_by        TEXT NOT NULL,
        delivered_seq     INTEGER NOT NULL DEFAULT 0,
        last_delivered_at INTEGER,
        last_attempt_at   INTEGER,
        last_error        TEXT,
        failures          INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (hall_id, name)
      ) STRICT;
    `,
  },
  {
    version: 8,
    name: 'webhook endpoints',
    sql: `
      -- Issue 19 webhooks are outbox endpoints too: events_json is the JSON list of event types an
      -- endpoint takes (NULL: its subscription decides), failing_since when its failures in a row began.
      ALTER TABLE outbox_endpoints ADD COLUMN events_json TEXT;
      ALTER TABLE outbox_endpoints ADD COLUMN failing_since INTEGER;
    `,
  },
  {
    version: 9,
    name: 'live tickets in the tickets table',
    sql: `
      -- One row per ticket, live or finished, so that a command writes each ticket it changes once
      -- instead of twice (live_tickets and the projection; per issue a table and an index page fewer).
      -- json: the latest version an event carried, what GET /api/tickets/:id answers (NULL: none did,
      --   e.g. a hall created with tickets, or retention removed it while the ticket is still live);
      -- live_ord: the ticket is in the hall's live state, at this place (NULL: it is not);
      -- live_json: the live copy where it differs from json (NULL: the same, nearly always; it
      --   differs by the raw 无声叫号 number, which events carry masked, and goes with the ticket).
      CREATE TABLE tickets_v9 (
        id        TEXT PRIMARY KEY,
        hall_id   TEXT NOT NULL REFERENCES halls(id),
        day       TEXT NOT NULL,
        number    TEXT NOT NULL,
        status    TEXT NOT NULL,
        json      TEXT,
        live_ord  INTEGER,
        live_json TEXT
      ) STRICT;
      INSERT INTO tickets_v9 (id, hall_id, day, number, status, json)
        SELECT id, hall_id, day, number, status, json FROM tickets ORDER BY rowid;
      UPDATE tickets_v9 SET live_ord = l.ord, live_json = CASE WHEN l.json = tickets_v9.json THEN NULL ELSE l.json END
        FROM live_tickets l WHERE l.id = tickets_v9.id AND l.hall_id = tickets_v9.hall_id;
      INSERT INTO tickets_v9 (id, hall_id, day, number, status, live_ord, live_json)
        SELECT l.id, l.hall_id, json_extract(l.json, '$.day'), json_extract(l.json, '$.number'),
               json_extract(l.json, '$.status'), l.ord, l.json
          FROM live_tickets l WHERE NOT EXISTS (SELECT 1 FROM tickets_v9 t WHERE t.id = l.id)
         ORDER BY l.ord;
      DROP TABLE tickets;
      ALTER TABLE tickets_v9 RENAME TO tickets;
      CREATE INDEX tickets_by_hall_day ON tickets(hall_id, day);
      -- Partial: only live tickets have an entry, so it is written when a ticket comes and goes,
      -- and a hall's live tickets load without reading its history.
      CREATE INDEX tickets_live ON tickets(hall_id, live_ord) WHERE live_ord IS NOT NULL;
    `,
    convert: dropLiveTickets,
  },
  {
    version: 10,
    name: 'events appended',
    sql: `
      -- The log as a rowid table with an index on (hall_id, seq) instead of clustered by hall
      -- (WITHOUT ROWID): a commit's events append to the table's last pages whatever their halls,
      -- and an event up to ~4 KB (a call's is ~3 KB) stays in its page, where a WITHOUT ROWID row
      -- over ~1 KB spills to an overflow page of its own. Measured (one call per commit): 3-4 pages
      -- of the log written per call before, 1-2 (and the index page) after.
      CREATE TABLE events_appended (
        hall_id TEXT NOT NULL REFERENCES halls(id),
        seq     INTEGER NOT NULL,
        type    TEXT NOT NULL,
        at      INTEGER NOT NULL,
        json    TEXT NOT NULL
      ) STRICT;
      INSERT INTO events_appended (hall_id, seq, type, at, json) SELECT hall_id, seq, type, at, json FROM events;
      DROP TABLE events;
      ALTER TABLE events_appended RENAME TO events;
      CREATE UNIQUE INDEX events_by_hall_seq ON events(hall_id, seq);
    `,
  },
  {
    version: 11,
    name: 'seldom changed parts out of the hall state',
    sql: `
      -- Members of the state a command seldom changes (bookings, notices, 差评 cases, no-show
      -- records), one row each, written only when their JSON changes, instead of being copied in
      -- halls.state_json by every command. A rowid table: a hall's bookings may be tens of KB.
      CREATE TABLE hall_parts (
        hall_id TEXT NOT NULL REFERENCES halls(id),
        name    TEXT NOT NULL,
        json    TEXT NOT NULL,
        PRIMARY KEY (hall_id, name)
      ) STRICT;
    `,
    convert: movePartsOut,
  },
  {
    version: 12,
    name: 'remembered answers in reused rows',
    sql: `
      -- A hall's remembered answers are a queue: each command with a requestId appends one and
      -- drops the oldest. Keyed by ord, that is an insert at the queue's last page and a delete at
      -- its first; keyed by a slot that a new answer takes over from the one it drops, it is one
      -- row rewritten in place, one page. ord still gives the order.
      CREATE TABLE hall_requests_v12 (
        hall_id TEXT NOT NULL REFERENCES halls(id),
        slot    INTEGER NOT NULL,
        ord     INTEGER NOT NULL,
        id      TEXT NOT NULL,
        json    TEXT NOT NULL,
        PRIMARY KEY (hall_id, slot)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO hall_requests_v12 (hall_id, slot, ord, id, json) SELECT hall_id, ord, ord, id, json FROM hall_requests;
      DROP TABLE hall_requests;
      ALTER TABLE hall_requests_v12 RENAME TO hall_requests;
    `,
  },
  {
    version: 13,
    name: 'voice packs',
    sql: `
      -- A hall's recorded call voice (issue 17): one row per clip, normalized 16-bit mono WAV.
      -- Apart from the hall's state, which every commit writes: a pack is megabytes no command reads.
      -- A rowid table, not WITHOUT ROWID: the rows are far larger than a page.
      CREATE TABLE voice_clips (
        hall_id     TEXT NOT NULL,
        lang        TEXT NOT NULL,
        name        TEXT NOT NULL,
        wav         BLOB NOT NULL,
        duration_ms INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (hall_id, lang, name)
      ) STRICT;
    `,
  },
];

/** v10 kept every member but config, tickets and requests in state_json; move v11's parts out. */
function movePartsOut(db: Sqlite.Database): void {
  // v11's list, whatever layout.ts says now.
  const parts = ['appointments', 'announcements', 'ratingCases', 'bookingNoShows'];
  const rows = db.prepare<[], { id: string; state_json: string }>('SELECT id, state_json FROM halls ORDER BY id').all();
  const updateHall = db.prepare<[string, string]>('UPDATE halls SET state_json = ? WHERE id = ?');
  const insertPart = db.prepare<[string, string, string]>('INSERT INTO hall_parts (hall_id, name, json) VALUES (?, ?, ?)');
  for (const row of rows) {
    const state = parseStored<Record<string, unknown>>(row.state_json, `state of hall ${row.id}`);
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw new StoreError('CORRUPT', `hall ${row.id}: stored state is not an object`);
    }
    for (const name of parts) {
      if (state[name] !== undefined) insertPart.run(row.id, name, JSON.stringify(state[name]));
      delete state[name];
    }
    updateHall.run(JSON.stringify(state), row.id);
  }
}

/** After v9's SQL: every live ticket has found its row (or the file is damaged), and live_tickets goes. */
function dropLiveTickets(db: Sqlite.Database): void {
  const live = db.prepare<[], number>('SELECT count(*) FROM live_tickets').pluck().get() ?? 0;
  const moved = db.prepare<[], number>('SELECT count(*) FROM tickets WHERE live_ord IS NOT NULL').pluck().get() ?? 0;
  if (live !== moved) {
    throw new StoreError('CORRUPT', `${live - moved} live ticket(s) share their id with a ticket of another hall`);
  }
  db.exec('DROP TABLE live_tickets');
}

/** v1 kept the whole HallState in state_json; move config and tickets out of it. */
function splitV1Halls(db: Sqlite.Database): void {
  const rows = db.prepare<[], { id: string; state_json: string }>('SELECT id, state_json FROM halls ORDER BY id').all();
  const updateHall = db.prepare<[string, string]>('UPDATE halls SET state_json = ? WHERE id = ?');
  const insertConfig = db.prepare<[string, string]>('INSERT INTO hall_configs (hall_id, json) VALUES (?, ?)');
  const insertTicket = db.prepare<[string, string, number, string]>(
    'INSERT INTO live_tickets (hall_id, id, ord, json) VALUES (?, ?, ?, ?)',
  );
  let ord = 0;
  for (const row of rows) {
    // v1 kept the whole hall in one JSON text, the live tickets as an object keyed by id.
    const state = parseStored<Omit<HallState, 'tickets'> & { tickets?: Record<string, Ticket> }>(row.state_json, `state of hall ${row.id}`);
    if (state === null || typeof state !== 'object' || Array.isArray(state) || !state.config || typeof state.config !== 'object') {
      throw new StoreError('CORRUPT', `hall ${row.id}: stored state is not a hall state`);
    }
    // The v2 layout (requests stayed in state_json until v3), whatever layout.ts says now.
    const { config, tickets, ...rest } = state;
    updateHall.run(JSON.stringify(rest), row.id);
    insertConfig.run(row.id, JSON.stringify(config));
    for (const [id, ticket] of Object.entries(tickets ?? {})) {
      if (ticket !== undefined) insertTicket.run(row.id, id, ++ord, JSON.stringify(ticket));
    }
  }
}

/** v2 kept HallState.requests in state_json; move them to hall_requests, in order. */
function moveRequestsOut(db: Sqlite.Database): void {
  const rows = db.prepare<[], { id: string; state_json: string }>('SELECT id, state_json FROM halls ORDER BY id').all();
  const updateHall = db.prepare<[string, string]>('UPDATE halls SET state_json = ? WHERE id = ?');
  const insertRequest = db.prepare<[string, string, number, string]>(
    'INSERT INTO hall_requests (hall_id, id, ord, json) VALUES (?, ?, ?, ?)',
  );
  let ord = 0;
  for (const row of rows) {
    const state = parseStored<Record<string, unknown>>(row.state_json, `state of hall ${row.id}`);
    if (state === null || typeof state !== 'object' || Array.isArray(state)) {
      throw new StoreError('CORRUPT', `hall ${row.id}: stored state is not an object`);
    }
    const { requests = [], ...rest } = state;
    if (!Array.isArray(requests)) throw new StoreError('CORRUPT', `hall ${row.id}: stored requests are not a list`);
    updateHall.run(JSON.stringify(rest), row.id);
    for (const entry of requests as unknown[]) {
      const id = entry !== null && typeof entry === 'object' && typeof (entry as { id?: unknown }).id === 'string' ? (entry as { id: string }).id : '';
      insertRequest.run(row.id, id, ++ord, JSON.stringify(entry) ?? 'null');
    }
  }
}

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

export function schemaVersionOf(db: Sqlite.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** A database written by a newer build: this one must not touch it (start-up names the fix). */
export class SchemaTooNewError extends StoreError {
  constructor(
    readonly file: string,
    readonly found: number,
  ) {
    super(
      'CORRUPT',
      `database ${file} has schema version ${found}, newer than the ${SCHEMA_VERSION} this HallQ build knows; ` +
        'upgrade HallQ (or restore a backup) instead of opening it with an older build',
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Brings the schema up to SCHEMA_VERSION; refuses a database written by a newer build. */
export function migrate(db: Sqlite.Database): void {
  const current = schemaVersionOf(db);
  if (current > SCHEMA_VERSION) throw new SchemaTooNewError(db.name, current);
  for (const step of MIGRATIONS) {
    if (step.version <= current) continue;
    db.transaction(() => {
      // Re-read under the write lock: another process may have just applied it.
      if (schemaVersionOf(db) >= step.version) return;
      db.exec(step.sql);
      step.convert?.(db);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
}
