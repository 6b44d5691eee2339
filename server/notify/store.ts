import Database from 'better-sqlite3';

/** The two messages a ticket may get: "N ahead" and "called". */
export type NotifyKind = 'ahead' | 'called';

/**
 * What became of a message: `pending` until the gateway took it; `sent`; `skipped` (the ticket was
 * already that near when issued); `dropped` (the ticket was called or gone before it went out);
 * `limited` (the number's daily quota was used up); `failed` (the gateway refused it too often).
 */
export type NotifyStatus = 'pending' | 'sent' | 'skipped' | 'dropped' | 'limited' | 'failed';

export interface NotifyRecord {
  hallId: string;
  ticketId: string;
  kind: NotifyKind;
  status: NotifyStatus;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
}

/**
 * The notifier's durable state: per hall a cursor over the event log, and one record per ticket and
 * kind, so a message is decided once and, once the gateway took it, never sent again (a restart or a
 * retry finds the record). The number itself is never stored here: it stays on the live ticket and
 * leaves with it; the rate limit counts by a hash of hall and number.
 */
export interface NotifyStore {
  cursor(hallId: string): Promise<number | null>;
  setCursor(hallId: string, seq: number): Promise<void>;
  /** Creates the record if there is none for ticket and kind; false when one exists (whatever its status). */
  claim(hallId: string, ticketId: string, kind: NotifyKind, status: 'pending' | 'skipped', at: number): Promise<boolean>;
  pending(hallId: string): Promise<NotifyRecord[]>;
  get(hallId: string, ticketId: string, kind: NotifyKind): Promise<NotifyRecord | null>;
  /** Marks the record's outcome; a `sent` one counts against `phoneKey` on `day`. */
  settle(hallId: string, ticketId: string, kind: NotifyKind, status: Exclude<NotifyStatus, 'pending'>, at: number, quota?: { phoneKey: string; day: string }): Promise<void>;
  /** A failed attempt: the record stays pending until `nextAttemptAt`. */
  failed(hallId: string, ticketId: string, kind: NotifyKind, error: string, nextAttemptAt: number): Promise<void>;
  /** Messages sent to the number (by key) on the local day. */
  sentCount(phoneKey: string, day: string): Promise<number>;
  /** Forgets records older than `before` (the rate limit needs a day, retries less). */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}

interface RecordRow {
  hall_id: string;
  ticket_id: string;
  kind: NotifyKind;
  status: NotifyStatus;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notify_cursors (hall_id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS notify_records (
  hall_id TEXT NOT NULL, ticket_id TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
  created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT, phone_key TEXT, day TEXT, settled_at INTEGER,
  PRIMARY KEY (hall_id, ticket_id, kind)
);
CREATE INDEX IF NOT EXISTS notify_records_pending ON notify_records (hall_id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notify_records_quota ON notify_records (phone_key, day) WHERE status = 'sent';
`;

/**
 * The notifier's records in their own SQLite file beside the hall store (data dir `notify.db`), so
 * the hall store's schema and its migrations stay as they are; one server process writes it.
 */
export class SqliteNotifyStore implements NotifyStore {
  private readonly db: Database.Database;

  constructor(file: string, synchronous: 'FULL' | 'NORMAL' = 'FULL') {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.exec(SCHEMA);
  }

  async cursor(hallId: string): Promise<number | null> {
    return this.db.prepare<[string], number>('SELECT seq FROM notify_cursors WHERE hall_id = ?').pluck().get(hallId) ?? null;
  }

  async setCursor(hallId: string, seq: number): Promise<void> {
    this.db
      .prepare('INSERT INTO notify_cursors (hall_id, seq) VALUES (?, ?) ON CONFLICT (hall_id) DO UPDATE SET seq = max(seq, excluded.seq)')
      .run(hallId, seq);
  }

  async claim(hallId: string, ticketId: string, kind: NotifyKind, status: 'pending' | 'skipped', at: number): Promise<boolean> {
    const result = this.db
      .prepare('INSERT INTO notify_records (hall_id, ticket_id, kind, status, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .run(hallId, ticketId, kind, status, at);
    return result.changes > 0;
  }

  async pending(hallId: string): Promise<NotifyRecord[]> {
    return this.db
      .prepare<[string], RecordRow>("SELECT * FROM notify_records WHERE hall_id = ? AND status = 'pending' ORDER BY created_at")
      .all(hallId)
      .map(toRecord);
  }

  async get(hallId: string, ticketId: string, kind: NotifyKind): Promise<NotifyRecord | null> {
    const row = this.db.prepare<[string, string, string], RecordRow>('SELECT * FROM notify_records WHERE hall_id = ? AND ticket_id = ? AND kind = ?').get(hallId, ticketId, kind);
    return row ? toRecord(row) : null;
  }

  async settle(hallId: string, ticketId: string, kind: NotifyKind, status: Exclude<NotifyStatus, 'pending'>, at: number, quota?: { phoneKey: string; day: string }): Promise<void> {
    this.db
      .prepare('UPDATE notify_records SET status = ?, settled_at = ?, phone_key = ?, day = ? WHERE hall_id = ? AND ticket_id = ? AND kind = ?')
      .run(status, at, quota?.phoneKey ?? null, quota?.day ?? null, hallId, ticketId, kind);
  }

  async failed(hallId: string, ticketId: string, kind: NotifyKind, error: string, nextAttemptAt: number): Promise<void> {
    this.db
      .prepare('UPDATE notify_records SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE hall_id = ? AND ticket_id = ? AND kind = ?')
      .run(error.slice(0, 500), nextAttemptAt, hallId, ticketId, kind);
  }

  async sentCount(phoneKey: string, day: string): Promise<number> {
    return this.db.prepare<[string, string], number>("SELECT count(*) FROM notify_records WHERE phone_key = ? AND day = ? AND status = 'sent'").pluck().get(phoneKey, day) ?? 0;
  }

  async prune(before: number): Promise<number> {
    return this.db.prepare("DELETE FROM notify_records WHERE created_at < ? AND status <> 'pending'").run(before).changes;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toRecord(row: RecordRow): NotifyRecord {
  return {
    hallId: row.hall_id,
    ticketId: row.ticket_id,
    kind: row.kind,
    status: row.status,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  };
}
