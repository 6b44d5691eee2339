import { describe, expect, it } from 'vitest';
import { shiftsOf } from '../../server/oversight/simulation/actualStaffing.js';
import { intervalsOf } from '../../server/oversight/simulation/staffing.js';

/** SimulationResult.actualStaffing: the day's open intervals as the shifts the page 「排班模拟」 starts its grid from. */
const dayStart = Date.parse('2026-11-27T00:00:00+08:00');
const at = (hhmm: string, seconds = 0) => Date.parse(`2026-11-27T${hhmm}:00+08:00`) + seconds * 1000;

describe('the actual staffing as shifts', () => {
  it('gives whole minutes that cover every open second, and reads back as the same intervals when they were whole', () => {
    expect(
      shiftsOf(
        [
          { windowId: '1', from: at('09:03', 20), to: at('11:47', 10) },
          { windowId: '2', from: at('13:30'), to: at('13:30', 5) },
          { windowId: '3', from: at('16:00'), to: dayStart + 24 * 3_600_000 },
        ],
        dayStart,
      ),
    ).toEqual([
      { windowId: '1', from: '09:03', to: '11:48' },
      { windowId: '2', from: '13:30', to: '13:31' },
      { windowId: '3', from: '16:00', to: '24:00' },
    ]);
    const whole = [
      { windowId: '1', from: at('09:00'), to: at('12:30') },
      { windowId: '4', from: at('09:20'), to: at('10:40') },
    ];
    expect(intervalsOf(shiftsOf(whole, dayStart), dayStart)).toEqual(whole);
  });
});
