import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, openSqliteStore, sqliteDiagnostics } from '../../server/store/sqlite/index.js';
import { StoreError, type Store } from '../../server/store/port.js';
import { describeHallStoreContract, type StoreHarness } from './contract.js';
import { issueNext, makeHallState } from './fixtures.js';

async function fileHarness(): Promise<StoreHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'hallq-sqlite-'));
  const file = join(dir, 'hallq.db');
  const opened: Store[] = [];
  const open = (): Store => {
    const store = openSqliteStore({ file });
    opened.push(store);
    return store;
  };
  return {
    store: open(),
    reopen: async () => open(),
    cleanup: async () => {
      for (const store of opened) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describeHallStoreContract('sqlite (file)', fileHarness);

describeHallStoreContract('sqlite (:memory:)', async () => {
  const store = openSqliteStore({ file: ':memory:' });
  return { store, cleanup: () => store.close() };
});

describe('sqlite adapter specifics', () => {
  let dir: string;
  let file: string;
  const opened: Store[] = [];

  function open(options: { synchronous?: 'FULL' | 'NORMAL' } = {}): Store {
    const store = openSqliteStore({ file, ...options });
    opened.push(store);
    return store;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hallq-sqlite-'));
    file = join(dir, 'hallq.db');
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens with WAL, synchronous=FULL by default, a busy timeout and foreign keys', () => {
    const diagnostics = sqliteDiagnostics(open());
    expect(diagnostics).toMatchObject({
      journalMode: 'wal',
      synchronous: 2,
      foreignKeys: true,
      busyTimeoutMs: 5000,
      schemaVersion: SCHEMA_VERSION,
    });
  });

  it('honours synchronous=NORMAL when asked', async () => {
    const store = open({ synchronous: 'NORMAL' });
    expect(sqliteDiagnostics(store).synchronous).toBe(1);
  });

  it('migrates a fresh file once and reopens it without migrating again', async () => {
    const first = open();
    await first.halls.createHall(makeHallState('h1'));
    await first.close();
    const second = open();
    expect(sqliteDiagnostics(second).schemaVersion).toBe(SCHEMA_VERSION);
    expect((await second.halls.loadHall('h1'))?.config.id).toBe('h1');
  });

  it('refuses a database written by a newer schema version', async () => {
    await open().close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();

    let error: unknown;
    try {
      open();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('CORRUPT');
    expect((error as StoreError).message).toMatch(
      new RegExp(`schema version ${SCHEMA_VERSION + 1}.*newer.*${SCHEMA_VERSION}`),
    );
  });

  it('refuses a file that is not a SQLite database', async () => {
    await writeFile(file, 'this is not a database, just some text that is long enough to have a header');
    expect(() => open()).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });

  it('commits updates requested in the same turn together (group commit)', async () => {
    const store = open();
    await store.halls.createHall(makeHallState('h1'));
    await store.halls.createHall(makeHallState('h2'));
    const before = sqliteDiagnostics(store);
    await Promise.all([
      ...Array.from({ length: 100 }, () => store.halls.update('h1', issueNext)),
      ...Array.from({ length: 100 }, () => store.halls.update('h2', issueNext)),
    ]);
    const after = sqliteDiagnostics(store);
    expect(after.commits - before.commits).toBe(1);
    expect(after.updates - before.updates).toBe(200);
  });

  it('a failed commit acknowledges nothing of the batch, and the store goes on from what is on disk', async () => {
    const store = open();
    await store.halls.createHall(makeHallState('h1'));
    await store.halls.createHall(makeHallState('h2'));
    await store.halls.update('h1', issueNext);

    // Make the next-but-one event of h1 fail to insert, from another connection.
    const saboteur = new Database(file);
    saboteur.exec(`CREATE TRIGGER sabotage BEFORE INSERT ON events WHEN NEW.hall_id = 'h1' AND NEW.seq = 3
                   BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`);

    const results = await Promise.allSettled([
      store.halls.update('h1', issueNext), // seq 2
      store.halls.update('h2', issueNext), // other hall, same batch
      store.halls.update('h1', issueNext), // seq 3: fails
      store.halls.update('h1', () => ({ ok: false, error: { code: 'QUEUE_EMPTY' } })),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
      expect((result as PromiseRejectedResult).reason.code).toBe('UNAVAILABLE');
    }
    expect((await store.halls.loadHall('h1'))?.seq).toBe(1);
    expect((await store.halls.loadHall('h2'))?.seq).toBe(0);
    expect((await store.halls.eventsSince('h1', 0, 100)).map((e) => e.seq)).toEqual([1]);
    expect(await store.halls.getTicket('h1-t2')).toBeNull();

    saboteur.exec('DROP TRIGGER sabotage');
    saboteur.close();
    const outcomes = await Promise.all([
      store.halls.update('h1', issueNext),
      store.halls.update('h1', issueNext),
      store.halls.update('h2', issueNext),
    ]);
    expect(outcomes.map((o) => (o?.ok ? o.result.number : 'refused'))).toEqual(['A002', 'A003', 'A001']);
    expect((await store.halls.eventsSince('h1', 0, 100)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('a fn that mutates its input and returns it is rejected, and the hall is re-read from disk', async () => {
    const store = open();
    await store.halls.createHall(makeHallState('h1'));
    await expect(
      store.halls.update('h1', (state) => {
        const next = issueNext(state);
        if (!next.ok) return next;
        Object.assign(state, next.state); // forbidden: mutating the input
        return { ...next, state };
      }),
    ).rejects.toThrow(/must return a new state/);
    expect(await store.halls.loadHall('h1')).toEqual(makeHallState('h1'));
    expect(await store.halls.update('h1', issueNext)).toMatchObject({ ok: true, state: { seq: 1 } });
  });
});
