/**
 * 排班模拟's replay time (not a budget; issue 20 asks for "a full day of a 60-window hall in seconds"):
 * a day of a 60-window hall with 1,500 tickets is acted out through the engine in this process
 * (tests/helpers/scriptedDay.ts: clerks call as soon as free), then replayed through the simulation
 * pool — the compiled dist/ worker thread by default, as production runs it — with recorded and with
 * drawn service times, three times each. `npm run bench -- --only replay`.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { demoHallConfig } from '../../server/demo/demoHall.js';
import type { HallEvent } from '../../server/protocol/events.js';
import type { SimulationRequest, SimulationResult } from '../../server/protocol/simulation.js';
import type { SimulationPool } from '../../server/oversight/simulation/pool.js';
import type { SimulationJob } from '../../server/oversight/simulation/simulate.js';
import { addDays, localMidnight } from '../../server/stats/days.js';
import { recordDay } from '../helpers/engineDay.js';
import { citizens, random } from '../helpers/scriptedDay.js';
import type { BenchContext } from './context.js';
import { benchHallConfig } from './lib/halls.js';
import { REPO_ROOT } from './lib/server.js';
import { round, summarize } from './lib/stats.js';

const WINDOWS = 60;
const TICKETS = 1_500;
const DAY = '2026-11-27';
const RUNS = 3;

export interface ReplayModeResult {
  /** The replay's own time in the worker (SimulationResult.elapsedMs: the replay asked for, and the day as staffed when that is another). */
  workerMs: { p50: number; max: number };
  /** Request to answer through the pool (structured clone of the day's events both ways included). */
  wallMs: { p50: number; max: number };
  meanWaitMinutes: { actual: number; simulated: number };
}

export interface ReplayResult {
  windows: number;
  tickets: number;
  events: number;
  recordMs: number;
  tree: 'dist' | 'src';
  recorded: ReplayModeResult;
  drawn: ReplayModeResult;
  /** One window in ten closed all day, drawn: a replay plus the replay of the day as staffed. */
  fewerWindows: ReplayModeResult;
}

async function poolOf(tree: 'dist' | 'src'): Promise<SimulationPool> {
  const file = tree === 'dist' ? join(REPO_ROOT, 'dist/server/oversight/simulation/pool.js') : join(REPO_ROOT, 'server/oversight/simulation/pool.ts');
  const module = (await import(pathToFileURL(file).href)) as { SimulationPool: new (options: { size: number; queue: number }) => SimulationPool };
  return new module.SimulationPool({ size: 1, queue: 0 });
}

export async function runReplay(ctx: BenchContext): Promise<ReplayResult> {
  const config = benchHallConfig(demoHallConfig, 0, WINDOWS);
  const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);
  const span = { start: localMidnight(DAY, config.timeZone), end: localMidnight(addDays(DAY, 1), config.timeZone) };
  const services = config.services.map((service) => service.id);
  const tickets = citizens(random(20), TICKETS, at('08:30'), at('16:30'), services, 8, 27);
  const shifts = config.windows.map((window) => ({ windowId: window.id, from: at('08:30'), to: at('17:30') }));
  ctx.log(`replay: acting out a day of ${WINDOWS} windows and ${TICKETS} tickets through the engine…`);
  const recordStart = performance.now();
  // As the log keeps them for a report: without the waiting counts (stats/eventSource.ts).
  const events = await recordDay(config, span.start, tickets, shifts, (event) =>
    'waiting' in event ? (({ waiting: _w, ...slim }) => slim as HallEvent)(event) : event,
  );
  const recordMs = performance.now() - recordStart;
  ctx.log(`replay: recorded ${events.length} events in ${(recordMs / 1000).toFixed(1)} s; replaying through the ${ctx.tree} worker…`);

  const pool = await poolOf(ctx.tree);
  const measure = async (request: Omit<SimulationRequest, 'day'>): Promise<ReplayModeResult> => {
    const worker: number[] = [];
    const wall: number[] = [];
    let last: SimulationResult | undefined;
    for (let run = 0; run < (ctx.quick ? 1 : RUNS); run++) {
      const job: SimulationJob = { config, day: DAY, span, events, monthSamples: {}, request: { day: DAY, ...request } };
      const begun = performance.now();
      last = await pool.simulate(job);
      wall.push(performance.now() - begun);
      worker.push(last.elapsedMs);
    }
    const w = summarize(worker);
    const t = summarize(wall);
    return {
      workerMs: { p50: round(w.p50, 0), max: round(w.max, 0) },
      wallMs: { p50: round(t.p50, 0), max: round(t.max, 0) },
      meanWaitMinutes: { actual: last!.actual.meanWaitMinutes, simulated: last!.simulated.meanWaitMinutes },
    };
  };
  try {
    const recorded = await measure({ serviceTimes: 'recorded' });
    ctx.log(`replay: recorded times ${recorded.workerMs.p50} ms in the worker (mean wait ${recorded.meanWaitMinutes.simulated} against ${recorded.meanWaitMinutes.actual} min)`);
    const drawn = await measure({ serviceTimes: 'drawn' });
    ctx.log(`replay: drawn times ${drawn.workerMs.p50} ms (mean wait ${drawn.meanWaitMinutes.simulated} against ${drawn.meanWaitMinutes.actual} min)`);
    const fewer = config.windows.filter((_window, index) => index % 10 !== 9).map((window) => ({ windowId: window.id, from: '08:30', to: '17:30' }));
    const fewerWindows = await measure({ serviceTimes: 'drawn', staffing: fewer });
    ctx.log(`replay: 54 of 60 windows, drawn, ${fewerWindows.workerMs.p50} ms (mean wait ${fewerWindows.meanWaitMinutes.simulated} min)`);
    return { windows: WINDOWS, tickets: TICKETS, events: events.length, recordMs: Math.round(recordMs), tree: ctx.tree, recorded, drawn, fewerWindows };
  } finally {
    await pool.close();
  }
}
