/**
 * 排班模拟's worker pool: a replay runs in another thread (not the caller's), gives what the replay gives
 * in this thread, and a full pool refuses at once (SIMULATION_BUSY) rather than queueing without bound.
 */
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulationBusy, SimulationPool } from '../../server/oversight/simulation/pool.js';
import { type SimulationJob, simulate } from '../../server/oversight/simulation/simulate.js';
import { addDays, localMidnight } from '../../server/stats/days.js';
import { recordDay } from '../helpers/engineDay.js';
import { testHallConfig } from '../helpers/engineHarness.js';
import { citizens, random } from '../helpers/scriptedDay.js';

const DAY = '2026-03-02';
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);

async function dayJob(): Promise<SimulationJob> {
  const config = testHallConfig();
  const span = { start: localMidnight(DAY, config.timeZone), end: localMidnight(addDays(DAY, 1), config.timeZone) };
  const events = await recordDay(
    config,
    span.start,
    citizens(random(9), 30, at('09:00'), at('10:30'), ['svc-a', 'svc-b'], 3, 8),
    [
      { windowId: 'w1', from: at('09:00'), to: at('12:00') },
      { windowId: 'w2', from: at('09:00'), to: at('12:00') },
    ],
  );
  return { config, day: DAY, span, events, monthSamples: {}, request: { day: DAY, serviceTimes: 'drawn', seed: 4 } };
}

describe('排班模拟 worker pool', () => {
  let pool: SimulationPool | undefined;
  afterEach(async () => pool?.close());

  it('replays in a worker thread, not the calling one, with the same answer', async () => {
    const job = await dayJob();
    pool = new SimulationPool({ size: 1, queue: 0 });
    const answer = await pool.simulate(job);
    expect(pool.answeredBy.size).toBe(1);
    expect(pool.answeredBy.has(threadId)).toBe(false);
    const { elapsedMs: _inWorker, ...rest } = answer;
    const { elapsedMs: _here, ...direct } = simulate(job);
    expect(rest).toEqual(direct);
  });

  it('refuses a job when every thread is busy and the queue is full, and takes jobs again afterwards', async () => {
    const job = await dayJob();
    pool = new SimulationPool({ size: 1, queue: 1 });
    const first = pool.simulate(job);
    const queued = pool.simulate(job);
    await expect(pool.simulate(job)).rejects.toBeInstanceOf(SimulationBusy);
    const [one, two] = await Promise.all([first, queued]);
    expect(two.simulated).toEqual(one.simulated);
    expect((await pool.simulate(job)).simulated).toEqual(one.simulated);
  });

  it('keeps at most two threads, whatever it is asked for', async () => {
    const job = await dayJob();
    pool = new SimulationPool({ size: 8, queue: 0 });
    const running = [pool.simulate(job), pool.simulate(job)];
    await expect(pool.simulate(job)).rejects.toBeInstanceOf(SimulationBusy);
    await Promise.all(running);
    expect(pool.answeredBy.size).toBe(2);
  });
});
