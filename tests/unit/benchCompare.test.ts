import { describe, expect, it } from 'vitest';
import { alternatingOrder, formatRatio, goal, perCpuSecond, ratios } from '../bench/lib/compare.js';
import { percentilesOf } from '../bench/lib/serverProbes.js';

describe('bench side-by-side figures', () => {
  it('alternates which side runs first, starting with HallQ', () => {
    expect(alternatingOrder(3)).toEqual([
      ['hallq', 'peer'],
      ['peer', 'hallq'],
      ['hallq', 'peer'],
    ]);
  });

  it('gives HallQ / peer per pair, their median, min and max', () => {
    const r = ratios([
      { hallq: 5, peer: 4 },
      { hallq: 6, peer: 4 },
      { hallq: 4, peer: 4 },
    ]);
    expect(r).toEqual({ perPair: [1.25, 1.5, 1], median: 1.25, min: 1, max: 1.5 });
    expect(ratios([{ hallq: 1, peer: 2 }, { hallq: 3, peer: 2 }]).median).toBe(1);
  });

  it('leaves out pairs without a figure instead of dividing by zero', () => {
    const r = ratios([
      { hallq: 5, peer: 0 },
      { hallq: Number.NaN, peer: 3 },
      { hallq: 2, peer: 4 },
    ]);
    expect(r.perPair).toEqual([0.5]);
    expect(formatRatio(r)).toBe('0.5×');
    const none = ratios([]);
    expect(Number.isNaN(none.median)).toBe(true);
    expect(formatRatio(none)).toBe('n/a');
  });

  it('judges goals on either side of the limit, and not at all without a figure', () => {
    expect(goal(1.15, '<=', 1.15)).toEqual({ text: '≤ 1.15×', met: true });
    expect(goal(1.16, '<=', 1.15).met).toBe(false);
    expect(goal(0.59, '>=', 0.6)).toEqual({ text: '≥ 0.6×', met: false });
    expect(goal(Number.NaN, '>=', 0.6).met).toBeNull();
  });

  it('prints the median with the spread over pairs', () => {
    expect(formatRatio({ perPair: [1.3, 1.4, 1.2], median: 1.3, min: 1.2, max: 1.4 })).toBe('1.3× (1.2–1.4, 3 pairs)');
  });

  it('scales throughput to one CPU-second of the server', () => {
    expect(perCpuSecond(1800, 90)).toBe(2000);
    expect(Number.isNaN(perCpuSecond(1800, 0))).toBe(true);
  });

  it('summarises probe samples with nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentilesOf(values)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(percentilesOf([]).count).toBe(0);
  });
});
