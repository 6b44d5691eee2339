import type Sqlite from 'better-sqlite3';
import { StoreError, type OutboxEndpointRecord, type OutboxProgress, type OutboxStore } from '../port.js';
import { toStoreError } from './errors.js';

interface EndpointRow {
  hall_id: string;
  name: string;
  url: string;
  secret: string;
  enabled: number;
  updated_at: number;
  updated_by: string;
  events_json: string | null;
}

interface ProgressRow {
  delivered_seq: number;
  last_delivered_at: number | null;
  last_attempt_at: number | null;
  last_error: string | null;
  failures: number;
  failing_since: number | null;
}

const ENDPOINT_COLUMNS = 'hall_id, name, url, secret, enabled, updated_at, updated_by, events_json';

/**
 * Outbox endpoints and their cursors in the SQLite file (table outbox_endpoints, migration 7).
 * The file has one writing server (see sqliteStore.ts), so the delivery lease is this process's
 * own: it is kept in memory, and a restart starts without one.
 */
export class SqliteOutboxStore implements OutboxStore {
  private closed = false;
  private readonly leases = new Map<string, { holder: string; until: number }>();
  private readonly all: Sqlite.Statement<[], EndpointRow>;
  private readonly one: Sqlite.Statement<[string, string], EndpointRow>;
  private readonly upsert: Sqlite.Statement<unknown[]>;
  private readonly progress: Sqlite.Statement<[string, string], ProgressRow>;
  private readonly forward: Sqlite.Statement<unknown[]>;
  private readonly failed: Sqlite.Statement<unknown[]>;
  private readonly remove: Sqlite.Statement<[string, string]>;
  private readonly reset: Sqlite.Statement<unknown[]>;

  constructor(db: Sqlite.Database) {
    this.all = db.prepare(`SELECT ${ENDPOINT_COLUMNS} FROM outbox_endpoints ORDER BY hall_id, name`);
    this.one = db.prepare(`SELECT ${ENDPOINT_COLUMNS} FROM outbox_endpoints WHERE hall_id = ? AND name = ?`);
    // A new address or secret keeps the cursor: what was delivered was delivered.
    this.upsert = db.prepare(
      `INSERT INTO outbox_endpoints (${ENDPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hall_id, name) DO UPDATE SET url = excluded.url, secret = excluded.secret, enabled = excluded.enabled,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by, events_json = excluded.events_json`,
    );
    this.progress = db.prepare('SELECT delivered_seq, last_delivered_at, last_attempt_at, last_error, failures, failing_since FROM outbox_endpoints WHERE hall_id = ? AND name = ?');
    this.forward = db.prepare(
      `UPDATE outbox_endpoints SET delivered_seq = max(delivered_seq, ?), last_delivered_at = coalesce(?, last_delivered_at),
         last_error = NULL, failures = 0, failing_since = NULL WHERE hall_id = ? AND name = ? AND (? IS NULL OR delivered_seq = ?)`,
    );
    this.failed = db.prepare(
      `UPDATE outbox_endpoints SET last_attempt_at = ?, last_error = ?, failures = failures + 1, failing_since = coalesce(failing_since, ?)
         WHERE hall_id = ? AND name = ?`,
    );
    this.remove = db.prepare('DELETE FROM outbox_endpoints WHERE hall_id = ? AND name = ?');
    this.reset = db.prepare('UPDATE outbox_endpoints SET delivered_seq = ?, last_error = NULL, failures = 0, failing_since = NULL WHERE hall_id = ? AND name = ?');
  }

  async listEndpoints(): Promise<OutboxEndpointRecord[]> {
    return this.run('listEndpoints', () => this.all.all().map(toEndpoint));
  }

  async getEndpoint(hallId: string, name: string): Promise<OutboxEndpointRecord | null> {
    return this.run('getEndpoint', () => {
      const row = this.one.get(hallId, name);
      return row ? toEndpoint(row) : null;
    });
  }

  async putEndpoint(record: OutboxEndpointRecord): Promise<void> {
    this.run('putEndpoint', () => {
      this.upsert.run(record.hallId, record.name, record.url, record.secret, record.enabled ? 1 : 0, record.updatedAt, record.updatedBy, record.events ? JSON.stringify(record.events) : null);
    });
  }

  async getProgress(hallId: string, name: string): Promise<OutboxProgress> {
    return this.run('getProgress', () => {
      const row = this.progress.get(hallId, name);
      if (!row) return { deliveredSeq: 0, failures: 0 };
      return {
        deliveredSeq: row.delivered_seq,
        failures: row.failures,
        ...(row.last_delivered_at !== null ? { lastDeliveredAt: row.last_delivered_at } : {}),
        ...(row.last_attempt_at !== null ? { lastAttemptAt: row.last_attempt_at } : {}),
        ...(row.last_error !== null ? { lastError: row.last_error } : {}),
        ...(row.failing_since !== null ? { failingSince: row.failing_since } : {}),
      };
    });
  }

  async acquireLease(hallId: string, name: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = `${hallId}\u0000${name}`;
    const now = Date.now();
    const lease = this.leases.get(key);
    if (lease && lease.holder !== holder && lease.until > now) return false;
    this.leases.set(key, { holder, until: now + ttlMs });
    return true;
  }

  async releaseLease(hallId: string, name: string, holder: string): Promise<void> {
    const key = `${hallId}\u0000${name}`;
    if (this.leases.get(key)?.holder === holder) this.leases.delete(key);
  }

  async advance(hallId: string, name: string, holder: string, seq: number, deliveredAt?: number, expectedSeq?: number): Promise<boolean> {
    if (!this.holds(hallId, name, holder)) return false;
    const expected = expectedSeq ?? null;
    return this.run('advance', () => this.forward.run(seq, deliveredAt ?? null, hallId, name, expected, expected).changes > 0);
  }

  async recordFailure(hallId: string, name: string, holder: string, error: string, at: number): Promise<boolean> {
    if (!this.holds(hallId, name, holder)) return false;
    return this.run('recordFailure', () => this.failed.run(at, error, at, hallId, name).changes > 0);
  }

  async deleteEndpoint(hallId: string, name: string): Promise<void> {
    this.run('deleteEndpoint', () => this.remove.run(hallId, name));
    this.leases.delete(`${hallId}\u0000${name}`);
  }

  async rewind(hallId: string, name: string, seq: number): Promise<void> {
    this.run('rewind', () => this.reset.run(seq, hallId, name));
  }

  shutdown(): void {
    this.closed = true;
  }

  private holds(hallId: string, name: string, holder: string): boolean {
    const lease = this.leases.get(`${hallId}\u0000${name}`);
    return lease !== undefined && lease.holder === holder && lease.until > Date.now();
  }

  private run<R>(what: string, body: () => R): R {
    if (this.closed) throw new StoreError('UNAVAILABLE', 'the SQLite store is closed');
    try {
      return body();
    } catch (error) {
      throw toStoreError(error, `outbox ${what}`);
    }
  }
}

function toEndpoint(row: EndpointRow): OutboxEndpointRecord {
  return {
    hallId: row.hall_id,
    name: row.name,
    url: row.url,
    secret: row.secret,
    enabled: row.enabled === 1,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    ...(row.events_json !== null ? { events: parseEvents(row.events_json) } : {}),
  };
}

function parseEvents(json: string): string[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new StoreError('CORRUPT', 'outbox endpoint: events_json is not a list of event types');
  return value;
}
