import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Store } from '../port.js';
import { SqliteAccountStore } from './accounts.js';
import { BACKSTOP_PAGES, Checkpointer } from './checkpoint.js';
import { toStoreError } from './errors.js';
import { SqliteHallStore } from './halls.js';
import { SqliteOutboxStore } from './outbox.js';
import { SqliteVoiceStore } from './voice.js';
import { MemoryOneTimeStore } from '../memoryOneTime.js';
import { migrate, schemaVersionOf } from './migrations.js';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:' (tests). */
  file: string;
  /** FULL (default): a commit survives power loss. NORMAL: survives a process crash only. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long to wait for another connection's lock before failing; default 5000 ms. */
  busyTimeoutMs?: number;
}

/** The settings of an open SQLite store's connection, for tests and health checks. */
export interface SqliteDiagnostics {
  file: string;
  journalMode: string;
  /** 0 = OFF, 1 = NORMAL, 2 = FULL, 3 = EXTRA */
  synchronous: number;
  busyTimeoutMs: number;
  foreignKeys: boolean;
  schemaVersion: number;
  /** Group-commit transactions committed so far by this store. */
  commits: number;
  /** update() calls those transactions settled (updates / commits = mean batch size). */
  updates: number;
  /** WAL checkpoints the store ran after its commits (checkpoint.ts); SQLite's automatic one is a backstop. */
  checkpoints: number;
  walAutocheckpointPages: number;
}

const connections = new WeakMap<Store, { db: Database.Database; halls: SqliteHallStore; checkpointer: Checkpointer | undefined }>();

/**
 * Opens (creating and migrating if needed) the SQLite store. This process must
 * be the only one writing the file's existing halls: their states are cached
 * in memory. Another connection may create halls and change accounts (the
 * `hallq` command line does, beside a running server): nothing caches the
 * absence of a hall, and accounts are read at every request.
 * Throws StoreError('CORRUPT') for a file that is not a HallQ database or was
 * written by a newer build.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  let db: Database.Database;
  try {
    if (options.file !== ':memory:') ownerOnly(options.file);
    db = new Database(options.file);
  } catch (error) {
    throw toStoreError(error, `opening ${options.file}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    // See checkpoint.ts: the hall store checkpoints after its commits, off their path.
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    migrate(db);
    if (options.file !== ':memory:') for (const suffix of ['-wal', '-shm']) ownerOnly(options.file + suffix, false);
  } catch (error) {
    db.close();
    throw toStoreError(error, `opening ${options.file}`);
  }

  const checkpointer = options.file === ':memory:' ? undefined : new Checkpointer(db);
  const halls = new SqliteHallStore(db, checkpointer);
  const accounts = new SqliteAccountStore(db);
  const outbox = new SqliteOutboxStore(db);
  const voice = new SqliteVoiceStore(db);
  // One writing server per file: its one-time values need not outlive it (memoryOneTime.ts).
  const oneTime = new MemoryOneTimeStore();
  const store: Store = {
    halls,
    accounts,
    voice,
    outbox,
    oneTime,
    async close() {
      if (!db.open) return;
      halls.shutdown(); // commits whatever update() calls are still queued
      accounts.shutdown();
      outbox.shutdown();
      voice.shutdown();
      oneTime.shutdown();
      db.close();
    },
  };
  connections.set(store, { db, halls, checkpointer });
  return store;
}

/**
 * The database holds password hashes and (unless HALLQ_SECRET is set) the
 * token-signing secret, so it is readable by its owner only (0600), whatever
 * the umask: created so when new, tightened when an older build left it 0644.
 * SQLite gives the -wal and -shm files the mode of the database, and they are
 * tightened too in case an older build created them.
 */
function ownerOnly(file: string, create = true): void {
  if (!existsSync(file)) {
    if (!create) return;
    closeSync(openSync(file, 'a', 0o600));
  }
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    // Someone else's file (a shared install run by another user): leave its mode to its owner.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/** Reads the connection settings of a store made by openSqliteStore (throws for any other store). */
export function sqliteDiagnostics(store: Store): SqliteDiagnostics {
  const entry = connections.get(store);
  if (!entry) throw new TypeError('not a store opened by openSqliteStore');
  const { db, halls, checkpointer } = entry;
  return {
    checkpoints: checkpointer?.runs ?? 0,
    walAutocheckpointPages: Number(db.pragma('wal_autocheckpoint', { simple: true })),
    commits: halls.stats.commits,
    updates: halls.stats.updates,
    file: db.name,
    journalMode: String(db.pragma('journal_mode', { simple: true })),
    synchronous: Number(db.pragma('synchronous', { simple: true })),
    busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
    foreignKeys: Number(db.pragma('foreign_keys', { simple: true })) === 1,
    schemaVersion: schemaVersionOf(db),
  };
}
