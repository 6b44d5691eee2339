import { describe, expect, it } from 'vitest';
import { busyTicksOf, judgeDisturbance, machineLoad, processTicksOf, treeTicks } from '../bench/lib/machine.js';

describe('bench machine load', () => {
  it('counts busy ticks of the aggregate cpu line, without idle and iowait', () => {
    const stat = 'cpu  100 5 50 9000 40 3 2 7 0 0\ncpu0 50 2 25 4500 20 1 1 3 0 0\nintr 1 2 3\n';
    // user + nice + system + irq + softirq + steal
    expect(busyTicksOf(stat)).toBe(100 + 5 + 50 + 3 + 2 + 7);
    expect(() => busyTicksOf('intr 1 2\n')).toThrow(/aggregate cpu/);
  });

  it('reads ppid and utime + stime + cutime + cstime, even when the name has spaces and parentheses', () => {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
    const stat = '4242 (node (bench) x) S 17 4242 4242 0 -1 4194304 900 0 0 0 120 30 7 3 20 0 11 0';
    expect(processTicksOf(stat)).toEqual({ ppid: 17, ticks: 120 + 30 + 7 + 3 });
  });

  it('sums a process tree and nothing outside it', () => {
    const table = new Map([
      [1, { ppid: 0, ticks: 1000 }],
      [10, { ppid: 1, ticks: 5 }],
      [11, { ppid: 10, ticks: 7 }],
      [12, { ppid: 11, ticks: 11 }],
      [20, { ppid: 1, ticks: 500 }],
    ]);
    expect(treeTicks(table, 10)).toBe(5 + 7 + 11);
    expect(treeTicks(table, 99)).toBe(0);
  });

  it('calls a run disturbed when others use more than a tenth of the machine, and says why', () => {
    expect(judgeDisturbance({ nproc: 2, otherCores: 0.2 })).toEqual({ disturbed: false, reasons: [] });
    const busy = judgeDisturbance({ nproc: 2, otherCores: 0.21 });
    expect(busy.disturbed).toBe(true);
    expect(busy.reasons[0]).toMatch(/0\.21 of 2 cores/);
  });

  it('judges the load average only where asked (the start of a run)', () => {
    expect(judgeDisturbance({ nproc: 2, otherCores: 0 }).disturbed).toBe(false);
    expect(judgeDisturbance({ nproc: 2, otherCores: 0, loadAverageBefore: 1 }).disturbed).toBe(false);
    const queued = judgeDisturbance({ nproc: 2, otherCores: 0, loadAverageBefore: 1.5 });
    expect(queued.disturbed).toBe(true);
    expect(queued.reasons[0]).toMatch(/load average 1\.5/);
  });

  it('subtracts our own CPU from the machine total', () => {
    // 10 s; the machine was busy 15 core-seconds (1500 ticks), our processes 12 of them.
    const before = { busyTicks: 10_000, ownTicks: 300, wallMs: 1_000, load1: 0.4 };
    const after = { busyTicks: 11_500, ownTicks: 1_500, wallMs: 11_000, load1: 1.9 };
    const load = machineLoad(before, after, { nproc: 2 });
    expect(load).toMatchObject({ seconds: 10, ownCores: 1.2, otherCores: 0.3, loadAverageBefore: 0.4, loadAverageAfter: 1.9, disturbed: true });
    // Our own CPU above the machine's (reaping races) never gives negative other load.
    expect(machineLoad(before, { ...after, ownTicks: 5_000 }, { nproc: 2 }).otherCores).toBe(0);
    expect(machineLoad(before, { ...after, busyTicks: 11_200 }, { nproc: 2 }).disturbed).toBe(false);
  });
});
