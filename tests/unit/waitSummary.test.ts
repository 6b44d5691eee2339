import { describe, expect, it } from 'vitest';
import { waitRange, waitSummary } from '../../server/protocol/waitRange.js';

/** What the kiosk, the phone page and the result screen may say about a wait (issue 15: never 「等候 1 人 · 无需等候」). */
describe('waitSummary', () => {
  it('says nobody serves it when no window is open for the service, whoever waits', () => {
    expect(waitSummary(0, 0, 0)).toEqual({ kind: 'unserved' });
    expect(waitSummary(5, 25, 0)).toEqual({ kind: 'unserved' });
  });

  it('says no wait only when nobody is ahead and a window serves it', () => {
    expect(waitSummary(0, 0, 1)).toEqual({ kind: 'none' });
    expect(waitSummary(0, 7, 2)).toEqual({ kind: 'none' });
  });

  it('gives a range with people ahead, never a range of nothing, even when a fast average rounds the estimate to 0', () => {
    const rounded = waitSummary(1, 0, 1);
    expect(rounded.kind).toBe('range');
    expect(rounded).toEqual({ kind: 'range', ...waitRange(1) });
    if (rounded.kind === 'range') expect(rounded.high).toBeGreaterThan(0);
    expect(waitSummary(4, 20, 1)).toEqual({ kind: 'range', ...waitRange(20) });
  });
});
