/**
 * How busy the machine was while we measured, so a p99 is read as the
 * product's or not at all: load average, and the CPU that processes other
 * than the bench and its children used (from /proc/stat minus our own).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { round } from './stats.js';

/** Linux USER_HZ: what /proc/stat and /proc/<pid>/stat count in (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  /** Busy ticks of all CPUs together (user + nice + system + irq + softirq + steal). */
  busyTicks: number;
  /** CPU ticks of this process, its live descendants and the children it has reaped. */
  ownTicks: number;
  wallMs: number;
  load1: number;
}

export interface MachineLoad {
  nproc: number;
  seconds: number;
  loadAverageBefore: number;
  loadAverageAfter: number;
  /** Mean cores used by everything else on the machine (0 … nproc). */
  otherCores: number;
  /** Mean cores used by the bench process and its server children. */
  ownCores: number;
  disturbed: boolean;
  reasons: string[];
}

/** Thresholds: other work above a tenth of the machine, or a queue of runnable work before we even started. */
export const DISTURBANCE = { otherShare: 0.1, loadPerCore: 0.5 } as const;

/** Parses the aggregate `cpu` line of /proc/stat into busy ticks (idle and iowait excluded; guest is inside user). */
export function busyTicksOf(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no aggregate cpu line in /proc/stat');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return user + nice + system + irq + softirq + steal;
}

/** Parses /proc/<pid>/stat: { ppid, ticks = utime + stime + cutime + cstime }. The name (field 2) may hold spaces and parentheses. */
export function processTicksOf(pidStat: string): { ppid: number; ticks: number } {
  const rest = pidStat.slice(pidStat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14 → rest[11].
  const n = (i: number) => Number(rest[i] ?? 0);
  return { ppid: n(1), ticks: n(11) + n(12) + n(13) + n(14) };
}

/** Sums the ticks of `root` and every live descendant, from a pid → { ppid, ticks } table. */
export function treeTicks(table: ReadonlyMap<number, { ppid: number; ticks: number }>, root: number): number {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += table.get(pid)?.ticks ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * `loadAverageBefore` only where nothing of ours ran in the minute before (the run's start): the
 * average decays over minutes, so after one of our own phases it mostly measures us.
 */
export function judgeDisturbance(input: { nproc: number; otherCores: number; loadAverageBefore?: number }): { disturbed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (input.otherCores > DISTURBANCE.otherShare * input.nproc) {
    reasons.push(`other processes used ${round(input.otherCores, 2)} of ${input.nproc} cores (> ${DISTURBANCE.otherShare * 100} %)`);
  }
  if (input.loadAverageBefore !== undefined && input.loadAverageBefore > DISTURBANCE.loadPerCore * input.nproc) {
    reasons.push(`1-minute load average ${round(input.loadAverageBefore, 2)} before measuring (> ${DISTURBANCE.loadPerCore} per core)`);
  }
  return { disturbed: reasons.length > 0, reasons };
}

function readTable(): Map<number, { ppid: number; ticks: number }> {
  const table = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      table.set(Number(entry), processTicksOf(readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // The process ended while we listed /proc.
    }
  }
  return table;
}

/** null where /proc is not there (not Linux): the run is then reported without a disturbance verdict. */
export function sampleCpu(): CpuSample | null {
  try {
    return {
      busyTicks: busyTicksOf(readFileSync('/proc/stat', 'utf8')),
      ownTicks: treeTicks(readTable(), process.pid),
      wallMs: performance.now(),
      load1: loadavg()[0]!,
    };
  } catch {
    return null;
  }
}

/** Load between two samples. A child that exited in between is counted through our cutime once reaped. */
export function machineLoad(before: CpuSample, after: CpuSample, options: { nproc?: number; judgeLoadBefore?: boolean } = {}): MachineLoad {
  const nproc = options.nproc ?? cpus().length;
  const seconds = Math.max(1e-3, (after.wallMs - before.wallMs) / 1000);
  const own = Math.max(0, after.ownTicks - before.ownTicks) / TICKS_PER_SECOND / seconds;
  const all = Math.max(0, after.busyTicks - before.busyTicks) / TICKS_PER_SECOND / seconds;
  const otherCores = Math.max(0, all - own);
  const verdict = judgeDisturbance({ nproc, otherCores, ...(options.judgeLoadBefore ? { loadAverageBefore: before.load1 } : {}) });
  return {
    nproc,
    seconds: round(seconds, 1),
    loadAverageBefore: round(before.load1, 2),
    loadAverageAfter: round(after.load1, 2),
    otherCores: round(otherCores, 2),
    ownCores: round(own, 2),
    ...verdict,
  };
}

/** Measures the machine around `task`: its result plus the load (null off Linux). */
export async function withMachineLoad<T>(task: () => Promise<T>): Promise<{ result: T; machine: MachineLoad | null }> {
  const before = sampleCpu();
  const result = await task();
  const after = sampleCpu();
  return { result, machine: before && after ? machineLoad(before, after) : null };
}

export function loudDisturbance(label: string, load: MachineLoad | null): string | null {
  if (!load?.disturbed) return null;
  return `!!! DISTURBED (${label}): ${load.reasons.join('; ')} — read its p99 as machine noise, not the product's`;
}
