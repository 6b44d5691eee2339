import type { StaffingShift } from '../../protocol/simulation.js';
import type { OpenInterval } from './dayRecord.js';

const MINUTE = 60_000;

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The day's open intervals as the API's shifts (hall-local HH:MM, the inverse of `intervalsOf`), for the
 * page 「排班模拟」 to start its staffing grid from. A shift is widened to whole minutes (09:03:20–11:47:10 is
 * 09:03–11:48), so that sending the shifts back never leaves out a minute the window was open; one shorter
 * than a minute still covers one.
 */
export function shiftsOf(intervals: readonly OpenInterval[], dayStart: number): StaffingShift[] {
  return intervals.map((interval) => {
    const from = Math.max(0, Math.floor((interval.from - dayStart) / MINUTE));
    const to = Math.min(24 * 60, Math.max(from + 1, Math.ceil((interval.to - dayStart) / MINUTE)));
    return { windowId: interval.windowId, from: hhmm(from), to: hhmm(to) };
  });
}
