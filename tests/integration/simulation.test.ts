/**
 * 排班模拟 over real HTTP: a morning acted out through the REST API on a server whose clock the test
 * moves (Friday 2026-11-27, demo hall, windows 1, 2 and 4 serving 老年人优待, 低保 and 城乡居民养老 at
 * different tiers), then replayed the next morning through POST /simulations, which runs the replay in
 * the server's worker thread: with its own staffing and recorded times it gives the measured figures
 * exactly; drawn, its error is told; a window fewer waits longer. Bad requests are refused with a clear
 * code and change nothing; the suggestion learns from the recorded Friday.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '../../server/protocol/commands.js';
import type { SimulationResult, SuggestionResult } from '../../server/protocol/simulation.js';
import { DEMO, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';
import { actOutDay, citizens, random } from '../helpers/scriptedDay.js';

const DAY = '2026-11-27';
const at = (day: string, hhmm: string) => Date.parse(`${day}T${hhmm}:00+08:00`);
/** The drawn replay's tolerance stated in docs/oversight.md: a day's mean wait within 3 minutes of the measured. */
const DRAWN_TOLERANCE_MINUTES = 3;

const windowAction: Partial<Record<Command['type'], string>> = {
  'window.open': 'open',
  'window.close': 'close',
  'window.call-next': 'call-next',
  'window.start': 'start',
  'window.finish': 'finish',
};

describe('排班模拟 over HTTP', () => {
  let t: TestServer;
  let now = at(DAY, '08:00');
  let zhuren: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestServer({ staffRequestLimitPerMinute: 100_000 }, { clock: () => now });
    zhuren = await t.login('zhuren');
    admin = await t.login('admin');
    const send = async (command: Command, time: number): Promise<unknown> => {
      now = time;
      const action = windowAction[command.type];
      const windowId = (command as { windowId?: string }).windowId;
      const res =
        command.type === 'ticket.issue'
          ? await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: zhuren, body: { serviceId: command.serviceId } })
          : await t.api('POST', `/api/halls/${DEMO}/windows/${windowId}/${action}`, { token: zhuren, body: command.type === 'window.finish' ? { outcome: 'completed' } : {} });
      if (res.status >= 300) return undefined;
      return command.type === 'ticket.issue' || command.type === 'window.call-next' ? { ticket: { id: res.body.id } } : res.body;
    };
    const tickets = citizens(random(2026), 36, at(DAY, '09:00'), at(DAY, '11:00'), ['minzheng-laonian-youdai', 'minzheng-dibao', 'laobao-jumin-yanglao'], 4, 12);
    await actOutDay(send, ['1', '2', '4'], tickets, [
      { windowId: '1', from: at(DAY, '09:00'), to: at(DAY, '12:30') },
      { windowId: '2', from: at(DAY, '09:00'), to: at(DAY, '12:30') },
      { windowId: '4', from: at(DAY, '09:20'), to: at(DAY, '10:40') },
    ]);
    now = at('2026-11-28', '09:00');
  });
  afterAll(async () => t?.close());

  const simulate = (body: unknown, token = zhuren, hallId = DEMO) => t.api('POST', `/api/halls/${hallId}/simulations`, { token, body });

  it('replays the day with its own staffing and recorded times to exactly the measured figures, as the reports measure them', async () => {
    const res = await simulate({ day: DAY, serviceTimes: 'recorded' });
    expect(res.status).toBe(200);
    const result = res.body as SimulationResult;
    expect(result.arrivals).toBe(36);
    expect(result.simulated).toEqual(result.actual);
    expect(result.replayError).toBeUndefined();
    expect(result.actual.served).toBe(36);
    expect(result.actual.maxWaitMinutes).toBeGreaterThan(10);
    // The same wait the statistics report (docs/stats.md): first call − issue.
    const stats = (await t.api('GET', `/api/halls/${DEMO}/stats?from=${DAY}&to=${DAY}`, { token: zhuren })).body;
    expect(Math.abs(result.actual.meanWaitMinutes * 60 - stats.totals.wait.meanSeconds)).toBeLessThanOrEqual(1);
    expect(result.actual.p90WaitMinutes * 60).toBeCloseTo(stats.totals.wait.p90Seconds, -1);
    expect(result.windows.filter((window) => window.actual !== null).map((window) => window.windowId)).toEqual(['1', '2', '4']);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('tells the error of the drawn replay of the real day, next to every result', async () => {
    const drawn = (await simulate({ day: DAY })).body as SimulationResult;
    expect(drawn.replayError).toBeDefined();
    expect(drawn.replayError!.measuredMeanWaitMinutes).toBe(drawn.actual.meanWaitMinutes);
    expect(Math.abs(drawn.replayError!.meanWaitMinutes - drawn.replayError!.measuredMeanWaitMinutes)).toBeLessThanOrEqual(DRAWN_TOLERANCE_MINUTES);
    // Fewer than 5 served of a service that day: its times come from the month (this month is that day).
    expect(Object.values(drawn.serviceTimeSources).every((source) => source === 'day' || source === 'month')).toBe(true);
    console.info(`recorded API day ${DAY}: drawn replay mean ${drawn.replayError!.meanWaitMinutes} min against ${drawn.replayError!.measuredMeanWaitMinutes} measured (${drawn.replayError!.meanErrorPercent} %)`);
  });

  it('gives longer waits with window 4 left closed, with the replay error of the real staffing beside it', async () => {
    const staffing = [
      { windowId: '1', from: '09:00', to: '12:30' },
      { windowId: '2', from: '09:00', to: '12:30' },
    ];
    const result = (await simulate({ day: DAY, staffing, serviceTimes: 'recorded' })).body as SimulationResult;
    expect(result.simulated.meanWaitMinutes).toBeGreaterThan(result.actual.meanWaitMinutes);
    expect(result.replayError!.meanErrorPercent).toBe(0);
    expect(result.windows.find((window) => window.windowId === '4')).toMatchObject({ simulated: null });
  });

  it('refuses bad requests with a clear code and changes nothing', async () => {
    const before = await t.stateJson();
    const clerk = await t.login('clerk1');
    const cases: [unknown, string, string?, string?][] = [
      [{ day: '2026-11-28' }, 'VALIDATION_FAILED'], // today
      [{ day: '2026-12-01' }, 'VALIDATION_FAILED'], // a day to come
      [{ day: '2026-11-31' }, 'VALIDATION_FAILED'], // no such day
      [{ day: DAY, staffing: [{ windowId: 'nope', from: '09:00', to: '10:00' }] }, 'VALIDATION_FAILED'],
      [{ day: DAY, staffing: [{ windowId: '1', from: '10:00', to: '10:00' }] }, 'VALIDATION_FAILED'],
      [{ day: DAY, staffing: [{ windowId: '1', from: '11:00', to: '10:00' }] }, 'VALIDATION_FAILED'],
      [{ day: DAY, staffing: [{ windowId: '1', from: '9:00', to: '10:00' }] }, 'VALIDATION_FAILED'],
      [{ day: DAY, policy: { priorityStreakCap: 0 } }, 'VALIDATION_FAILED'],
      [{ day: DAY, policy: { boostAfterMinutes: 601 } }, 'VALIDATION_FAILED'],
      [{ day: DAY, policy: { windows: [{ windowId: '1', services: [{ serviceId: 'nope', tier: 1 }] }] } }, 'VALIDATION_FAILED'],
      [{ day: DAY, serviceTimes: 'guessed' }, 'VALIDATION_FAILED'],
      [{ day: DAY, extra: true }, 'VALIDATION_FAILED'],
      [{ day: '2026-11-20' }, 'SIMULATION_NO_DATA'], // a Friday with no tickets
      [{ day: DAY }, 'FORBIDDEN', clerk],
      [{ day: DAY }, 'HALL_NOT_FOUND', admin, 'no-such-hall'],
    ];
    for (const [body, code, token, hallId] of cases) {
      const res = await simulate(body, token ?? zhuren, hallId ?? DEMO);
      expect([JSON.stringify(body), errorCodeOf(res)]).toEqual([JSON.stringify(body), code]);
    }
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/simulations`, { body: { day: DAY } }))).toBe('UNAUTHENTICATED');
    const noData = await simulate({ day: '2026-11-20' });
    expect(noData.status).toBe(404);
    expect(noData.body.error.message).toContain('没有可回放');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/simulations/suggestion`, { token: zhuren, body: { weeks: 13 } }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/simulations/suggestion`, { token: clerk, body: {} }))).toBe('FORBIDDEN');
    // Sunday: no past Sunday had tickets.
    expect(errorCodeOf(await t.api('POST', `/api/halls/${DEMO}/simulations/suggestion`, { token: zhuren, body: { day: '2026-11-29' } }))).toBe('SIMULATION_NO_DATA');
    expect(await t.stateJson()).toBe(before);
  });

  it('suggests the staffing for the next Friday from the recorded one, meeting the limit there', async () => {
    const res = await t.api('POST', `/api/halls/${DEMO}/simulations/suggestion`, { token: zhuren, body: { day: '2026-12-04', p90LimitMinutes: 10 } });
    expect(res.status).toBe(200);
    const result = res.body as SuggestionResult;
    expect(result).toMatchObject({ day: '2026-12-04', basedOn: [DAY], marketDay: false, p90LimitMinutes: 10 });
    expect(result.check[0]!.p90WaitMinutes).toBeLessThanOrEqual(10);
    // Sent back to /simulations it keeps the limit on that day too.
    const replayed = (await simulate({ day: DAY, staffing: result.staffing, serviceTimes: 'recorded' })).body as SimulationResult;
    expect(replayed.simulated.p90WaitMinutes).toBe(result.check[0]!.p90WaitMinutes);
  });
});
