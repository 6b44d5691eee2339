/**
 * Side-by-side figures: the order of runs in a pair, ratios over pairs, and
 * the goals (met / not met; a goal never fails the run).
 */
import { round } from './stats.js';

export type Side = 'hallq' | 'peer';

/** Pair i runs HallQ first when i is even, the other side first when odd, so warm-up and drift fall on both. */
export function alternatingOrder(pairs: number): Array<[Side, Side]> {
  return Array.from({ length: pairs }, (_, i) => (i % 2 === 0 ? ['hallq', 'peer'] : ['peer', 'hallq']));
}

export interface RatioSummary {
  /** HallQ / peer, one per pair, in run order. */
  perPair: number[];
  median: number;
  min: number;
  max: number;
}

/** HallQ / peer per pair; pairs where either figure is missing or the peer's is 0 are left out. */
export function ratios(pairs: ReadonlyArray<{ hallq: number; peer: number }>): RatioSummary {
  const perPair = pairs
    .filter((p) => Number.isFinite(p.hallq) && Number.isFinite(p.peer) && p.peer !== 0)
    .map((p) => round(p.hallq / p.peer, 3));
  const sorted = [...perPair].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[Math.floor(mid)]! : round((sorted[mid - 1]! + sorted[mid]!) / 2, 3);
  return { perPair, median, min: sorted[0] ?? Number.NaN, max: sorted[sorted.length - 1] ?? Number.NaN };
}

export interface Goal {
  /** What the issue asks, as printed: "≤ 1.15×". */
  text: string;
  met: boolean | null;
}

/** A goal on a ratio, judged on the median of the pairs (null when there is no figure). */
export function goal(value: number, op: '<=' | '>=', limit: number): Goal {
  const text = `${op === '<=' ? '≤' : '≥'} ${limit}×`;
  if (!Number.isFinite(value)) return { text, met: null };
  return { text, met: op === '<=' ? value <= limit : value >= limit };
}

export function formatRatio(r: RatioSummary): string {
  if (r.perPair.length === 0) return 'n/a';
  return r.perPair.length === 1 ? `${r.median}×` : `${r.median}× (${r.min}–${r.max}, ${r.perPair.length} pairs)`;
}

/** Work per CPU-second of the server process: `perSecond` at `cpuPercent` of one core. */
export function perCpuSecond(perSecond: number, cpuPercent: number): number {
  return cpuPercent > 0 ? round(perSecond / (cpuPercent / 100), 0) : Number.NaN;
}
