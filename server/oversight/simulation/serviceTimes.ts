import type { HallConfig } from '../../protocol/model.js';
import type { Arrival, ServiceSample } from './dayRecord.js';

/** A day needs this many served tickets of a service before its own times are drawn from (else the month's). */
export const DAY_SAMPLES_NEEDED = 5;

export type TimeSource = 'day' | 'month' | 'norm' | 'recorded';

/** mulberry32: small, fast and the same on every machine, so a seed gives the same draw everywhere. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface ServiceTimes {
  holdOf(arrival: Arrival, index: number): ServiceSample;
  sources: Record<string, TimeSource>;
}

/**
 * Every arrival's hold, drawn once up front in arrival order (so two staffings of one request meet the
 * same citizens with the same needs): from the day's recorded times of its service, the month's when the
 * day has fewer than DAY_SAMPLES_NEEDED, the service's norm (initialServiceMinutes) when the month has
 * none. `recorded` keeps each ticket's own time and draws only for tickets that never had one.
 */
export function serviceTimes(
  config: HallConfig,
  arrivals: readonly Arrival[],
  day: ReadonlyMap<string, ServiceSample[]>,
  month: Readonly<Record<string, ServiceSample[]>>,
  mode: 'drawn' | 'recorded',
  seed: number,
): ServiceTimes {
  const sources: Record<string, TimeSource> = {};
  const pools = new Map<string, ServiceSample[]>();
  for (const serviceId of new Set(arrivals.map((arrival) => arrival.serviceId))) {
    const own = day.get(serviceId) ?? [];
    const monthly = month[serviceId] ?? [];
    const norm = config.services.find((service) => service.id === serviceId)?.initialServiceMinutes ?? 5;
    const [source, pool]: [TimeSource, ServiceSample[]] =
      own.length >= DAY_SAMPLES_NEEDED ? ['day', own] : monthly.length > 0 ? ['month', monthly] : ['norm', [{ walkupMs: 0, serviceMs: norm * 60_000 }]];
    pools.set(serviceId, pool);
    sources[serviceId] = mode === 'recorded' ? 'recorded' : source;
  }
  const random = seeded(seed);
  const drawn = arrivals.map((arrival) => {
    const pool = pools.get(arrival.serviceId)!;
    return pool[Math.min(pool.length - 1, Math.floor(random() * pool.length))]!;
  });
  const holdOf = (arrival: Arrival, index: number): ServiceSample =>
    mode === 'recorded' && arrival.serviceMs !== undefined ? { walkupMs: arrival.walkupMs ?? 0, serviceMs: arrival.serviceMs } : drawn[index]!;
  return { holdOf, sources };
}
