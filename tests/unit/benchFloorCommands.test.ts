import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FloorCommands } from '../bench/floor/commands.js';
import { type FloorEvent, FloorHall } from '../bench/floor/hall.js';
import { FloorLog } from '../bench/floor/log.js';

const dirs: string[] = [];
const logs: FloorLog[] = [];
afterEach(() => {
  for (const log of logs.splice(0)) log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function floor() {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-floor-'));
  dirs.push(dir);
  const commits: number[] = [];
  const log = new FloorLog(join(dir, 'floor.db'), 'FULL', (ms) => commits.push(ms));
  logs.push(log);
  const hall = new FloorHall('bench-001', ['svc-a'], ['1']);
  const sent: FloorEvent[] = [];
  const commands = new FloorCommands(new Map([[hall.hallId, hall]]), log, (_, event) => sent.push(event));
  return { log, hall, sent, commits, commands };
}

describe('bench floor commands', () => {
  it('writes the log at synchronous=FULL in WAL mode', () => {
    expect(floor().log.pragmas).toEqual({ synchronous: 2, journalMode: 'wal' });
  });

  it('answers after one group commit of the turn, then broadcasts each event once', async () => {
    const { commands, sent, commits, log } = floor();
    const answers = await Promise.all([
      commands.run('bench-001', 'ticket:issue', { serviceId: 'svc-a' }),
      commands.run('bench-001', 'ticket:issue', { serviceId: 'svc-a' }),
      commands.run('bench-001', 'window:open', { windowId: '1' }),
    ]);
    expect(answers.map((a) => a.ok)).toEqual([true, true, true]);
    expect(answers[1]).toMatchObject({ data: { number: 'A002', ahead: 1 } });
    expect(commits).toHaveLength(1);
    expect(log.commits).toBe(1);
    expect(log.updates).toBe(3);
    expect(sent).toHaveLength(0);
    await nextTurn();
    expect(sent.map((e) => e.seq)).toEqual([1, 2, 3]);

    const call = await commands.run('bench-001', 'window:call-next', { windowId: '1' });
    expect(call).toMatchObject({ ok: true, data: { number: 'A001' } });
    await nextTurn();
    expect(sent.at(-1)).toMatchObject({ type: 'ticket:called', seq: 4, windowId: '1', ticket: { number: 'A001' } });
    expect(log.eventsSince('bench-001', 2, 10).map((e) => e.type)).toEqual(['window:opened', 'ticket:called']);
  });

  it('refuses bad input with a code and changes nothing', async () => {
    const { commands, hall, log } = floor();
    const bad = await Promise.all([
      commands.run('bench-001', 'ticket:issue', { serviceId: 'svc-a', extra: 1 }),
      commands.run('bench-001', 'ticket:issue', { serviceId: 'x'.repeat(65) }),
      commands.run('bench-001', 'ticket:issue', { serviceId: 'nope' }),
      commands.run('bench-001', 'window:call-next', { windowId: '1' }),
      commands.run('bench-001', 'hall:archive', {}),
      commands.run('elsewhere', 'ticket:issue', { serviceId: 'svc-a' }),
    ]);
    expect(bad.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual([
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'NOT_FOUND',
      'WINDOW_NOT_OPEN',
      'UNKNOWN_COMMAND',
      'NOT_FOUND',
    ]);
    expect(hall.seq).toBe(0);
    expect(log.updates).toBe(0);
  });

  it('repairs a gap from the log, and answers a snapshot for a board that has nothing', async () => {
    const { commands } = floor();
    for (let i = 0; i < 3; i++) await commands.run('bench-001', 'ticket:issue', { serviceId: 'svc-a' });
    expect(commands.sync('bench-001', { sinceSeq: 1 })).toMatchObject({ ok: true, data: { kind: 'events', events: [{ seq: 2 }, { seq: 3 }] } });
    expect(commands.sync('bench-001', { sinceSeq: -1 })).toMatchObject({ ok: true, data: { kind: 'snapshot', snapshot: { view: { seq: 3 } } } });
    expect(commands.sync('bench-001', { sinceSeq: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});
