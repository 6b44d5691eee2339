import { performance } from 'node:perf_hooks';
import type { HallEvent } from '../../protocol/events.js';
import type { HallConfig } from '../../protocol/model.js';
import type { ReplayError, SimulationRequest, SimulationResult, WaitFigures } from '../../protocol/simulation.js';
import { type DayRecord, type ServiceSample, readDay } from './dayRecord.js';
import { type DayOutcome, hourFigures, waitFigures, windowBusy } from './figures.js';
import { type ReplayOutcome, replayDay } from './replay.js';
import { serviceTimes } from './serviceTimes.js';
import { intervalsOf, replayConfig } from './staffing.js';
import { shiftsOf } from './actualStaffing.js';

/** Everything a replay needs, sent to the worker thread as plain data. */
export interface SimulationJob {
  config: HallConfig;
  day: string;
  span: { start: number; end: number };
  /** The day's events (and later ones of its tickets), in seq order. */
  events: HallEvent[];
  /** Served tickets' recorded times per service over the day's month, for services the day has too few of. */
  monthSamples: Record<string, ServiceSample[]>;
  request: SimulationRequest;
}

const actualOutcome = (record: DayRecord): DayOutcome => ({
  waits: record.waits,
  served: record.arrivals.filter((arrival) => arrival.fate === 'served').length,
  left: new Set(record.arrivals.filter((arrival) => arrival.fate === 'left').map((arrival) => arrival.id)),
});

const replayedOutcome = (replay: ReplayOutcome): DayOutcome => ({ waits: replay.waits, served: replay.served.size, left: replay.left });

function replayErrorOf(replayed: WaitFigures, measured: WaitFigures): ReplayError {
  const mean = replayed.meanWaitMinutes;
  const measuredMean = measured.meanWaitMinutes;
  const percent = measuredMean === 0 ? (mean === 0 ? 0 : 100) : (Math.abs(mean - measuredMean) / measuredMean) * 100;
  return {
    meanWaitMinutes: mean,
    measuredMeanWaitMinutes: measuredMean,
    p90WaitMinutes: replayed.p90WaitMinutes,
    measuredP90WaitMinutes: measured.p90WaitMinutes,
    meanErrorPercent: Math.round(percent * 10) / 10,
  };
}

/** 排班模拟 of one past day (docs/oversight.md): the day as it was, the day under the request, and the replay's error. */
export function simulate(job: SimulationJob): SimulationResult {
  const began = performance.now();
  const { config, request } = job;
  const record = readDay(job.events, job.span);
  const mode = request.serviceTimes ?? 'drawn';
  const times = serviceTimes(config, record.arrivals, record.samples, job.monthSamples, mode, request.seed ?? 1);
  const staffing = request.staffing ? intervalsOf(request.staffing, job.span.start) : record.staffing;
  const replay = (replayStaffing: typeof staffing, replayedConfig: HallConfig) =>
    replayDay({ config: replayedConfig, dayStart: job.span.start, arrivals: record.arrivals, staffing: replayStaffing, holdOf: times.holdOf });

  const simulatedReplay = replay(staffing, replayConfig(config, request.policy));
  const asStaffed = request.staffing === undefined && request.policy === undefined;
  const actual = waitFigures(record.arrivals, actualOutcome(record), config.maxWaitMinutes);
  const simulated = waitFigures(record.arrivals, replayedOutcome(simulatedReplay), config.maxWaitMinutes);
  let replayError: ReplayError | undefined;
  if (!(asStaffed && mode === 'recorded')) {
    const baseline = asStaffed ? simulated : waitFigures(record.arrivals, replayedOutcome(replay(record.staffing, replayConfig(config, undefined))), config.maxWaitMinutes);
    replayError = replayErrorOf(baseline, actual);
  }
  return {
    day: job.day,
    actual,
    simulated,
    ...(replayError ? { replayError } : {}),
    hours: hourFigures(record.arrivals, config.timeZone, job.span.start, { outcome: actualOutcome(record), staffing: record.staffing }, { outcome: replayedOutcome(simulatedReplay), staffing }),
    windows: windowBusy(
      config.windows.map((window) => window.id),
      { busyMs: record.busyMs, staffing: record.staffing },
      { busyMs: simulatedReplay.busyMs, staffing },
    ),
    actualStaffing: shiftsOf(record.staffing, job.span.start),
    serviceTimeSources: times.sources,
    arrivals: record.arrivals.length,
    elapsedMs: Math.round(performance.now() - began),
  };
}
