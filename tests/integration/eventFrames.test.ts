/**
 * Issue 16, one frame per command per audience: a command's events reach every socket as one
 * `hall:events` array, in seq order. A call-next that finishes the current ticket is ONE frame
 * [ticket:finished n, ticket:called n+1] for boards and for staff; a public frame carries nothing
 * personal; and the real clients (the display's HallSync, the counter's StaffFeed, run in Node
 * against a real server) keep their per-event seq check: a lost frame is repaired through
 * `hall:sync` and the view ends equal to the server's, a repeated frame changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { BoardView } from '../../server/protocol/viewTypes.js';
import type { StaffView } from '../../server/protocol/views/staff.js';
import type { PublicEvent } from '../../server/protocol/redact.js';
import { DEMO, type TestServer, type TestSocket, startTestServer } from '../helpers/testServer.js';

/**
 * The apps connect with `io(options)` to their page's origin; here that origin is the test server.
 * Every client socket is kept, so a test can stand between it and its `hall:events` listener.
 */
const wire = vi.hoisted(() => ({ url: '', sockets: [] as Socket[] }));
vi.mock('socket.io-client', async (importOriginal) => {
  const real = await importOriginal<typeof import('socket.io-client')>();
  const io = (uri: unknown, options?: Record<string, unknown>) => {
    const socket = typeof uri === 'string' ? real.io(uri, options) : real.io(wire.url, { ...(uri as object), forceNew: true });
    wire.sockets.push(socket);
    return socket;
  };
  return { ...real, io, default: io };
});

// Imported after the mock: the real display and counter clients.
const { HallSync } = await import('../../client/hallSync.svelte.js');
const { StaffFeed } = await import('../../counter/src/lib/staffFeed.js');

type Frame = Array<Record<string, any>>;

/**
 * Puts a valve between a client socket and its own `hall:events` listener: `drop` frames are
 * swallowed, and while `twice` is set every frame is delivered two times.
 */
function valve(socket: Socket): { drop: number; twice: boolean; delivered: Frame[] } {
  const state = { drop: 0, twice: false, delivered: [] as Frame[] };
  const [listener] = socket.listeners('hall:events');
  if (!listener) throw new Error('the client listens to no hall:events');
  socket.off('hall:events', listener);
  socket.on('hall:events', (frame: Frame) => {
    if (state.drop > 0) {
      state.drop--;
      return;
    }
    state.delivered.push(frame);
    listener(frame);
    if (state.twice) listener(structuredClone(frame));
  });
  return state;
}

let t: TestServer;
let clerk: string;
let admin: string;
let serviceId: string;
const hall = `/api/halls/${DEMO}`;

beforeAll(async () => {
  t = await startTestServer();
  wire.url = t.url;
  clerk = await t.login('clerk1');
  admin = await t.login('admin');
  serviceId = (await t.hallState()).config.windows.find((window) => window.id === '1')!.services[0]!.serviceId;
  expect((await t.api('POST', `${hall}/windows/1/open`, { token: clerk, body: {} })).status).toBe(200);
});
afterAll(async () => {
  for (const socket of wire.sockets) socket.close();
  await t?.close();
});

const issue = async () => {
  const answer = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body as { id: string; number: string };
};
const callNext = async () => {
  const answer = await t.api('POST', `${hall}/windows/1/call-next`, { token: clerk, body: {} });
  expect(answer.status, answer.text).toBe(200);
  return answer.body as { id: string; number: string; finished?: { id: string } };
};
const boardView = async () => (await t.api('GET', `${hall}/board`)).body as BoardView;
const staffView = async () => (await t.api('GET', `${hall}/staff-view`, { token: admin })).body as StaffView;
const seqOf = async () => (await boardView()).seq;

/** Waits until the socket has received `count` frames after `from`, and returns them. */
async function framesAfter(socket: TestSocket, from: number, count: number): Promise<Frame[]> {
  await expect.poll(() => socket.frames.length - from, { timeout: 5000, interval: 10 }).toBeGreaterThanOrEqual(count);
  return socket.frames.slice(from);
}

describe('the wire: one hall:events frame per command and audience', () => {
  it('a call-next that finishes the current ticket reaches a board and staff as exactly one frame each: finish, then call', async () => {
    const first = await issue();
    const second = await issue();
    // The clerk's own socket sends the command; a board and a supervisor's panel watch.
    const counter = await t.connect({ token: clerk, auth: { client: 'counter', windowId: '1' } });
    const board = await t.connect({ auth: { client: 'board' } });
    const supervisor = await t.connect({ token: admin });
    const names: string[] = [];
    board.socket.onAny((name: string) => names.push(name));
    expect(await counter.send('window:call-next', { windowId: '1' })).toMatchObject({ ok: true, data: { number: first.number } });
    // Its frame follows the ack; let it arrive before counting.
    await Promise.all([board, supervisor, counter].map((socket) => socket.waitForEvent('ticket:called', { where: (event) => event.ticket.number === first.number })));

    const marks = [board, supervisor, counter].map((socket) => socket.frames.length);
    expect(await counter.send('window:call-next', { windowId: '1' })).toMatchObject({ ok: true, data: { number: second.number, finished: { id: first.id } } });
    // A later command's frame closes the window in which the call-next's frames are counted.
    await issue();
    const seq = await seqOf();
    const [boardFrames, staffFrames, counterFrames] = (await Promise.all(
      [board, supervisor, counter].map((socket, i) => framesAfter(socket, marks[i]!, 2)),
    )) as [Frame[], Frame[], Frame[]];
    for (const frames of [boardFrames, staffFrames, counterFrames]) {
      expect(frames).toHaveLength(2);
      const [callNext, issued] = frames as [Frame, Frame];
      expect(callNext.map((event) => event.type)).toEqual(['ticket:finished', 'ticket:called']);
      expect(callNext.map((event) => event.seq)).toEqual([seq - 2, seq - 1]);
      expect(callNext[0]).toMatchObject({ automatic: true, windowId: '1', ticket: { number: first.number, status: 'served' } });
      expect(callNext[1]).toMatchObject({ windowId: '1', ticket: { number: second.number, status: 'called' } });
      expect(issued.map((event) => [event.type, event.seq])).toEqual([['ticket:issued', seq]]);
    }
    // Staff get the full events, boards the redacted ones: same seqs, one frame each.
    expect(staffFrames[0]![1]!.ticket.id).toBe(second.id);
    expect(boardFrames[0]![1]!.ticket).not.toHaveProperty('id');
    // The old per-type socket events are gone: a board hears hall:events only.
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set(['hall:events']));
    // The helper still records each event as if it came alone, so waitForEvent('ticket:called') holds.
    expect(await board.waitForEvent('ticket:called', { where: (event) => event.ticket.number === second.number })).toEqual(boardFrames[0]![1]);
    for (const socket of [counter, board, supervisor]) socket.close();
  });

  it('a public frame carries no ticket id, account id, actor, case number, note or runtime', async () => {
    const board = await t.connect({ auth: { client: 'board' } });
    const supervisor = await t.connect({ token: admin });
    const me = (await t.api('GET', '/api/auth/me', { token: clerk })).body.user as { id: string };
    const marks = [board.frames.length, supervisor.frames.length];
    const ticket = await issue();
    expect((await t.api('POST', `${hall}/windows/1/finish`, { token: clerk, body: { outcome: 'accepted', caseNumber: 'QS-FRAME-0016' } })).status).toBe(200);
    await callNext();
    // A transfer to a service needs another window serving it.
    const windows = (await t.hallState()).config.windows;
    const other = windows.flatMap((window) => (window.id === '1' ? [] : window.services.map((link) => link.serviceId))).find((id) => id !== serviceId)!;
    const transferred = await t.api('POST', `${hall}/windows/1/transfer`, { token: clerk, body: { serviceId: other, note: '需核对户口簿原件' } });
    expect(transferred.status, transferred.text).toBe(200);
    const [publicFrames, staffFrames] = await Promise.all([framesAfter(board, marks[0]!, 4), framesAfter(supervisor, marks[1]!, 4)]);
    const staffText = JSON.stringify(staffFrames);
    // The staff frames do hold what must not reach a board (else this test would prove nothing).
    for (const secret of [ticket.id, me.id, 'QS-FRAME-0016', '需核对户口簿原件', '"actor"', '"runtimes"']) expect(staffText).toContain(secret);
    const publicText = JSON.stringify(publicFrames);
    for (const secret of [ticket.id, me.id, 'QS-FRAME-0016', '需核对户口簿原件', '"actor"', '"runtimes"', '"clerkId"', '"caseNumber"', 'notifyPhone']) {
      expect(publicText).not.toContain(secret);
    }
    expect(publicFrames.map((frame) => frame.map((event) => event.seq))).toEqual(staffFrames.map((frame) => frame.map((event) => event.seq)));
    board.close();
    supervisor.close();
  });
});

describe('the display client (HallSync) keeps its seq check across frames', () => {
  async function connectBoard() {
    const applied: Array<{ type: string; seq: number; live: boolean; turn: number }> = [];
    // A turn of the event loop: events applied in the same turn are painted together.
    let turn = 0;
    let ticking = false;
    const sync = new HallSync({
      hallId: DEMO,
      client: 'board',
      onEvent: (event: PublicEvent, live: boolean) => {
        applied.push({ type: event.type, seq: event.seq, live, turn });
        if (!ticking) {
          ticking = true;
          setImmediate(() => ((turn += 1), (ticking = false)));
        }
      },
    });
    const socket = wire.sockets.at(-1)!;
    const outgoing: string[] = [];
    socket.onAnyOutgoing((name: string) => outgoing.push(name));
    const gate = valve(socket);
    await expect.poll(() => sync.view !== null && sync.online, { timeout: 5000, interval: 10 }).toBe(true);
    return { sync, gate, applied, outgoing };
  }
  const settled = async (sync: { view: BoardView | null }) => {
    const target = await seqOf();
    await expect.poll(() => sync.view?.seq, { timeout: 5000, interval: 10 }).toBe(target);
    expect(sync.view).toEqual(await boardView());
  };

  it('applies a call-next frame in one turn, finish then call; a lost frame is caught up with hall:sync and ends equal to the server', async () => {
    const { sync, gate, applied, outgoing } = await connectBoard();
    for (let i = 0; i < 3; i++) await issue();
    // A current ticket at window 1, so that each call-next below finishes it first.
    await callNext();
    await settled(sync);

    let from = applied.length;
    expect((await callNext()).finished).toBeDefined();
    await settled(sync);
    const live = applied.slice(from);
    expect(live.map((event) => event.type)).toEqual(['ticket:finished', 'ticket:called']);
    expect(new Set(live.map((event) => event.turn)).size).toBe(1);
    expect(live.every((event) => event.live)).toBe(true);
    expect(outgoing).not.toContain('hall:sync');

    // The next call-next's frame is lost; the frame after it shows the gap.
    gate.drop = 1;
    from = applied.length;
    expect((await callNext()).finished).toBeDefined();
    await expect.poll(() => gate.drop, { timeout: 5000, interval: 10 }).toBe(0);
    await issue();
    await settled(sync);
    expect(outgoing).toContain('hall:sync');
    // The missed finish and call were applied in seq order from the catch-up (not live), and the issue
    // that showed the gap with them (the catch-up answers everything after the last seq applied).
    const caught = applied.slice(from);
    expect(caught.map((event) => [event.type, event.live])).toEqual([
      ['ticket:finished', false],
      ['ticket:called', false],
      ['ticket:issued', false],
    ]);
    expect(caught.map((event) => event.seq)).toEqual([caught[0]!.seq, caught[0]!.seq + 1, caught[0]!.seq + 2]);
    sync.close();
  });

  it('ignores a frame delivered twice', async () => {
    const { sync, gate, applied, outgoing } = await connectBoard();
    gate.twice = true;
    const from = applied.length;
    const start = sync.view!.seq;
    await issue();
    await callNext();
    await settled(sync);
    expect(gate.delivered.length).toBeGreaterThanOrEqual(2);
    // Each event applied once, in order, though every frame came twice.
    const end = sync.view!.seq;
    expect(applied.slice(from).map((event) => event.seq)).toEqual(Array.from({ length: end - start }, (_, i) => start + 1 + i));
    expect(outgoing).not.toContain('hall:sync');
    sync.close();
  });
});

describe('the counter client (StaffFeed) keeps its seq check across frames', () => {
  it('repairs a lost frame over the socket, ignores a repeated one, and ends equal to the staff view', async () => {
    const sink = { view: null as StaffView | null, screens: null, printers: null, online: false, refused: null };
    const seen: number[] = [];
    const feed = new StaffFeed(
      { origin: t.url, hallId: DEMO, token: admin, lang: 'zh', expiresAt: Date.now() + 3_600_000, onAuthLost: () => undefined, onEvent: (event) => seen.push(event.seq) },
      sink,
    );
    const socket = wire.sockets.at(-1)!;
    const outgoing: string[] = [];
    socket.onAnyOutgoing((name: string) => outgoing.push(name));
    const gate = valve(socket);
    const settled = async () => {
      const target = (await staffView()).seq;
      await expect.poll(() => sink.view?.seq, { timeout: 5000, interval: 10 }).toBe(target);
      expect(sink.view).toEqual(await staffView());
    };
    try {
      await expect.poll(() => sink.view !== null && sink.online, { timeout: 5000, interval: 10 }).toBe(true);
      gate.drop = 1;
      await issue();
      await expect.poll(() => gate.drop, { timeout: 5000, interval: 10 }).toBe(0);
      await callNext();
      await settled();
      expect(outgoing).toContain('hall:sync');

      gate.twice = true;
      const before = sink.view!.seq;
      await issue();
      await settled();
      expect(sink.view!.seq).toBe(before + 1);
      // onEvent hears every copy; the view took the event once (it equals the server's above).
      expect(seen.filter((seq) => seq === before + 1)).toHaveLength(2);
    } finally {
      feed.close();
    }
  });
});
