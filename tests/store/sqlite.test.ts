import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HallEvent } from '../../server/protocol/events.js';
import type { HallState } from '../../server/protocol/model.js';
import { SCHEMA_VERSION, openSqliteStore, sqliteDiagnostics } from '../../server/store/sqlite/index.js';
import { MIGRATIONS } from '../../server/store/sqlite/migrations.js';
import { StoreError, type Store } from '../../server/store/port.js';
import { describeHallStoreContract, type StoreHarness } from './contract.js';
import {
  T0,
  issueNext,
  makeHallState,
  makeTicket,
  ticketIssuedEvent,
  makeHallWithRequests,
  makeHallWithTickets,
  makeRatingCase,
  postAnnouncement,
  putRatingCase,
  recallTicket,
  rewriteEverything,
  setTicketStatus,
  withRequest,
  withTicket,
} from './fixtures.js';
import { TicketMap } from '../../server/protocol/ticketMap.js';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * A hall state and its events as the v1 and v2 releases would have stored them, built with the
 * fixtures: two issues in three carry a requestId, and the hall remembers the last 6 answers.
 */
function v1History(hallId: string, issues: number): { state: HallState; events: HallEvent[] } {
  let state = makeHallState(hallId);
  const events: HallEvent[] = [];
  const apply = (outcome: ReturnType<typeof issueNext> | ReturnType<ReturnType<typeof setTicketStatus>>) => {
    if (!outcome.ok) throw new Error('fixture refused');
    state = outcome.state;
    events.push(...outcome.events);
  };
  for (let i = 0; i < issues; i++) apply(i % 3 === 2 ? issueNext(state) : withRequest(`${hallId}-req${i}`, issueNext, 6)(state));
  apply(setTicketStatus(`${hallId}-t2`, 'called', T0 + 60_000)(state));
  apply(setTicketStatus(`${hallId}-t1`, 'called', T0 + 61_000)(state));
  apply(setTicketStatus(`${hallId}-t1`, 'served', T0 + 62_000)(state));
  return { state, events };
}

/** A database at schema `version`, as the release that introduced it created it. */
function schemaAt(file: string, version: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const step of MIGRATIONS) if (step.version <= version) db.exec(step.sql);
  db.pragma(`user_version = ${version}`);
  return db;
}

/** A hall's row, events and ticket projection, the same in v1 and v2. */
function insertHallHistory(db: Database.Database, state: HallState, events: HallEvent[], stateJson: string): void {
  const insertHall = db.prepare('INSERT INTO halls (id, name, state_json, seq, version, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertEvent = db.prepare('INSERT INTO events (hall_id, seq, type, at, json) VALUES (?, ?, ?, ?, ?)');
  const upsertTicket = db.prepare(
    `INSERT INTO tickets (id, hall_id, day, number, status, json) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, json = excluded.json`,
  );
  insertHall.run(state.config.id, state.config.name, stateJson, state.seq, events.length + 1, T0);
  for (const event of events) {
    insertEvent.run(event.hallId, event.seq, event.type, event.at, JSON.stringify(event));
    if ('ticket' in event) {
      const t = event.ticket;
      upsertTicket.run(t.id, event.hallId, t.day, t.number, t.status, JSON.stringify(t));
    }
  }
}

/** Writes a database exactly as schema v1 (the first release) left it. */
function writeV1Database(file: string, halls: Array<{ state: HallState; events: HallEvent[] }>, stateJson = (s: HallState) => JSON.stringify(s)): void {
  const db = schemaAt(file, 1);
  for (const { state, events } of halls) insertHallHistory(db, state, events, stateJson(state));
  db.close();
}

/** Writes a database exactly as schema v2 left it: requests still inside state_json. */
function writeV2Database(
  file: string,
  halls: Array<{ state: HallState; events: HallEvent[] }>,
  stateJson = (rest: object, state: HallState) => JSON.stringify(rest),
): void {
  const db = schemaAt(file, 2);
  const insertConfig = db.prepare('INSERT INTO hall_configs (hall_id, json) VALUES (?, ?)');
  const insertTicket = db.prepare('INSERT INTO live_tickets (hall_id, id, ord, json) VALUES (?, ?, ?, ?)');
  let ord = 0;
  for (const { state, events } of halls) {
    const { config, tickets, ...rest } = state;
    insertHallHistory(db, state, events, stateJson(rest, state));
    insertConfig.run(state.config.id, JSON.stringify(config));
    for (const [id, ticket] of tickets.entries()) insertTicket.run(state.config.id, id, ++ord, JSON.stringify(ticket));
  }
  db.close();
}

/**
 * Writes a database exactly as schema v8 left it: live tickets in live_tickets beside the
 * projection in tickets, requests in hall_requests. `live` may replace a hall's live copy of a
 * ticket (a live copy that differs from what its last event carried).
 */
function writeV8Database(file: string, halls: Array<{ state: HallState; events: HallEvent[] }>): void {
  const db = schemaAt(file, 8);
  const insertConfig = db.prepare('INSERT INTO hall_configs (hall_id, json) VALUES (?, ?)');
  const insertTicket = db.prepare('INSERT INTO live_tickets (hall_id, id, ord, json) VALUES (?, ?, ?, ?)');
  const insertRequest = db.prepare('INSERT INTO hall_requests (hall_id, id, ord, json) VALUES (?, ?, ?, ?)');
  let ord = 0;
  for (const { state, events } of halls) {
    const { config, tickets, requests, ...rest } = state;
    insertHallHistory(db, state, events, JSON.stringify(rest));
    insertConfig.run(state.config.id, JSON.stringify(config));
    for (const [id, ticket] of tickets.entries()) insertTicket.run(state.config.id, id, ++ord, JSON.stringify(ticket));
    for (const entry of requests) insertRequest.run(state.config.id, entry.id, ++ord, JSON.stringify(entry));
  }
  db.close();
}

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
    second: async () => open(),
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
    await store.halls.createHall(makeHallWithRequests('h1', 3));
    await store.halls.createHall(makeHallState('h2'));
    await store.halls.update('h1', withRequest('r1', issueNext, 4));

    // Make the next-but-one event of h1 fail to insert, from another connection.
    const saboteur = new Database(file);
    saboteur.exec(`CREATE TRIGGER sabotage BEFORE INSERT ON events WHEN NEW.hall_id = 'h1' AND NEW.seq = 3
                   BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`);

    const results = await Promise.allSettled([
      store.halls.update('h1', withRequest('r2', issueNext, 4)), // seq 2
      store.halls.update('h2', issueNext), // other hall, same batch
      store.halls.update('h1', withRequest('r3', issueNext, 4)), // seq 3: fails
      store.halls.update('h1', () => ({ ok: false, error: { code: 'QUEUE_EMPTY' } })),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
      expect((result as PromiseRejectedResult).reason.code).toBe('UNAVAILABLE');
    }
    expect((await store.halls.loadHall('h1'))?.seq).toBe(1);
    expect((await store.halls.loadHall('h1'))?.requests.map((r) => r.id)).toEqual([1, 2, 3].map((n) => `staff:u1|ticket.issue|h1-r${n}`).concat('r1'));
    expect((await store.halls.loadHall('h2'))?.seq).toBe(0);
    expect((await store.halls.eventsSince('h1', 0, 100)).map((e) => e.seq)).toEqual([1]);
    expect(await store.halls.getTicket('h1-t2')).toBeNull();

    saboteur.exec('DROP TRIGGER sabotage');
    saboteur.close();
    const outcomes = await Promise.all([
      store.halls.update('h1', withRequest('r2', issueNext, 4)),
      store.halls.update('h1', withRequest('r3', issueNext, 4)),
      store.halls.update('h2', issueNext),
    ]);
    expect(outcomes.map((o) => (o?.ok ? o.result.number : 'refused'))).toEqual(['A002', 'A003', 'A001']);
    expect((await store.halls.eventsSince('h1', 0, 100)).map((e) => e.seq)).toEqual([1, 2, 3]);
    const h1 = await store.halls.loadHall('h1');
    expect(h1?.requests.map((r) => r.id)).toEqual(['staff:u1|ticket.issue|h1-r3', 'r1', 'r2', 'r3']);
    await store.close();
    expect(await open().halls.loadHall('h1')).toEqual(h1);
  });

  it('migrates a v1 database (whole state in state_json) to the split layout, keeping every hall exactly', async () => {
    const h1 = v1History('h1', 12);
    const h2 = v1History('h2', 3);
    h2.state.config.windows.push({ id: 'win-2', number: 2, name: '2号窗口', services: [{ serviceId: 'svc-a', tier: 1 }] });
    const empty = { state: makeHallState('h3'), events: [] };
    writeV1Database(file, [h1, h2, empty]);

    const store = open();
    expect(sqliteDiagnostics(store).schemaVersion).toBe(SCHEMA_VERSION);
    for (const { state } of [h1, h2, empty]) {
      const loaded = await store.halls.loadHall(state.config.id);
      expect(loaded).toEqual(state);
      expect(loaded!.tickets.keys()).toEqual(state.tickets.keys()); // even in the same order
    }
    expect(h1.state.tickets.size).toBe(11);
    expect(h1.state.requests.map((r) => r.id)).toEqual([3, 4, 6, 7, 9, 10].map((i) => `h1-req${i}`)); // 8 answered, 6 kept
    expect((await store.halls.listHalls()).map((h) => [h.id, h.name, h.nameAlt, h.timeZone])).toEqual([
      ['h1', '便民服务中心 h1', 'Service Hall h1', 'Asia/Shanghai'],
      ['h2', '便民服务中心 h2', 'Service Hall h2', 'Asia/Shanghai'],
      ['h3', '便民服务中心 h3', 'Service Hall h3', 'Asia/Shanghai'],
    ]);
    expect(await store.halls.eventsSince('h1', 0, 100)).toEqual(h1.events);
    expect((await store.halls.getTicket('h1-t1'))?.ticket.status).toBe('served');

    // The rows are in the new layout.
    const raw = new Database(file, { readonly: true });
    const row = raw
      .prepare('SELECT state_json, c.json AS config_json FROM halls JOIN hall_configs c ON c.hall_id = halls.id WHERE id = ?')
      .get('h2') as { state_json: string; config_json: string };
    const rest = JSON.parse(row.state_json) as Record<string, unknown>;
    expect(rest).not.toHaveProperty('config');
    expect(rest).not.toHaveProperty('tickets');
    expect(rest).not.toHaveProperty('requests');
    expect(rest.seq).toBe(h2.state.seq);
    expect(JSON.parse(row.config_json)).toEqual(h2.state.config);
    expect(raw.prepare("SELECT count(*) FROM tickets WHERE hall_id = 'h1' AND live_ord IS NOT NULL").pluck().get()).toBe(11);
    expect(raw.prepare("SELECT count(*) FROM tickets WHERE hall_id = 'h3' AND live_ord IS NOT NULL").pluck().get()).toBe(0);
    expect(raw.prepare("SELECT id FROM hall_requests WHERE hall_id = 'h1' ORDER BY ord").pluck().all()).toEqual(h1.state.requests.map((r) => r.id));
    raw.close();

    // Work goes on, and survives a reopen.
    const next = await store.halls.update('h1', issueNext);
    expect(next).toMatchObject({ ok: true, result: { number: 'A013' }, state: { seq: 16 } });
    await store.close();
    const again = open();
    expect(await again.halls.loadHall('h1')).toEqual(next?.ok ? next.state : null);
    expect(await again.halls.loadHall('h2')).toEqual(h2.state);
  });

  it('a v1 database with an unreadable hall is refused as CORRUPT and left as it was', async () => {
    const h1 = v1History('h1', 2);
    const h2 = v1History('h2', 2);
    writeV1Database(file, [h1, h2], (state) => (state.config.id === 'h2' ? '{"config": {"id": "h2"' : JSON.stringify(state)));
    expect(() => open()).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(JSON.parse(raw.prepare("SELECT state_json FROM halls WHERE id = 'h1'").pluck().get() as string)).toEqual(h1.state);
    expect(raw.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'live_tickets'").pluck().get()).toBe(0);
    raw.close();
  });

  it('migrates a v2 database (requests in state_json) to hall_requests, keeping every hall exactly', async () => {
    const h1 = v1History('h1', 12);
    const h2 = v1History('h2', 2);
    const h3 = { state: makeHallWithRequests('h3', 200), events: [] };
    const h4 = { state: makeHallState('h4'), events: [] };
    const h5 = { state: makeHallState('h5'), events: [] }; // stored without the key at all
    writeV2Database(file, [h1, h2, h3, h4, h5], (rest, state) => {
      if (state.config.id !== 'h5') return JSON.stringify(rest);
      const { requests: _, ...withoutRequests } = rest as HallState;
      return JSON.stringify(withoutRequests);
    });
    expect(h1.state.requests).toHaveLength(6);
    expect(h2.state.requests).toHaveLength(2);

    const store = open();
    expect(sqliteDiagnostics(store).schemaVersion).toBe(SCHEMA_VERSION);
    for (const { state } of [h1, h2, h3, h4, h5]) {
      const loaded = await store.halls.loadHall(state.config.id);
      expect(loaded).toEqual(state);
      expect(loaded!.requests.map((r) => r.id)).toEqual(state.requests.map((r) => r.id)); // in order
    }
    expect(await store.halls.eventsSince('h1', 0, 100)).toEqual(h1.events);

    // The rows are in the new layout.
    const raw = new Database(file, { readonly: true });
    for (const { state } of [h1, h2, h3, h4, h5]) {
      const rest = JSON.parse(raw.prepare('SELECT state_json FROM halls WHERE id = ?').pluck().get(state.config.id) as string) as object;
      expect(rest).not.toHaveProperty('requests');
      const rows = raw.prepare('SELECT id, json FROM hall_requests WHERE hall_id = ? ORDER BY ord').all(state.config.id) as Array<{ id: string; json: string }>;
      expect(rows.map((row) => row.id)).toEqual(state.requests.map((r) => r.id));
      expect(rows.map((row) => JSON.parse(row.json) as unknown)).toEqual(state.requests);
    }
    raw.close();

    // Work goes on (appending and trimming the migrated list), and survives a reopen.
    const next = await store.halls.update('h1', withRequest('after-migration', issueNext, 6));
    if (!next?.ok) throw new Error('update failed');
    expect(next.state.requests.map((r) => r.id)).toEqual([...h1.state.requests.slice(1).map((r) => r.id), 'after-migration']);
    const h3next = await store.halls.update('h3', withRequest('after-migration', (state) => issueNext(state), 200));
    if (!h3next?.ok) throw new Error('update failed');
    await store.close();
    const again = open();
    expect(await again.halls.loadHall('h1')).toEqual(next.state);
    expect(await again.halls.loadHall('h3')).toEqual(h3next.state);
    expect((await again.halls.loadHall('h3'))!.requests[0]!.id).toBe('staff:u1|ticket.issue|h3-r2');
  });

  it('a v2 database whose requests are not a list is refused as CORRUPT and left as it was', async () => {
    const h1 = v1History('h1', 3);
    const h2 = v1History('h2', 3);
    writeV2Database(file, [h1, h2], (rest, state) => JSON.stringify(state.config.id === 'h2' ? { ...rest, requests: { not: 'a list' } } : rest));
    expect(() => open()).toThrow(expect.objectContaining({ code: 'CORRUPT', message: expect.stringMatching(/h2.*requests/) }));
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(2);
    const { config: _, tickets: __, ...rest } = h1.state;
    expect(JSON.parse(raw.prepare("SELECT state_json FROM halls WHERE id = 'h1'").pluck().get() as string)).toEqual(rest);
    expect(raw.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'hall_requests'").pluck().get()).toBe(0);
    raw.close();
  });

  it('migrates a v8 database (live tickets beside the projection, the log clustered by hall) to one row per ticket and an appended log, keeping every hall exactly', async () => {
    const h1 = v1History('h1', 12);
    const h2 = v1History('h2', 3);
    // A live copy that differs from the ticket's last event, and a live ticket no event carried.
    h1.state.tickets.set('h1-t4', { ...h1.state.tickets.get('h1-t4')!, noShowCount: 1 });
    h2.state.tickets.set('h2-x', makeTicket('h2-x', 9));
    writeV8Database(file, [h1, h2, { state: makeHallState('h3'), events: [] }]);

    const store = open();
    expect(sqliteDiagnostics(store).schemaVersion).toBe(SCHEMA_VERSION);
    for (const { state } of [h1, h2]) {
      const loaded = await store.halls.loadHall(state.config.id);
      expect(loaded).toEqual(state);
      expect(loaded!.tickets.keys()).toEqual(state.tickets.keys()); // even in the same order
      expect(loaded!.requests).toEqual(state.requests);
    }
    expect(await store.halls.loadHall('h3')).toEqual(makeHallState('h3'));
    expect((await store.halls.getTicket('h1-t4'))?.ticket.noShowCount).toBe(0); // what the event carried
    expect((await store.halls.getTicket('h1-t1'))?.ticket.status).toBe('served');
    expect(await store.halls.getTicket('h2-x')).toBeNull(); // no event carried it, as before

    // The live copy is kept apart only where it differs; live_tickets is gone.
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'live_tickets'").pluck().get()).toBe(0);
    expect(raw.prepare('SELECT id FROM tickets WHERE live_json IS NOT NULL ORDER BY id').pluck().all()).toEqual(['h1-t4', 'h2-x']);
    expect(raw.prepare('SELECT id FROM tickets WHERE json IS NULL').pluck().all()).toEqual(['h2-x']);
    // v11: what a command seldom changes is out of the state row.
    const head = JSON.parse(raw.prepare("SELECT state_json FROM halls WHERE id = 'h1'").pluck().get() as string) as object;
    expect(head).not.toHaveProperty('appointments');
    expect(head).not.toHaveProperty('announcements');
    expect(head).toHaveProperty('windows');
    expect(raw.prepare("SELECT name FROM hall_parts WHERE hall_id = 'h1' ORDER BY name").pluck().all()).toEqual(['announcements', 'appointments']);
    // v10: the log appends (a rowid table), and (hall_id, seq) is still unique.
    expect(raw.prepare("SELECT sql FROM sqlite_schema WHERE name = 'events'").pluck().get()).not.toMatch(/WITHOUT ROWID/i);
    expect(raw.prepare("SELECT sql FROM sqlite_schema WHERE name = 'events_by_hall_seq'").pluck().get()).toMatch(/UNIQUE INDEX/i);
    expect(raw.prepare("SELECT rowid FROM events WHERE hall_id = 'h1' ORDER BY seq").pluck().all()).toHaveLength(h1.events.length);
    expect(raw.prepare("SELECT count(*) FROM tickets WHERE live_ord IS NOT NULL").pluck().get()).toBe(
      h1.state.tickets.size + h2.state.tickets.size,
    );
    raw.close();

    // Work goes on, and survives a reopen.
    const served = await store.halls.update('h1', setTicketStatus('h1-t4', 'served', T0 + 90_000));
    const next = await store.halls.update('h1', issueNext);
    if (!served?.ok || !next?.ok) throw new Error('update failed');
    await store.close();
    const writer = new Database(file);
    expect(() => writer.prepare("INSERT INTO events (hall_id, seq, type, at, json) VALUES ('h1', 1, 'x', 0, '{}')").run()).toThrow(/UNIQUE/);
    writer.close();
    const again = open();
    expect(await again.halls.loadHall('h1')).toEqual(next.state);
    expect((await again.halls.getTicket('h1-t4'))?.ticket).toMatchObject({ status: 'served', noShowCount: 1 });
    expect(await again.halls.loadHall('h2')).toEqual(h2.state);
  });

  it('a v8 database whose live ticket shares its id with a ticket of another hall is refused as CORRUPT and left as it was', async () => {
    const h1 = v1History('h1', 2);
    const h2 = { state: { ...makeHallState('h2'), tickets: TicketMap.fromTickets([makeTicket('h1-t1', 1)]) }, events: [] };
    writeV8Database(file, [h1, h2]);
    expect(() => open()).toThrow(expect.objectContaining({ code: 'CORRUPT', message: expect.stringMatching(/another hall/) }));
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(8);
    expect(raw.prepare('SELECT count(*) FROM live_tickets').pluck().get()).toBe(h1.state.tickets.size + 1);
    raw.close();
  });

  it('a command writes each ticket it changes once: its live copy and its projection are one row', async () => {
    const store = open();
    await store.halls.createHall(makeHallState('h1'));
    const spy = new Database(file);
    spy.exec(`
      CREATE TABLE writes (what TEXT NOT NULL, id TEXT);
      CREATE TRIGGER t1 AFTER INSERT ON tickets BEGIN INSERT INTO writes VALUES ('insert', NEW.id); END;
      CREATE TRIGGER t2 AFTER UPDATE ON tickets BEGIN INSERT INTO writes VALUES ('update', NEW.id); END;
      CREATE TRIGGER t3 AFTER DELETE ON tickets BEGIN INSERT INTO writes VALUES ('delete', OLD.id); END;`);
    const writes = () => spy.prepare('DELETE FROM writes RETURNING what, id').all().map((r) => Object.values(r as object).join(' ')).sort();
    const row = (id: string) => spy.prepare('SELECT live_ord IS NOT NULL AS live, live_json, json FROM tickets WHERE id = ?').get(id) as { live: number; live_json: string | null; json: string };

    await store.halls.update('h1', issueNext);
    expect(writes()).toEqual(['insert h1-t1']);
    expect(row('h1-t1')).toMatchObject({ live: 1, live_json: null });
    await store.halls.update('h1', setTicketStatus('h1-t1', 'called', T0 + 60_000));
    expect(writes()).toEqual(['update h1-t1']);
    expect(row('h1-t1')).toMatchObject({ live: 1, live_json: null });
    // Issued and served in one commit: one row, not live.
    await Promise.all([store.halls.update('h1', issueNext), store.halls.update('h1', setTicketStatus('h1-t2', 'served', T0 + 61_000))]);
    expect(writes()).toEqual(['insert h1-t2']);
    expect(row('h1-t2')).toMatchObject({ live: 0, live_json: null });
    // An event that carries another version than the hall keeps: the live copy apart, once.
    await store.halls.update('h1', (state) => {
      const ticket = { ...state.tickets.get('h1-t1')!, note: 'in the event only' };
      const seq = state.seq + 1;
      return { ok: true, state: { ...state, seq }, events: [{ ...ticketIssuedEvent('h1', seq, ticket), type: 'ticket:recalled', windowId: 'win-1', windowNumber: 1 } as unknown as HallEvent], result: null };
    });
    expect(writes()).toEqual(['update h1-t1']);
    expect(row('h1-t1').live_json).not.toBeNull();
    expect((await store.halls.getTicket('h1-t1'))?.ticket).toMatchObject({ note: 'in the event only' });
    const state = await store.halls.loadHall('h1');
    expect(state?.tickets.get('h1-t1')).not.toHaveProperty('note');
    await store.halls.update('h1', setTicketStatus('h1-t1', 'served', T0 + 62_000));
    expect(writes()).toEqual(['update h1-t1']);
    expect(row('h1-t1')).toMatchObject({ live: 0, live_json: null });
    spy.close();
    await store.close();
    const again = open();
    expect((await again.halls.loadHall('h1'))?.tickets).toEqual({});
    expect((await again.halls.getTicket('h1-t1'))?.ticket).toMatchObject({ status: 'served' });
  });

  it('the raw 无声叫号 number leaves storage with the live ticket, even when no event says how it ended', async () => {
    const store = open();
    const phone = '13812345678';
    const raw = makeTicket('h1-p', 1, { notifyPhone: phone });
    const masked = { ...raw, notifyPhone: '138****5678' };
    await store.halls.createHall({ ...makeHallState('h1'), tickets: TicketMap.fromTickets([makeTicket('h1-q', 2, { notifyPhone: phone })]) });
    // Issued as the engine does it: the event carries the number masked, the hall keeps it whole.
    await store.halls.update('h1', (state) => {
      const seq = state.seq + 1;
      return { ok: true, state: { ...state, seq, tickets: withTicket(state.tickets, raw) }, events: [ticketIssuedEvent('h1', seq, masked)], result: null };
    });
    expect((await store.halls.loadHall('h1'))?.tickets).toEqual({ 'h1-q': makeTicket('h1-q', 2, { notifyPhone: phone }), 'h1-p': raw });
    expect((await store.halls.getTicket('h1-p'))?.ticket).toEqual(masked);
    const texts = () => {
      const db = new Database(file, { readonly: true });
      const all = db.prepare("SELECT coalesce(live_json, '') || coalesce(json, '') FROM tickets").pluck().all() as string[];
      db.close();
      return all.join();
    };
    expect(texts()).toContain(phone);
    // Both leave the hall without an event.
    await store.halls.update('h1', (state) => ({ ok: true, state: { ...state, tickets: TicketMap.empty() }, events: [], result: null }));
    expect(texts()).not.toContain(phone);
    expect((await store.halls.getTicket('h1-p'))?.ticket).toEqual(masked);
    expect(await store.halls.getTicket('h1-q')).toBeNull();
    await store.close();
    expect((await open().halls.loadHall('h1'))?.tickets).toEqual({});
  });

  it('an update inserts the request answers it adds and deletes the ones it drops, and nothing else of the list', async () => {
    const store = open();
    await store.halls.createHall(makeHallWithRequests('h1', 7));
    const spy = new Database(file);
    spy.exec(`
      CREATE TABLE writes (what TEXT NOT NULL, id TEXT);
      CREATE TRIGGER r1 AFTER INSERT ON hall_requests BEGIN INSERT INTO writes VALUES ('request+', NEW.id); END;
      -- A row taken over by a new answer: the answer dropped and the one added (a rewrite in place of the same answer would show as request~).
      CREATE TRIGGER r2 AFTER UPDATE ON hall_requests WHEN OLD.id IS NOT NEW.id OR OLD.ord IS NOT NEW.ord BEGIN INSERT INTO writes VALUES ('request-', OLD.id), ('request+', NEW.id); END;
      CREATE TRIGGER r2b AFTER UPDATE ON hall_requests WHEN OLD.id IS NEW.id AND OLD.ord IS NEW.ord BEGIN INSERT INTO writes VALUES ('request~', NEW.id); END;
      CREATE TRIGGER r3 AFTER DELETE ON hall_requests BEGIN INSERT INTO writes VALUES ('request-', OLD.id); END;
      CREATE TRIGGER r4 AFTER UPDATE ON hall_configs BEGIN INSERT INTO writes VALUES ('config', NEW.hall_id); END;
      CREATE TRIGGER r5 AFTER UPDATE OF state_json ON halls BEGIN INSERT INTO writes VALUES ('state', NEW.id); END;`);
    const writes = () => spy.prepare('DELETE FROM writes RETURNING what, id').all().map((r) => Object.values(r as object).join(' ')).sort();
    const old = (n: number) => `staff:u1|ticket.issue|h1-r${n}`;
    const announce = (id: string) => postAnnouncement(id, T0);

    // Below the cap (8): one insert. At the cap: one insert and the oldest deleted.
    await store.halls.update('h1', withRequest('a1', announce('ann-1')));
    expect(writes()).toEqual(['request+ a1', 'state h1']);
    await store.halls.update('h1', withRequest('a2', announce('ann-2')));
    expect(writes()).toEqual([`request- ${old(1)}`, 'request+ a2', 'state h1'].sort());
    // A command that remembers nothing copies the list and shares its entries: nothing of it is written.
    await store.halls.update('h1', (state) => {
      const outcome = announce('ann-3')(state);
      return outcome.ok ? { ...outcome, state: { ...outcome.state, requests: [...state.requests] } } : outcome;
    });
    expect(writes()).toEqual(['state h1']);
    // Twelve answers in one commit: written against the list before it; the four that came
    // and went within the commit are never written.
    await Promise.all(range(1, 12).map((k) => store.halls.update('h1', withRequest(`b${k}`, announce(`ann-b${k}`)))));
    expect(writes()).toEqual(
      [...range(5, 12).map((k) => `request+ b${k}`), ...[2, 3, 4, 5, 6, 7].map((n) => `request- ${old(n)}`), 'request- a1', 'request- a2', 'state h1'].sort(),
    );
    // A replayed request (the state handed back as it was) writes nothing at all.
    await store.halls.update('h1', (state) => ({ ok: true, state, events: [], result: 'replayed' }));
    expect(writes()).toEqual([]);
    // Copying everything is correct, just not cheap.
    await store.halls.update('h1', rewriteEverything(() => {}, T0));
    expect(writes()).toEqual(
      ['config h1', 'state h1', ...range(5, 12).flatMap((k) => [`request+ b${k}`, `request- b${k}`])].sort(),
    );
    spy.close();

    const raw = new Database(file, { readonly: true });
    expect(JSON.parse(raw.prepare("SELECT state_json FROM halls WHERE id = 'h1'").pluck().get() as string)).not.toHaveProperty('requests');
    raw.close();
    const before = await store.halls.loadHall('h1');
    expect(before!.requests.map((r) => r.id)).toEqual(range(5, 12).map((k) => `b${k}`));
    await store.close();
    expect(await open().halls.loadHall('h1')).toEqual(before);
  });

  it('an update writes the state row, the config only when its object changed, and only the tickets that changed', async () => {
    const store = open();
    await store.halls.createHall(makeHallWithTickets('h1', 300));
    const spy = new Database(file);
    spy.exec(`
      CREATE TABLE writes (what TEXT NOT NULL, id TEXT);
      CREATE TRIGGER w1 AFTER INSERT ON tickets WHEN NEW.live_ord IS NOT NULL BEGIN INSERT INTO writes VALUES ('ticket+', NEW.id); END;
      CREATE TRIGGER w2 AFTER UPDATE ON tickets WHEN OLD.live_ord IS NOT NULL AND NEW.live_ord IS NOT NULL BEGIN INSERT INTO writes VALUES ('ticket~', NEW.id); END;
      CREATE TRIGGER w3 AFTER UPDATE ON tickets WHEN OLD.live_ord IS NOT NULL AND NEW.live_ord IS NULL BEGIN INSERT INTO writes VALUES ('ticket-', OLD.id); END;
      CREATE TRIGGER w4 AFTER UPDATE ON hall_configs BEGIN INSERT INTO writes VALUES ('config', NEW.hall_id); END;
      CREATE TRIGGER w5 AFTER UPDATE OF state_json ON halls BEGIN INSERT INTO writes VALUES ('state', NEW.id); END;
      CREATE TRIGGER w6 AFTER INSERT ON hall_requests BEGIN INSERT INTO writes VALUES ('request+', NEW.id); END;
      CREATE TRIGGER w7 AFTER DELETE ON hall_requests BEGIN INSERT INTO writes VALUES ('request-', OLD.id); END;`);
    const writes = () => spy.prepare('DELETE FROM writes RETURNING what, id').all().map((r) => Object.values(r as object).join(' ')).sort();

    await store.halls.update('h1', postAnnouncement('ann-1', T0));
    expect(writes()).toEqual(['state h1']);
    await store.halls.update('h1', recallTicket('h1-t7', T0));
    expect(writes()).toEqual(['state h1', 'ticket~ h1-t7']);
    await store.halls.update('h1', issueNext);
    expect(writes()).toEqual(['state h1', 'ticket+ h1-t301']);
    await store.halls.update('h1', setTicketStatus('h1-t9', 'served', T0));
    expect(writes()).toEqual(['state h1', 'ticket- h1-t9']);
    // Several updates of one hall in one commit: written once, against the state before the commit.
    await Promise.all([
      store.halls.update('h1', recallTicket('h1-t7', T0)),
      store.halls.update('h1', recallTicket('h1-t8', T0)),
      store.halls.update('h1', recallTicket('h1-t7', T0)),
      store.halls.update('h1', issueNext),
      store.halls.update('h1', setTicketStatus('h1-t302', 'served', T0)),
    ]);
    expect(writes()).toEqual(['state h1', 'ticket~ h1-t7', 'ticket~ h1-t8']);
    // Copying everything is correct, just not cheap.
    await store.halls.update('h1', rewriteEverything(() => {}, T0));
    const all = writes();
    expect(all.filter((w) => w.startsWith('ticket~'))).toHaveLength(300);
    expect(all.filter((w) => !w.startsWith('ticket~'))).toEqual(['config h1', 'state h1']);
    spy.close();

    const before = await store.halls.loadHall('h1');
    await store.close();
    const again = open();
    const loaded = await again.halls.loadHall('h1');
    expect(loaded).toEqual(before);
    expect(loaded!.tickets.keys()).toEqual(before!.tickets.keys()); // in the engine's order
  });

  it('checkpoints the WAL after a commit, in a later turn, never inside it; a moment later when the commits wrote little', async () => {
    const store = open();
    expect(sqliteDiagnostics(store)).toMatchObject({ walAutocheckpointPages: 10_000, checkpoints: 0 });
    await store.halls.createHall(makeHallState('h1'));
    const spy = new Database(file, { readonly: true });
    const wal = () => spy.pragma('wal_checkpoint(PASSIVE)', { simple: false }) as Array<{ log: number; checkpointed: number }>;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // Little written: no checkpoint in the commit nor just after it, one once the store is idle.
      await store.halls.update('h1', issueNext);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sqliteDiagnostics(store).checkpoints).toBe(0);
      vi.advanceTimersByTime(1000);
      expect(sqliteDiagnostics(store).checkpoints).toBe(1);
      // Much written in one commit: answered first, checkpointed in the next turn.
      const batch = Promise.all(Array.from({ length: 600 }, () => store.halls.update('h1', issueNext)));
      await batch;
      expect(sqliteDiagnostics(store).checkpoints).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(sqliteDiagnostics(store).checkpoints).toBe(2);
      const [state] = wal();
      expect(state!.checkpointed).toBe(state!.log); // nothing of the WAL left to copy
    } finally {
      vi.useRealTimers();
      spy.close();
    }
  });

  it('an update writes a seldom changed part of the state (hall_parts) only when its JSON changed, even when the part was copied', async () => {
    const store = open();
    await store.halls.createHall(makeHallState('h1'));
    const spy = new Database(file);
    spy.exec(`
      CREATE TABLE writes (what TEXT NOT NULL, id TEXT);
      CREATE TRIGGER p1 AFTER INSERT ON hall_parts BEGIN INSERT INTO writes VALUES ('part+', NEW.name); END;
      CREATE TRIGGER p2 AFTER UPDATE ON hall_parts BEGIN INSERT INTO writes VALUES ('part~', NEW.name); END;
      CREATE TRIGGER p3 AFTER DELETE ON hall_parts BEGIN INSERT INTO writes VALUES ('part-', OLD.name); END;`);
    const writes = () => spy.prepare('DELETE FROM writes RETURNING what, id').all().map((r) => Object.values(r as object).join(' ')).sort();

    await store.halls.update('h1', issueNext);
    expect(writes()).toEqual([]);
    await store.halls.update('h1', postAnnouncement('ann-1', T0));
    expect(writes()).toEqual(['part~ announcements']);
    // Everything copied (appointments too), one announcement more: that part alone.
    await store.halls.update('h1', rewriteEverything(() => {}, T0));
    expect(writes()).toEqual(['part~ announcements']);
    await store.halls.update('h1', putRatingCase(makeRatingCase('h1-t1'), T0));
    expect(writes()).toEqual(['part+ ratingCases']);
    await store.halls.update('h1', rewriteEverything((copy) => delete copy.ratingCases, T0));
    expect(writes()).toEqual(['part- ratingCases', 'part~ announcements']);
    spy.close();
    const before = await store.halls.loadHall('h1');
    expect(before?.announcements).toHaveLength(3);
    expect(before).not.toHaveProperty('ratingCases');
    await store.close();
    expect(await open().halls.loadHall('h1')).toEqual(before);
  });

  it('at the cap, a new answer takes over the row of the oldest it drops: one row rewritten, none inserted or deleted', async () => {
    const store = open();
    await store.halls.createHall(makeHallWithRequests('h1', 8));
    const spy = new Database(file);
    spy.exec(`
      CREATE TABLE ops (op TEXT NOT NULL);
      CREATE TRIGGER o1 AFTER INSERT ON hall_requests BEGIN INSERT INTO ops VALUES ('insert'); END;
      CREATE TRIGGER o2 AFTER UPDATE ON hall_requests BEGIN INSERT INTO ops VALUES ('update'); END;
      CREATE TRIGGER o3 AFTER DELETE ON hall_requests BEGIN INSERT INTO ops VALUES ('delete'); END;`);
    const ops = () => spy.prepare('DELETE FROM ops RETURNING op').pluck().all().sort();
    await store.halls.update('h1', withRequest('a1', postAnnouncement('ann-1', T0)));
    expect(ops()).toEqual(['update']);
    await Promise.all(range(1, 3).map((k) => store.halls.update('h1', withRequest(`b${k}`, postAnnouncement(`ann-b${k}`, T0)))));
    expect(ops()).toEqual(['update', 'update', 'update']);
    spy.close();
    const before = await store.halls.loadHall('h1');
    expect(before!.requests.map((r) => r.id).slice(-4)).toEqual(['a1', 'b1', 'b2', 'b3']);
    expect(before!.requests).toHaveLength(8);
    await store.close();
    expect(await open().halls.loadHall('h1')).toEqual(before);
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
